package config

import "strings"

// SettingOptOutKeywords is the settings key holding the opt-out keywords an
// admin configured, separated by commas, semicolons or new lines. Absent or
// blank means DefaultOptOutKeywords.
const SettingOptOutKeywords = "optout.keywords"

// DefaultOptOutKeywords returns the replies that opt a number out when no
// list is configured.
func DefaultOptOutKeywords() []string {
	return []string{"SAIR", "PARAR", "CANCELAR", "DESCADASTRAR", "STOP"}
}

// OptOutKeywords returns the configured keywords from the saved settings,
// or the defaults.
func OptOutKeywords(saved map[string]string) []string {
	if ks := ParseOptOutKeywords(saved[SettingOptOutKeywords]); len(ks) > 0 {
		return ks
	}
	return DefaultOptOutKeywords()
}

// ParseOptOutKeywords splits a keyword list as typed on the Settings page
// ("SAIR, PARAR; STOP"), dropping blanks and repeats.
func ParseOptOutKeywords(raw string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		k = strings.TrimSpace(k)
		if k == "" || seen[strings.ToUpper(k)] {
			continue
		}
		seen[strings.ToUpper(k)] = true
		out = append(out, k)
	}
	return out
}

// FormatOptOutKeywords joins keywords for the Settings form.
func FormatOptOutKeywords(ks []string) string { return strings.Join(ks, ", ") }
