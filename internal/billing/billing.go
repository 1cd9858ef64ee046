package billing

import (
	"math"
	"strconv"
	"strings"

	"arauto/internal/sms"
)

// Keys of the billing settings.
const (
	// SettingRule is the billing rule: "wavy" (default) or "gsm".
	SettingRule = "billing.rule"
	// SettingAccents is "1" when Wavy's support enabled accents and
	// special characters on the account (seeds/000: "A habilitação do uso
	// de acentos ... deve ser solicitada ao suporte").
	SettingAccents = "billing.accents"
	// SettingSMSPrice is the price of one billed SMS segment, in
	// ten-thousandths of a real.
	SettingSMSPrice = "billing.price_sms"
	// SettingWhatsAppPrice is the price of one WhatsApp message, in
	// ten-thousandths of a real.
	SettingWhatsAppPrice = "billing.price_whatsapp"
)

// Money is an amount in ten-thousandths of a real (R$ 0,0001).
type Money int64

// PerReal is how many Money units make one real.
const PerReal = 10000

// MaxPrice bounds a price per message: R$ 100.
const MaxPrice Money = 100 * PerReal

// Times is the price of n items at m each.
func (m Money) Times(n int64) Money { return m * Money(n) }

// Reais is the amount in reais.
func (m Money) Reais() float64 { return float64(m) / PerReal }

// Cents is the amount rounded to the cent, half away from zero.
func (m Money) Cents() int64 { return int64(math.Round(float64(m) / 100)) }

// Settings is how messages are counted and priced.
type Settings struct {
	// Rule is the billing rule every surface counts with.
	Rule sms.Rule
	// Accents is set when the account may send accents (enabled by
	// Wavy's support); without it the composer warns about them.
	Accents bool
	// SMSPrice is the price of one billed SMS segment; WhatsAppPrice of
	// one WhatsApp message. Zero means not set: counts are shown without
	// money.
	SMSPrice, WhatsAppPrice Money
}

// Load reads the settings from the saved ones; what is missing or
// unreadable takes its default (the Wavy rule, accents not enabled, no
// prices).
func Load(saved map[string]string) Settings {
	s := Settings{Rule: sms.Default}
	if r, err := sms.ParseRule(saved[SettingRule]); err == nil {
		s.Rule = r
	}
	s.Accents = saved[SettingAccents] == "1"
	s.SMSPrice = storedPrice(saved[SettingSMSPrice])
	s.WhatsAppPrice = storedPrice(saved[SettingWhatsAppPrice])
	return s
}

func storedPrice(v string) Money {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || Money(n) > MaxPrice {
		return 0
	}
	return Money(n)
}

// Saved is the settings as they are stored (SaveSettings deletes keys
// whose value is empty, so defaults apply again).
func (s Settings) Saved() map[string]string {
	m := map[string]string{SettingRule: string(s.Rule), SettingAccents: "", SettingSMSPrice: "", SettingWhatsAppPrice: ""}
	if s.Accents {
		m[SettingAccents] = "1"
	}
	if s.SMSPrice > 0 {
		m[SettingSMSPrice] = strconv.FormatInt(int64(s.SMSPrice), 10)
	}
	if s.WhatsAppPrice > 0 {
		m[SettingWhatsAppPrice] = strconv.FormatInt(int64(s.WhatsAppPrice), 10)
	}
	return m
}

// SMSCost is what n billed SMS segments cost; ok is false when no price
// is set.
func (s Settings) SMSCost(segments int64) (Money, bool) {
	return s.SMSPrice.Times(segments), s.SMSPrice > 0
}

// WhatsAppCost is what n WhatsApp messages cost; ok is false when no price
// is set.
func (s Settings) WhatsAppCost(messages int64) (Money, bool) {
	return s.WhatsAppPrice.Times(messages), s.WhatsAppPrice > 0
}

// ParsePrice reads a price as typed: digits with a decimal comma or point
// and at most four decimals, thousands grouped with the other sign, an
// optional "R$". Empty is zero (no price). problem is a translation key
// (billing.problem.*) when the text is not a price.
func ParsePrice(text string) (m Money, problem string) {
	t := strings.TrimSpace(text)
	t = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(t, "R$"), "r$"))
	t = strings.ReplaceAll(t, " ", "")
	if t == "" {
		return 0, ""
	}
	if strings.HasPrefix(t, "-") {
		return 0, "billing.problem.negative"
	}
	// The decimal separator is the last of ',' and '.'; the other one
	// groups thousands.
	dec := max(strings.LastIndexByte(t, ','), strings.LastIndexByte(t, '.'))
	whole, frac := t, ""
	if dec >= 0 {
		whole, frac = t[:dec], t[dec+1:]
		sep := t[dec]
		group := byte('.')
		if sep == '.' {
			group = ','
		}
		if strings.IndexByte(whole, sep) >= 0 {
			return 0, "billing.problem.not_a_price"
		}
		whole = strings.ReplaceAll(whole, string(group), "")
	}
	if !digits(whole) || !digits(frac) || whole+frac == "" {
		return 0, "billing.problem.not_a_price"
	}
	if len(frac) > 4 {
		return 0, "billing.problem.too_precise"
	}
	if len(whole) > 6 {
		return 0, "billing.problem.too_high"
	}
	w, _ := strconv.ParseInt("0"+whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "0000")[:4], 10, 64)
	m = Money(w*PerReal + f)
	if m > MaxPrice {
		return 0, "billing.problem.too_high"
	}
	return m, ""
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
