package sandbox

import (
	"encoding/binary"
	"time"
	"unicode/utf8"
)

// fnv64 hashes s with FNV-1a, starting from the given seed.
func fnv64(seed uint64, s string) uint64 {
	h := uint64(14695981039346656037) ^ seed
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix64 is the splitmix64 finaliser: a cheap, well-distributed bijection.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// stream yields a deterministic sequence of uniform numbers from one hash.
type stream struct{ s uint64 }

func (r *stream) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

// float returns a uniform number in [0, 1).
func (r *stream) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// ID domains keep message, batch and MO identifiers apart.
const (
	domainMessage uint64 = iota + 1
	domainBatch
	domainMO
	domainFile
	domainLookup
	domainSessionFile
)

// uuidFor derives a version-4-shaped UUID from the sandbox key, a domain and
// a sequence number. The last four bytes carry the sequence number masked, so
// a message ID maps back to its ledger slot without an index.
func uuidFor(key, domain uint64, seq uint32) [16]byte {
	var b [16]byte
	a := mix64(key ^ domain<<56 ^ uint64(seq)*0x9e3779b97f4a7c15)
	c := mix64(a ^ 0x5851f42d4c957f2d)
	binary.BigEndian.PutUint64(b[0:8], a)
	binary.BigEndian.PutUint32(b[8:12], uint32(c>>32))
	binary.BigEndian.PutUint32(b[12:16], seq^seqMask(key, domain))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return b
}

func seqMask(key, domain uint64) uint32 { return uint32(mix64(key^domain) >> 17) }

// seqOf recovers the sequence number of a UUID made by uuidFor, reporting
// whether the UUID really is one of ours.
func seqOf(key, domain uint64, b [16]byte) (uint32, bool) {
	seq := binary.BigEndian.Uint32(b[12:16]) ^ seqMask(key, domain)
	return seq, uuidFor(key, domain, seq) == b
}

const hexDigits = "0123456789abcdef"

// appendUUID appends the canonical 36-character form of b.
func appendUUID(dst []byte, b [16]byte) []byte {
	for i, v := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[v>>4], hexDigits[v&0x0f])
	}
	return dst
}

func uuidString(b [16]byte) string {
	var buf [36]byte
	return string(appendUUID(buf[:0], b))
}

// parseUUID parses the canonical form, upper or lower case.
func parseUUID(s string) ([16]byte, bool) {
	var b [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return b, false
	}
	j := 0
	for i := 0; i < 36; {
		if s[i] == '-' {
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return b, false
		}
		b[j] = hi<<4 | lo
		j++
		i += 2
	}
	return b, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendJSONString appends s as a JSON string literal, replacing invalid
// UTF-8 with U+FFFD like encoding/json does.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// msTime converts unix milliseconds to a UTC time.
func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// formatDate renders the SMS API's yyyy-MM-dd'T'HH:mm:ssZ form.
func formatDate(ms int64) string { return msTime(ms).Format("2006-01-02T15:04:05Z") }

// formatDateMillis renders the WhatsApp API's form with milliseconds.
func formatDateMillis(ms int64) string { return msTime(ms).Format("2006-01-02T15:04:05.000Z") }
