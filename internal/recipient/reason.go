package recipient

import "strings"

// Reason is the stable code saying why a row was rejected. The codes are part
// of the CLI and storage contract: never rename one, only add.
type Reason string

// The rejection reasons.
const (
	// ReasonEmpty: the phone cell is blank.
	ReasonEmpty Reason = "empty"
	// ReasonInvalid: not a phone number at all, or a number no plan allows.
	ReasonInvalid Reason = "invalid"
	// ReasonLostDigits: scientific notation (5,52E+12) that lost digits;
	// expanding it would invent someone else's number.
	ReasonLostDigits Reason = "lost_digits"
	// ReasonTooShort: too few digits for a phone number.
	ReasonTooShort Reason = "too_short"
	// ReasonTooLong: too many digits (often two numbers in one cell).
	ReasonTooLong Reason = "too_long"
	// ReasonInvalidDDD: a Brazilian number whose area code (DDD) does not exist.
	ReasonInvalidDDD Reason = "invalid_ddd"
	// ReasonNoAreaCode: 8 or 9 digits without the DDD.
	ReasonNoAreaCode Reason = "no_area_code"
	// ReasonNoNinthDigit: an old 8-digit Brazilian mobile written without
	// the leading 9 every mobile has had since 2016. Not repaired on purpose.
	ReasonNoNinthDigit Reason = "no_ninth_digit"
	// ReasonLandline: a valid fixed-line number; it cannot receive SMS.
	ReasonLandline Reason = "landline"
	// ReasonTollFree: a toll-free number (0800).
	ReasonTollFree Reason = "toll_free"
	// ReasonNotMobile: a valid number of another kind (premium rate 0900,
	// shared cost 4004/0300, VoIP, pager, ...).
	ReasonNotMobile Reason = "not_mobile"
	// ReasonCorrelationTooLong: the correlationId column holds more than 64
	// characters, the Wavy limit.
	ReasonCorrelationTooLong Reason = "correlation_too_long"
	// ReasonDuplicate: the number already appeared earlier in the file. It
	// is only used for RejectedRow; Report counts duplicates separately.
	ReasonDuplicate Reason = "duplicate"
)

// Reasons lists every reason code in a stable display order.
var Reasons = []Reason{
	ReasonEmpty, ReasonInvalid, ReasonLostDigits, ReasonTooShort, ReasonTooLong,
	ReasonInvalidDDD, ReasonNoAreaCode, ReasonNoNinthDigit, ReasonLandline,
	ReasonTollFree, ReasonNotMobile, ReasonCorrelationTooLong, ReasonDuplicate,
}

var reasonText = map[Reason][2]string{ // pt-BR, en
	ReasonEmpty:              {"telefone em branco", "phone number is blank"},
	ReasonInvalid:            {"não é um número de telefone válido", "not a valid phone number"},
	ReasonLostDigits:         {"número em notação científica perdeu dígitos (formate a coluna como texto no Excel)", "number in scientific notation lost digits (format the column as text in Excel)"},
	ReasonTooShort:           {"número curto demais", "number is too short"},
	ReasonTooLong:            {"número longo demais (dois números na mesma célula?)", "number is too long (two numbers in one cell?)"},
	ReasonInvalidDDD:         {"DDD inexistente", "area code (DDD) does not exist"},
	ReasonNoAreaCode:         {"número sem DDD", "number without area code (DDD)"},
	ReasonNoNinthDigit:       {"celular sem o nono dígito (formato antigo de 8 dígitos)", "mobile without the ninth digit (old 8-digit format)"},
	ReasonLandline:           {"telefone fixo não recebe SMS", "landline numbers cannot receive SMS"},
	ReasonTollFree:           {"número 0800 não recebe SMS", "toll-free numbers cannot receive SMS"},
	ReasonNotMobile:          {"não é um número de celular", "not a mobile number"},
	ReasonCorrelationTooLong: {"correlationId com mais de 64 caracteres", "correlationId longer than 64 characters"},
	ReasonDuplicate:          {"número repetido na lista", "number already in the list"},
}

// Message returns a human description of the reason in lang: Portuguese for
// "pt", "pt-BR" (and any "pt-*"), English otherwise. Unknown codes come back
// as the code itself.
func (r Reason) Message(lang string) string {
	t, ok := reasonText[r]
	if !ok {
		return string(r)
	}
	if isPortuguese(lang) {
		return t[0]
	}
	return t[1]
}

func isPortuguese(lang string) bool {
	lang = strings.ToLower(strings.TrimSpace(lang))
	return lang == "pt" || strings.HasPrefix(lang, "pt-") || strings.HasPrefix(lang, "pt_")
}
