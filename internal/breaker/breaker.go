package breaker

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"arauto/internal/optout"
)

// Signal is a kind of push-back the breaker counts.
type Signal string

// The signals, in the order Judge looks at them: complaints are the
// gravest, then opt-outs, then the provider's blocks.
const (
	Complaints Signal = "complaints"
	OptOuts    Signal = "optouts"
	Blocked    Signal = "blocked"
)

// Signals lists every signal in Judge's order.
var Signals = []Signal{Complaints, OptOuts, Blocked}

// BlockedCodes are the provider's sent-status codes counted as Blocked:
// the number is on the carrier's block list (203), opted out at the
// provider (204) or reached the messages it accepts (205).
var BlockedCodes = []int{203, 204, 205}

// Facts are what the breaker counts over a campaign's first Window
// messages.
type Facts struct {
	// Messages is how many of the first Window messages exist (the
	// campaign may be smaller).
	Messages int
	// Counts holds each signal's count.
	Counts map[Signal]int
}

// Trip is a breaker that tripped: which signal, how many, its limit and
// the window of first messages it was counted in.
type Trip struct {
	Signal Signal
	Count  int
	Limit  int
	Window int
}

// Judge returns the first signal (in Signals order) whose count reached
// its limit, or false when none did or the breaker is off. A limit of 0
// leaves that signal unwatched.
func Judge(s Settings, f Facts) (Trip, bool) {
	if !s.Enabled {
		return Trip{}, false
	}
	for _, sig := range Signals {
		limit := s.Limits[sig]
		if limit > 0 && f.Counts[sig] >= limit {
			return Trip{Signal: sig, Count: f.Counts[sig], Limit: limit, Window: s.Window}, true
		}
	}
	return Trip{}, false
}

// ReasonPrefix starts the reason a campaign paused by the breaker keeps.
const ReasonPrefix = "circuit breaker:"

// Reason is the text a paused campaign keeps for t, the same in every
// language (the page puts it in words with ParseReason):
// "circuit breaker: optouts 6 of 5 in the first 500".
func Reason(t Trip) string {
	return fmt.Sprintf("%s %s %d of %d in the first %d", ReasonPrefix, t.Signal, t.Count, t.Limit, t.Window)
}

var reasonRE = regexp.MustCompile(`^circuit breaker: (\w+) (\d+) of (\d+) in the first (\d+)$`)

// ParseReason reads a reason Reason wrote; false for any other text.
func ParseReason(s string) (Trip, bool) {
	m := reasonRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Trip{}, false
	}
	sig := Signal(m[1])
	if sig != Complaints && sig != OptOuts && sig != Blocked {
		return Trip{}, false
	}
	count, _ := strconv.Atoi(m[2])
	limit, _ := strconv.Atoi(m[3])
	window, _ := strconv.Atoi(m[4])
	return Trip{Signal: sig, Count: count, Limit: limit, Window: window}, true
}

// words folds text into its words, accents removed and upper-cased,
// joined by single spaces and with a space at each end, so that phrases
// match whole words only.
func words(text string) string {
	fields := strings.FieldsFunc(optout.Normalize(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return " " + strings.Join(fields, " ") + " "
}

// IsComplaint reports whether a reply contains one of the phrases as
// whole words, ignoring case, accents and punctuation: "Vou denunciar!"
// contains "denunciar"; "Quem te deu meu numero??" contains "quem te deu
// meu número"; "proconsul" does not contain "Procon".
func IsComplaint(text string, phrases []string) bool {
	if len(phrases) == 0 || strings.TrimSpace(text) == "" {
		return false
	}
	w := words(text)
	for _, p := range phrases {
		if pw := words(p); pw != "  " && strings.Contains(w, pw) {
			return true
		}
	}
	return false
}
