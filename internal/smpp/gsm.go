package smpp

// gsmBasic is the GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1),
// indexed by septet. 0x1B is the escape to the extension table, not a
// character. internal/sms holds the same table for measuring; this copy
// maps characters to septets, which sending needs, and a test keeps the
// two in agreement.
var gsmBasic = [128]rune{
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 0x1B, 'Æ', 'æ', 'ß', 'É',
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
}

// gsmEscape introduces a character of the extension table.
const gsmEscape = 0x1B

// gsmExtension is the extension table, used only to read what arrives:
// the seeds say carriers do not support it, so Arauto never sends it.
var gsmExtension = map[byte]rune{
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€',
}

// gsmSeptet maps a character of the basic table to its septet.
var gsmSeptet = func() map[rune]byte {
	m := make(map[rune]byte, 128)
	for i, r := range gsmBasic {
		if i != gsmEscape {
			m[r] = byte(i)
		}
	}
	return m
}()

// asciiSeptet is gsmSeptet for ASCII, with 0xFF for characters outside
// the basic table (controls, the backtick, the extension characters).
var asciiSeptet = func() (t [128]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i, r := range gsmBasic {
		if r < 128 && i != gsmEscape {
			t[r] = byte(i)
		}
	}
	return t
}()

// septetOf returns the septet of r in the basic table.
func septetOf(r rune) (byte, bool) {
	if r < 128 {
		s := asciiSeptet[r]
		return s, s != 0xFF
	}
	s, ok := gsmSeptet[r]
	return s, ok
}
