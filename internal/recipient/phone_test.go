package recipient

import (
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	const want = "5519997712322"
	tests := []struct {
		name, raw, region string
		want              string
		reason            Reason
	}{
		// Every spelling of one mobile.
		{"e164 formatted", "+55 (19) 99771-2322", "BR", want, ""},
		{"e164 compact", "+5519997712322", "BR", want, ""},
		{"lost plus", "5519997712322", "BR", want, ""},
		{"national formatted", "(19) 99771-2322", "BR", want, ""},
		{"national digits", "19997712322", "BR", want, ""},
		{"dots", "19.99771.2322", "BR", want, ""},
		{"spaces", "19 9 9771 2322", "BR", want, ""},
		{"slash and underscores", "19/99771_2322", "BR", want, ""},
		{"leading apostrophe", "'5519997712322", "BR", want, ""},
		{"apostrophe and plus", "'+55 19 99771-2322", "BR", want, ""},
		{"excel text formula", `="5519997712322"`, "BR", want, ""},
		{"quoted", `"19997712322"`, "BR", want, ""},
		{"surrounding blanks and nbsp", " \u00a019 99771-2322\t ", "BR", want, ""},
		{"zero width and bom", "\ufeff\u200b19997712322", "BR", want, ""},
		{"national prefix 0", "019997712322", "BR", want, ""},
		{"0xx", "0xx19 99771-2322", "BR", want, ""},
		{"0XX with parens", "(0XX19) 99771-2322", "BR", want, ""},
		{"carrier code 15", "0 15 19 99771-2322", "BR", want, ""},
		{"carrier code 21", "02119997712322", "BR", want, ""},
		{"plus with spaces inside", "+ 55 19 99771 2322", "BR", want, ""},
		{"region lower case", "19997712322", "br", want, ""},
		{"empty region means BR", "19997712322", "", want, ""},
		{"plus 55 from another region", "+55 19 99771-2322", "PT", want, ""},
		{"float cell", "5519997712322.0", "BR", want, ""},
		{"float cell comma", "5519997712322,00", "BR", want, ""},
		{"full width digits", "１９９９７７１２３２２", "BR", want, ""},
		{"DDD 55 not country code", "55997712322", "BR", "5555997712322", ""},

		// Excel scientific notation.
		{"sci comma intact", "5,519997712322E+12", "BR", want, ""},
		{"sci dot intact", "5.519997712322E+12", "BR", want, ""},
		{"sci lower e no plus", "5.519997712322e12", "BR", want, ""},
		{"sci national intact", "1,9997712322E+10", "BR", want, ""},
		{"sci with trailing zero fraction", "5.5199977123220E+12", "BR", want, ""},
		{"sci lost digits", "5,52E+12", "BR", "", ReasonLostDigits},
		{"sci lost digits dot", "5.51999771232E+12", "BR", "", ReasonLostDigits},
		{"sci lost one digit", "5,51999771232E+12", "BR", "", ReasonLostDigits},
		{"sci fraction left", "5.5199977123225E+12", "BR", "", ReasonInvalid},
		{"sci negative exponent", "5.5E-12", "BR", "", ReasonInvalid},
		{"sci garbage", "5.5E+1x", "BR", "", ReasonInvalid},

		// Rejections.
		{"empty", "", "BR", "", ReasonEmpty},
		{"blank", "   \u00a0", "BR", "", ReasonEmpty},
		{"apostrophe only", "'", "BR", "", ReasonEmpty},
		{"text", "não tem", "BR", "", ReasonInvalid},
		{"dash", "-", "BR", "", ReasonInvalid},
		{"extension", "19 99771-2322 ramal 12", "BR", "", ReasonInvalid},
		{"two plus", "++5519997712322", "BR", "", ReasonInvalid},
		{"plus in middle", "55+19997712322", "BR", "", ReasonInvalid},
		{"x in the middle", "1999x7712322", "BR", "", ReasonInvalid},
		{"landline", "(19) 3234-5678", "BR", "", ReasonLandline},
		{"landline with 55", "551932345678", "BR", "", ReasonLandline},
		{"landline with plus", "+55 11 2345-6789", "BR", "", ReasonLandline},
		{"landline national prefix", "01132345678", "BR", "", ReasonLandline},
		{"landline carrier", "0151932345678", "BR", "", ReasonLandline},
		{"toll free 0800 7 digits", "0800 123 4567", "BR", "", ReasonTollFree},
		{"toll free 0800 6 digits", "0800 123 456", "BR", "", ReasonTollFree},
		{"toll free with plus", "+55 800 123 4567", "BR", "", ReasonTollFree},
		{"premium 0900", "0900 123 4567", "BR", "", ReasonNotMobile},
		{"shared cost 4004", "4004-1234", "BR", "", ReasonNotMobile},
		{"shared cost 0300", "0300 123 4567", "BR", "", ReasonNotMobile},
		{"old mobile without ninth digit", "(19) 9977-1232", "BR", "", ReasonNoNinthDigit},
		{"old mobile 8", "1987712322", "BR", "", ReasonNoNinthDigit},
		{"legacy nextel 7", "(11) 7812-3456", "BR", "", ReasonNoNinthDigit},
		{"old mobile with 55", "551999771232", "BR", "", ReasonNoNinthDigit},
		{"no DDD mobile", "99771-2322", "BR", "", ReasonNoAreaCode},
		{"no DDD landline", "3234-5678", "BR", "", ReasonNoAreaCode},
		{"invalid DDD 10", "(10) 99771-2322", "BR", "", ReasonInvalidDDD},
		{"invalid DDD 23", "23997712322", "BR", "", ReasonInvalidDDD},
		{"invalid DDD 20 landline", "2032345678", "BR", "", ReasonInvalidDDD},
		{"11 digits not starting 9", "19897712322", "BR", "", ReasonInvalid},
		{"10 digits subscriber 0", "1902345678", "BR", "", ReasonInvalid},
		{"too short", "123", "BR", "", ReasonTooShort},
		{"short code", "28128", "BR", "", ReasonTooShort},
		{"too long", "551999771232255", "BR", "", ReasonTooLong},
		{"two numbers in one cell", "19 99771-2322 / 19 3234-5678", "BR", "", ReasonTooLong},
		{"absurdly long", "1234567890123456789012345", "BR", "", ReasonTooLong},

		// Other countries.
		{"portugal mobile", "+351 912 345 678", "BR", "351912345678", ""},
		{"usa fixed or mobile", "+1 (415) 555-2671", "BR", "14155552671", ""},
		{"uk mobile", "+44 7911 123456", "BR", "447911123456", ""},
		{"uk landline", "+44 20 7946 0958", "BR", "", ReasonLandline},
		{"portugal national in PT", "912 345 678", "PT", "351912345678", ""},
		{"brazil national in PT is foreign", "19997712322", "PT", "", ReasonTooLong},
		{"argentina mobile", "+54 9 11 2345-6789", "BR", "5491123456789", ""},
		{"bad country code", "+999 1234 5678", "BR", "", ReasonInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := NormalizePhone(tt.raw, tt.region)
			if got != tt.want || reason != tt.reason {
				t.Errorf("NormalizePhone(%q, %q) = %q, %q; want %q, %q", tt.raw, tt.region, got, reason, tt.want, tt.reason)
			}
		})
	}
}

func TestReasonMessage(t *testing.T) {
	for _, r := range Reasons {
		pt, en := r.Message("pt-BR"), r.Message("en")
		if pt == "" || en == "" || pt == en || pt == string(r) {
			t.Errorf("Reason(%q).Message: got pt %q en %q, want two different translations", r, pt, en)
		}
	}
	tests := []struct {
		lang string
		want string
	}{
		{"pt-BR", "telefone fixo não recebe SMS"},
		{"pt", "telefone fixo não recebe SMS"},
		{"PT_br", "telefone fixo não recebe SMS"},
		{"en", "landline numbers cannot receive SMS"},
		{"", "landline numbers cannot receive SMS"},
		{"es", "landline numbers cannot receive SMS"},
	}
	for _, tt := range tests {
		if got := ReasonLandline.Message(tt.lang); got != tt.want {
			t.Errorf("Message(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := Reason("new_code").Message("pt-BR"); got != "new_code" {
		t.Errorf("unknown reason message = %q, want the code", got)
	}
}

func TestIsBrazilianDDD(t *testing.T) {
	count := 0
	for d := range 100 {
		if IsBrazilianDDD(d) {
			count++
		}
	}
	if count != 67 {
		t.Errorf("got %d DDDs, want 67", count)
	}
	for _, tt := range []struct {
		ddd  int
		want bool
	}{{11, true}, {19, true}, {20, false}, {23, false}, {55, true}, {99, true}, {10, false}, {-1, false}, {100, false}} {
		if got := IsBrazilianDDD(tt.ddd); got != tt.want {
			t.Errorf("IsBrazilianDDD(%d) = %v, want %v", tt.ddd, got, tt.want)
		}
	}
}
