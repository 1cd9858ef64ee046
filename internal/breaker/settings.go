package breaker

import (
	"strconv"
	"strings"
)

// Settings keys, saved by an admin on the Settings page.
const (
	SettingEnabled    = "breaker.enabled"
	SettingWindow     = "breaker.window"
	SettingComplaints = "breaker.complaints"
	SettingOptOuts    = "breaker.optouts"
	SettingBlocked    = "breaker.blocked"
	SettingPhrases    = "breaker.phrases"
)

// Defaults: watch the first 1,000 messages; pause at 3 complaints, 50
// opt-outs (5%) or 100 blocked numbers (10%) — several times what a
// campaign to a list that agreed to receive it meets (opt-outs well under
// 2%), so a sound campaign is not stopped by chance.
const (
	DefaultWindow     = 1000
	DefaultComplaints = 3
	DefaultOptOuts    = 50
	DefaultBlocked    = 100
	// MaxWindow bounds the messages counted, so a check stays cheap.
	MaxWindow = 100_000
)

// DefaultPhrases are the complaint phrases when none are configured.
func DefaultPhrases() []string {
	return []string{"Procon", "denunciar", "denúncia", "quem te deu meu número", "Anatel"}
}

// Settings say when the breaker trips.
type Settings struct {
	// Enabled turns the breaker on (the default).
	Enabled bool
	// Window is how many first messages of a campaign are watched.
	Window int
	// Limits is each signal's count that trips the breaker; 0 leaves the
	// signal unwatched.
	Limits map[Signal]int
	// Phrases make a reply a complaint (IsComplaint).
	Phrases []string
}

// Load reads the saved settings, with the defaults for what is missing
// or unreadable.
func Load(saved map[string]string) Settings {
	s := Settings{Enabled: saved[SettingEnabled] != "0", Window: DefaultWindow,
		Limits: map[Signal]int{Complaints: DefaultComplaints, OptOuts: DefaultOptOuts, Blocked: DefaultBlocked}, Phrases: DefaultPhrases()}
	if n, ok := readCount(saved[SettingWindow]); ok && n >= 1 && n <= MaxWindow {
		s.Window = n
	}
	for sig, key := range map[Signal]string{Complaints: SettingComplaints, OptOuts: SettingOptOuts, Blocked: SettingBlocked} {
		if n, ok := readCount(saved[key]); ok {
			s.Limits[sig] = n
		}
	}
	if ps := ParsePhrases(saved[SettingPhrases]); len(ps) > 0 {
		s.Phrases = ps
	}
	return s
}

// Saved is s as settings to save.
func (s Settings) Saved() map[string]string {
	enabled := "1"
	if !s.Enabled {
		enabled = "0"
	}
	return map[string]string{
		SettingEnabled: enabled, SettingWindow: strconv.Itoa(s.Window),
		SettingComplaints: strconv.Itoa(s.Limits[Complaints]), SettingOptOuts: strconv.Itoa(s.Limits[OptOuts]),
		SettingBlocked: strconv.Itoa(s.Limits[Blocked]), SettingPhrases: strings.Join(s.Phrases, "\n"),
	}
}

func readCount(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n >= 0
}

// ParseCount reads a count typed in the form: a whole number from min to
// max. It returns the number and "" or a translation key of what is
// wrong (breaker.problem.count takes min and max).
func ParseCount(s string, min, max int) (int, string) {
	n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), " ", "")))
	if err != nil || n < min || n > max {
		return 0, "breaker.problem.count"
	}
	return n, ""
}

// MaxPhrase bounds one complaint phrase.
const MaxPhrase = 60

// ParsePhrases splits the phrases as typed, one per line or separated by
// commas or semicolons, dropping blanks and repeats (ignoring case and
// accents).
func ParsePhrases(raw string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		p = strings.Join(strings.Fields(p), " ")
		k := words(p)
		if p == "" || k == "  " || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}
