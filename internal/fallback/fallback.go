package fallback

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"arauto/internal/message"
)

// Bounds of the wait for a WhatsApp delivery before the SMS goes.
const (
	MinWait     = time.Hour
	MaxWait     = 72 * time.Hour
	DefaultWait = 24 * time.Hour
)

// Code is a WhatsApp status that means the number cannot be reached by
// WhatsApp, with the phase it comes in.
type Code struct {
	Code int
	// Delivered is true for a delivered code (it follows SENT_SUCCESS),
	// false for a sent code.
	Delivered bool
	// Why is the seeds' wording, for the reader of this table.
	Why string
}

// Codes are the WhatsApp statuses after which the SMS goes (seeds 000,
// "Outros Status" of the WhatsApp API). Left out on purpose: 201 and 215
// (the account, not the number: the campaign pauses), 203 and 204 (the
// number is blocked or opted out: no other channel either), 207 (a
// parameter of ours is wrong: the SMS is not the cure), 102 and 103 (a
// media upload or a passing communication error), 105 (media) and 2, 4, 0
// (success).
var Codes = []Code{
	{202, false, "INVALID_DESTINATION_NUMBER: contato de WhatsApp inválido (não usa WhatsApp)"},
	{209, false, "INVALID_CONTENT: tipo de mensagem UNKNOWN inválido"},
	{210, false, "INVALID_SESSION: sessão ou janela de atendimento não está aberta e nenhum template de fallback"},
	{301, false, "INTERNAL_ERROR: não foi possível verificar o contato na API do WhatsApp"},
	{101, true, "EXPIRED: mensagem expirada (código de entrega, após o envio 2)"},
	{104, true, "NOT_DELIVERED: fora da janela de 24h, template inexistente, conta inelegível, limite"},
}

// IsUnreachable reports whether a sent or delivered code of a WhatsApp
// message is in Codes.
func IsUnreachable(code int, delivered bool) bool {
	for _, c := range Codes {
		if c.Code == code && c.Delivered == delivered {
			return true
		}
	}
	return false
}

// SentCodes and DeliveredCodes are the codes of Codes by phase, for the
// store's query.
func SentCodes() []int      { return codesOf(false) }
func DeliveredCodes() []int { return codesOf(true) }

func codesOf(delivered bool) []int {
	var out []int
	for _, c := range Codes {
		if c.Delivered == delivered {
			out = append(out, c.Code)
		}
	}
	return out
}

// Settings are a WhatsApp campaign's fallback: the SMS text and the wait.
// The zero value is no fallback.
type Settings struct {
	Text string        `json:"text"`
	Wait time.Duration `json:"wait"`
}

// On reports whether the campaign has a fallback.
func (s Settings) On() bool { return s.Text != "" }

// Encode is the settings as the store keeps them ("" for none).
func (s Settings) Encode() string {
	if !s.On() {
		return ""
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// Parse reads settings kept by Encode.
func Parse(raw string) (Settings, error) {
	var s Settings
	if raw == "" {
		return s, nil
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return s, fmt.Errorf("fallback: settings: %w", err)
	}
	return s, nil
}

// Problem is what is wrong with submitted settings: the form field and a
// translation key with its arguments.
type Problem = message.Problem

// Check checks settings as a person submitted them: the text (required,
// at most the SMS limit, placeholders known to the list's columns when
// checkFields) and the wait in hours. It returns the settings to keep and
// the problems, each naming its field ("text", "wait").
func Check(text, waitHours string, columns []string, checkFields bool) (Settings, []Problem) {
	var out []Problem
	s := Settings{Text: text, Wait: DefaultWait}
	if p, bad := message.BodyProblem(text, columns, checkFields); bad {
		p.Field = "text"
		out = append(out, p)
	}
	if waitHours != "" {
		h, err := strconv.Atoi(waitHours)
		if err != nil || time.Duration(h)*time.Hour < MinWait || time.Duration(h)*time.Hour > MaxWait {
			out = append(out, Problem{Field: "wait", Key: "fallback.problem.wait", Args: []any{int(MinWait.Hours()), int(MaxWait.Hours())}})
		} else {
			s.Wait = time.Duration(h) * time.Hour
		}
	}
	return s, out
}

// Message is what the store knows of a WhatsApp message when it judges it.
type Message struct {
	// State is the dispatcher's state (accepted, failed, ...).
	State string
	// SentCode and DeliveredCode are the statuses reported (0: none);
	// Read is whether a read receipt came.
	SentCode, DeliveredCode int
	Read                    bool
	// SubmittedAt is when the provider accepted it.
	SubmittedAt time.Time
}

// Reasons a message falls back.
const (
	// ReasonTimeout: no delivery within the wait.
	ReasonTimeout = "timeout"
)

// CodeReason is the reason of a fallback for a status code.
func CodeReason(code int) string { return "code-" + strconv.Itoa(code) }

// Decide says whether a WhatsApp message falls back to SMS now, and why:
// a code of Codes, or no delivery nor read within wait of its acceptance.
// A message the provider never accepted (queued, refused, suppressed)
// never falls back: nothing was tried on WhatsApp, or the refusal was
// ours.
func Decide(m Message, wait time.Duration, now time.Time) (reason string, ok bool) {
	if m.State != "accepted" {
		return "", false
	}
	if IsUnreachable(m.SentCode, false) {
		return CodeReason(m.SentCode), true
	}
	if m.SentCode != 0 && m.SentCode != codeSentSuccess {
		// Another failure (opt-out, blocked, our parameter): no fallback.
		return "", false
	}
	if IsUnreachable(m.DeliveredCode, true) {
		return CodeReason(m.DeliveredCode), true
	}
	if m.DeliveredCode != 0 || m.Read {
		return "", false
	}
	if !m.SubmittedAt.IsZero() && !now.Before(m.SubmittedAt.Add(wait)) {
		return ReasonTimeout, true
	}
	return "", false
}

const codeSentSuccess = 2
