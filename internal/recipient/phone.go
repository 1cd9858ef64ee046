package recipient

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region assumed for numbers written without a country
// code.
const DefaultRegion = "BR"

// brazilDDD marks the 67 Brazilian area codes (DDD) in use, as assigned by
// Anatel and as libphonenumber's metadata lists them.
var brazilDDD = func() (t [100]bool) {
	for _, d := range []int{
		11, 12, 13, 14, 15, 16, 17, 18, 19,
		21, 22, 24, 27, 28,
		31, 32, 33, 34, 35, 37, 38,
		41, 42, 43, 44, 45, 46, 47, 48, 49,
		51, 53, 54, 55,
		61, 62, 63, 64, 65, 66, 67, 68, 69,
		71, 73, 74, 75, 77, 79,
		81, 82, 83, 84, 85, 86, 87, 88, 89,
		91, 92, 93, 94, 95, 96, 97, 98, 99,
	} {
		t[d] = true
	}
	return t
}()

// brazilCSP marks the long-distance carrier selection codes (CSP) that
// libphonenumber strips after the national prefix 0 ("0 15 19 99771-2322").
// Other codes are left to the libphonenumber fallback, which rejects them.
var brazilCSP = func() (t [100]bool) {
	for _, d := range []int{12, 14, 15, 21, 22, 23, 25, 31, 41, 43, 55, 65, 99} {
		t[d] = true
	}
	return t
}()

// IsBrazilianDDD reports whether ddd is a Brazilian area code in use.
func IsBrazilianDDD(ddd int) bool { return ddd >= 0 && ddd < 100 && brazilDDD[ddd] }

// NormalizePhone turns what people type or Excel stores into E.164 digits
// without the '+' (for example "5519997712322"). reason is empty exactly when
// the number is accepted; otherwise digits is "" and reason says why.
//
// region is the ISO 3166 region for numbers written without a country code
// ("" means BR). Accepted:
//
//   - "+55 (19) 99771-2322", "5519997712322" (the '+' Excel dropped),
//     "(19) 99771-2322", "19997712322", "19.99771.2322", "'5519997712322",
//     `="5519997712322"`, "0xx19 99771-2322", "019997712322" and
//     "0 15 19 99771-2322" (national prefix with carrier code);
//   - scientific notation from Excel, "5,519997712322E+12" or
//     "5.519997712322E+12", only when every digit survived; "5,52E+12" lost
//     digits and is rejected as ReasonLostDigits, never padded with zeros;
//   - a numeric cell written as "5519997712322.0";
//   - numbers of other countries written with '+' (or in their own region).
//
// Only mobiles are accepted. In Brazil that means 11 national digits: a DDD
// from the real list and a 9-digit subscriber number starting with 9.
// Landlines (first digit 2-5) are ReasonLandline, 0800 is ReasonTollFree, old
// 8-digit mobiles without the ninth digit are ReasonNoNinthDigit (they are not
// guessed; this includes the legacy Nextel 7xxx-xxxx range libphonenumber
// still calls mobile). Abroad, where libphonenumber cannot tell mobiles from
// landlines (FIXED_LINE_OR_MOBILE, e.g. the USA), the number is accepted.
//
// Brazilian numbers take a fast path that never calls libphonenumber; every
// shape it cannot decide falls back to github.com/nyaruka/phonenumbers, and a
// differential test keeps the two in agreement.
func NormalizePhone(raw, region string) (digits string, reason Reason) {
	n, r := normalize(raw, canonicalRegion(region))
	if r != "" {
		return "", r
	}
	return strconv.FormatUint(n, 10), ""
}

func canonicalRegion(region string) string {
	region = strings.ToUpper(strings.TrimSpace(region))
	if region == "" {
		return DefaultRegion
	}
	return region
}

// maxDigits bounds the digits kept while scanning; E.164 allows 15.
const maxDigits = 20

// normalize is NormalizePhone returning the E.164 number as an integer, the
// dedupe key, so the import allocates nothing for rejected or duplicate rows.
// region must be canonical.
func normalize(raw, region string) (uint64, Reason) {
	return normalizeWith(raw, region, fallback)
}

// fallbackFunc resolves what the fast path cannot; tests swap it to count.
type fallbackFunc func(s, region string) (uint64, Reason)

func normalizeWith(raw, region string, fb fallbackFunc) (uint64, Reason) {
	s := trimPhone(raw)
	if s == "" {
		return 0, ReasonEmpty
	}
	s = stripDecimalZeros(s)
	var buf [maxDigits]byte
	n := 0
	plus := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == maxDigits {
				return 0, ReasonTooLong
			}
			buf[n] = c
			n++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == ',' || c == '\t' || c == '_':
		case c == '+':
			if n != 0 || plus {
				return 0, ReasonInvalid
			}
			plus = true
		case c == 'x' || c == 'X':
			// "0xx19 ...": the placeholder for the carrier code.
			if n != 1 || buf[0] != '0' || plus {
				return 0, ReasonInvalid
			}
		case c == 'e' || c == 'E':
			d, r := parseSci(s, buf[:0])
			if r != "" {
				return 0, r
			}
			return decide(d, false, region, fb)
		case c == 0xC2 && i+1 < len(s) && s[i+1] == 0xA0: // NBSP
			i++
		case c >= 0x80:
			// Full-width or other non-ASCII digits: libphonenumber knows them.
			return fb(s, region)
		default:
			return 0, ReasonInvalid
		}
	}
	if n == 0 {
		return 0, ReasonInvalid
	}
	return decide(buf[:n], plus, region, fb)
}

// decide classifies a digit string, taking the fast path for the shapes of
// Brazilian numbers and falling back to libphonenumber for the rest.
func decide(d []byte, plus bool, region string, fb fallbackFunc) (uint64, Reason) {
	n := len(d)
	if plus {
		if n >= 12 && d[0] == '5' && d[1] == '5' {
			if key, r, ok := classifyBR(d[2:]); ok {
				return key, r
			}
		}
		return fb("+"+string(d), region)
	}
	if region == "BR" {
		var nat []byte
		switch {
		case (n == 10 || n == 11) && d[0] != '0':
			nat = d
		case (n == 12 || n == 13) && d[0] == '5' && d[1] == '5':
			nat = d[2:]
		case (n == 11 || n == 12) && d[0] == '0':
			nat = d[1:]
		case (n == 13 || n == 14) && d[0] == '0' && brazilCSP[int(d[1]-'0')*10+int(d[2]-'0')]:
			nat = d[3:]
		}
		if nat != nil {
			if key, r, ok := classifyBR(nat); ok {
				return key, r
			}
		}
	}
	return fb(string(d), region)
}

// classifyBR decides a Brazilian national significant number of 10 or 11
// digits with a known DDD. ok is false when it is not sure (unknown DDD: 0800,
// 0300, 4004 and friends; shapes no plan allows), and the caller falls back
// to libphonenumber.
func classifyBR(nat []byte) (key uint64, r Reason, ok bool) {
	if len(nat) != 10 && len(nat) != 11 {
		return 0, "", false
	}
	if !brazilDDD[int(nat[0]-'0')*10+int(nat[1]-'0')] {
		return 0, "", false
	}
	first := nat[2]
	if len(nat) == 11 {
		if first != '9' {
			// Not a national number; libphonenumber may still read a
			// leading 55 as the country code (55 500 226 810).
			return 0, "", false
		}
		return 55_000_000_000_00 + atou(nat), "", true
	}
	switch {
	case first >= '2' && first <= '5':
		return 0, ReasonLandline, true
	case first >= '6':
		return 0, ReasonNoNinthDigit, true
	default:
		return 0, "", false
	}
}

func atou(d []byte) uint64 {
	var v uint64
	for _, c := range d {
		v = v*10 + uint64(c-'0')
	}
	return v
}

// fallback parses s with libphonenumber.
func fallback(s, region string) (uint64, Reason) {
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		switch err {
		case phonenumbers.ErrTooShortNSN, phonenumbers.ErrTooShortAfterIDD:
			return 0, ReasonTooShort
		case phonenumbers.ErrNumTooLong:
			return 0, ReasonTooLong
		default:
			return 0, ReasonInvalid
		}
	}
	return classifyParsed(num)
}

// classifyParsed maps a parsed number to the import's decision. The fast path
// reproduces exactly this mapping for the Brazilian shapes it handles.
func classifyParsed(num *phonenumbers.PhoneNumber) (uint64, Reason) {
	cc := num.GetCountryCode()
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	if !phonenumbers.IsValidNumber(num) {
		return 0, invalidReason(num, cc, nsn)
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE:
		if cc == 55 && len(nsn) == 10 {
			// Legacy Nextel 7xxx-xxxx: libphonenumber still says mobile.
			return 0, ReasonNoNinthDigit
		}
	case phonenumbers.FIXED_LINE_OR_MOBILE:
	case phonenumbers.FIXED_LINE:
		return 0, ReasonLandline
	case phonenumbers.TOLL_FREE:
		return 0, ReasonTollFree
	default:
		return 0, ReasonNotMobile
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	key, err := strconv.ParseUint(strings.TrimPrefix(e164, "+"), 10, 64)
	if err != nil {
		return 0, ReasonInvalid
	}
	return key, ""
}

func invalidReason(num *phonenumbers.PhoneNumber, cc int32, nsn string) Reason {
	if cc == 55 {
		switch len(nsn) {
		case 10, 11:
			if !brazilDDD[int(nsn[0]-'0')*10+int(nsn[1]-'0')] {
				return ReasonInvalidDDD
			}
			if len(nsn) == 10 && nsn[2] >= '6' {
				return ReasonNoNinthDigit
			}
		case 8:
			if nsn[0] >= '2' {
				return ReasonNoAreaCode
			}
		case 9:
			if nsn[0] == '9' {
				return ReasonNoAreaCode
			}
		}
	}
	switch phonenumbers.IsPossibleNumberWithReason(num) {
	case phonenumbers.TOO_SHORT:
		return ReasonTooShort
	case phonenumbers.TOO_LONG:
		return ReasonTooLong
	}
	return ReasonInvalid
}

// trimPhone removes surrounding blanks, Excel's leading apostrophe, quotes
// and the ="..." text-formula trick.
func trimPhone(s string) string {
	for {
		s = trimBlank(s)
		switch {
		case s == "":
			return s
		case s[0] == '\'':
			s = s[1:]
		case len(s) >= 3 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"':
			s = s[2 : len(s)-1]
		case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
			s = s[1 : len(s)-1]
		default:
			return s
		}
	}
}

// trimBlank trims ASCII white space, NBSP, zero-width space and BOMs.
func trimBlank(s string) string {
	for len(s) > 0 {
		switch {
		case s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n':
			s = s[1:]
		case strings.HasPrefix(s, "\u00a0"):
			s = s[2:]
		case strings.HasPrefix(s, "\u200b") || strings.HasPrefix(s, "\ufeff"):
			s = s[3:]
		default:
			goto right
		}
	}
right:
	for len(s) > 0 {
		c := s[len(s)-1]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			s = s[:len(s)-1]
		case strings.HasSuffix(s, "\u00a0"):
			s = s[:len(s)-2]
		case strings.HasSuffix(s, "\u200b") || strings.HasSuffix(s, "\ufeff"):
			s = s[:len(s)-3]
		default:
			return s
		}
	}
	return s
}

// stripDecimalZeros turns "5519997712322.0" (a numeric cell printed as a
// float) into "5519997712322". It only applies when everything before the
// separator is plain digits, so "19.99771.2320" is left alone.
func stripDecimalZeros(s string) string {
	i := strings.LastIndexAny(s, ".,")
	if i < 8 || i == len(s)-1 {
		return s
	}
	for j := i + 1; j < len(s); j++ {
		if s[j] != '0' {
			return s
		}
	}
	start := 0
	if s[0] == '+' {
		start = 1
	}
	for j := start; j < i; j++ {
		if s[j] < '0' || s[j] > '9' {
			return s
		}
	}
	return s[:i]
}

// parseSci expands Excel's scientific notation ("5,519997712322E+12") into
// dst when no digit was lost: the mantissa must carry a digit for every power
// of ten. "5,52E+12" is ReasonLostDigits. Fractions that do not vanish are
// ReasonInvalid.
func parseSci(s string, dst []byte) ([]byte, Reason) {
	i := 0
	if i < len(s) && s[i] == '+' {
		i++
	}
	intStart := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intPart := s[intStart:i]
	frac := ""
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		frac = s[fs:i]
	}
	if intPart == "" || i >= len(s) || (s[i] != 'e' && s[i] != 'E') {
		return nil, ReasonInvalid
	}
	i++
	if i < len(s) && s[i] == '+' {
		i++
	}
	es := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if es == i || i != len(s) || i-es > 2 {
		return nil, ReasonInvalid
	}
	exp, _ := strconv.Atoi(s[es:i])
	if len(frac) < exp {
		return nil, ReasonLostDigits
	}
	for j := exp; j < len(frac); j++ {
		if frac[j] != '0' {
			return nil, ReasonInvalid
		}
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart)+exp > cap(dst) {
		return nil, ReasonTooLong
	}
	dst = append(dst, intPart...)
	dst = append(dst, frac[:exp]...)
	if len(dst) == 0 {
		return nil, ReasonInvalid
	}
	return dst, ""
}
