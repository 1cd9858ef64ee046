package config

// SettingOptInKeywords is the settings key holding the replies that record
// a person's consent (a keyword opt-in), in the opt-out keywords' format.
// Absent or blank means none: a reply records no consent until an admin
// chooses the words a campaign asks for ("Responda SIM para receber").
const SettingOptInKeywords = "optin.keywords"

// OptInKeywords returns the configured opt-in keywords; nil for none.
func OptInKeywords(saved map[string]string) []string {
	return ParseOptOutKeywords(saved[SettingOptInKeywords])
}
