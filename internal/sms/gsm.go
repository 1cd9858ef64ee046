package sms

// gsmBasic is the GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1), indexed
// by septet value. Entry 0x1B is the escape to the extension table, not a
// character; it is stored as U+001B only to keep the table 128 entries long
// and is never accepted as input.
var gsmBasic = [128]rune{
	// 0x00
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
	// 0x10
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', gsmEscape, 'Æ', 'æ', 'ß', 'É',
	// 0x20
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	// 0x30
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	// 0x40
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	// 0x50
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	// 0x60
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	// 0x70
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
}

// gsmEscape is the septet that introduces a character of the extension table.
const gsmEscape = 0x1B

// gsmExtension lists the characters of the GSM 03.38 extension table that
// handsets display (3GPP TS 23.038 §6.2.1.1), indexed by the septet that
// follows the escape; zero entries are unassigned. Each costs two septets:
// escape + character.
var gsmExtension = [128]rune{
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€',
}

// asciiSeptets gives the GSM-7 cost of every ASCII code point: 0 when the
// character is not in GSM 03.38 (controls other than LF, CR and form feed,
// the backtick and DEL), 1 for the basic table, 2 for the extension table.
var asciiSeptets = [128]uint8{
	'\n': 1, '\r': 1, '\f': 2,
	' ': 1, '!': 1, '"': 1, '#': 1, '$': 1, '%': 1, '&': 1, '\'': 1,
	'(': 1, ')': 1, '*': 1, '+': 1, ',': 1, '-': 1, '.': 1, '/': 1,
	'0': 1, '1': 1, '2': 1, '3': 1, '4': 1, '5': 1, '6': 1, '7': 1, '8': 1, '9': 1,
	':': 1, ';': 1, '<': 1, '=': 1, '>': 1, '?': 1, '@': 1,
	'A': 1, 'B': 1, 'C': 1, 'D': 1, 'E': 1, 'F': 1, 'G': 1, 'H': 1, 'I': 1,
	'J': 1, 'K': 1, 'L': 1, 'M': 1, 'N': 1, 'O': 1, 'P': 1, 'Q': 1, 'R': 1,
	'S': 1, 'T': 1, 'U': 1, 'V': 1, 'W': 1, 'X': 1, 'Y': 1, 'Z': 1,
	'[': 2, '\\': 2, ']': 2, '^': 2, '_': 1,
	'a': 1, 'b': 1, 'c': 1, 'd': 1, 'e': 1, 'f': 1, 'g': 1, 'h': 1, 'i': 1,
	'j': 1, 'k': 1, 'l': 1, 'm': 1, 'n': 1, 'o': 1, 'p': 1, 'q': 1, 'r': 1,
	's': 1, 't': 1, 'u': 1, 'v': 1, 'w': 1, 'x': 1, 'y': 1, 'z': 1,
	'{': 2, '|': 2, '}': 2, '~': 2,
}

// Septets reports how many GSM-7 septets r costs: 1 for a character of the
// GSM 03.38 basic table, 2 for one of the extension table (escape +
// character), and 0 when r cannot be sent in GSM-7 and forces UCS-2.
func Septets(r rune) int {
	if r >= 0 && r < 0x80 {
		return int(asciiSeptets[r])
	}
	switch r {
	case '£', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', 'Ø', 'ø', 'Å', 'å',
		'Δ', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 'Æ', 'æ', 'ß', 'É',
		'¤', '¡', 'Ä', 'Ö', 'Ñ', 'Ü', '§', '¿', 'ä', 'ö', 'ñ', 'ü', 'à':
		return 1
	case '€':
		return 2
	}
	return 0
}

// utf16Units is the number of UTF-16 code units r takes in UCS-2 (really
// UTF-16, as handsets decode it): 2 outside the Basic Multilingual Plane, 1
// otherwise. utf8.RuneError, which stands for an invalid byte, costs 1.
func utf16Units(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
