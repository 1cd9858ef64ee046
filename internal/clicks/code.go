package clicks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
)

// MaxLinks is how many links of one message are tracked; later ones are
// left as written (the index takes 4 bits of the code).
const MaxLinks = 16

// maxMessageID is the largest message id a code can carry (36 bits).
const maxMessageID = 1<<36 - 1

const (
	payloadLen = 5
	tagLen     = 8
)

// CodeLen is the length of every code: 13 bytes in base64url.
var CodeLen = base64.RawURLEncoding.EncodedLen(payloadLen + tagLen)

// Path is the path of the short links, before the code.
const Path = "/r/"

// Coder makes and checks codes with the installation's secret.
type Coder struct{ key []byte }

// NewCoder returns a Coder for the secret (at least 16 bytes).
func NewCoder(secret []byte) *Coder { return &Coder{key: append([]byte(nil), secret...)} }

// Code returns the code of a message's link (index 0..MaxLinks-1).
func (c *Coder) Code(messageID int64, link int) string {
	var raw [payloadLen + tagLen]byte
	c.put(raw[:], messageID, link)
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

// AppendCode appends the code to dst (the dispatcher renders a million of
// them).
func (c *Coder) AppendCode(dst []byte, messageID int64, link int) []byte {
	var raw [payloadLen + tagLen]byte
	c.put(raw[:], messageID, link)
	return base64.RawURLEncoding.AppendEncode(dst, raw[:])
}

func (c *Coder) put(raw []byte, messageID int64, link int) {
	v := uint64(messageID)<<4 | uint64(link&(MaxLinks-1))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	copy(raw[:payloadLen], b[8-payloadLen:])
	copy(raw[payloadLen:], c.tag(raw[:payloadLen]))
}

func (c *Coder) tag(payload []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("arauto/click/v1\x00"))
	m.Write(payload)
	return m.Sum(nil)[:tagLen]
}

// Parse reads a code. ok is false for anything that is not a code this
// installation made: wrong length or alphabet, or a tag that does not
// match (checked in constant time).
func (c *Coder) Parse(code string) (messageID int64, link int, ok bool) {
	if len(code) != CodeLen || strings.ContainsAny(code, "=+/") {
		return 0, 0, false
	}
	var raw [payloadLen + tagLen]byte
	n, err := base64.RawURLEncoding.Decode(raw[:], []byte(code))
	if err != nil || n != len(raw) {
		return 0, 0, false
	}
	// Only the canonical encoding is accepted: the last character's
	// unused bits must be zero, so one code has one spelling.
	if base64.RawURLEncoding.EncodeToString(raw[:]) != code {
		return 0, 0, false
	}
	if !hmac.Equal(c.tag(raw[:payloadLen]), raw[payloadLen:]) {
		return 0, 0, false
	}
	var b [8]byte
	copy(b[8-payloadLen:], raw[:payloadLen])
	v := binary.BigEndian.Uint64(b[:])
	return int64(v >> 4), int(v & (MaxLinks - 1)), true
}

// Encodable reports whether a message id fits in a code.
func Encodable(messageID int64) bool { return messageID > 0 && messageID <= maxMessageID }

// Links are the short links of one installation: its public URL, Path and
// a code (dispatch.ShortLinks).
type Links struct {
	*Coder
	prefix string
}

// NewLinks returns the short links under publicURL signed with secret.
func NewLinks(secret []byte, publicURL string) *Links {
	return &Links{Coder: NewCoder(secret), prefix: strings.TrimRight(publicURL, "/") + Path}
}

// Prefix is what every short link starts with: the public URL and Path.
func (l *Links) Prefix() string { return l.prefix }

// CodeLen is the length of every code.
func (l *Links) CodeLen() int { return CodeLen }

// URL is the short link of a message's link.
func (l *Links) URL(messageID int64, link int) string { return l.prefix + l.Code(messageID, link) }
