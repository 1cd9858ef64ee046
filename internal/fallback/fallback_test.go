package fallback

import (
	"testing"
	"time"

	"arauto/internal/wavy"
)

// TestCodesAreDocumentedWhatsAppFailures checks the table against the
// status catalogue: every code is documented, a failure, in its phase,
// and none concerns the account or a blocked number.
func TestCodesAreDocumentedWhatsAppFailures(t *testing.T) {
	seen := map[int]bool{}
	for _, c := range Codes {
		sc, ok := wavy.LookupStatus(c.Code)
		if !ok {
			t.Errorf("code %d is not in the status catalogue", c.Code)
			continue
		}
		if sc.Success || sc.AccountLimit || sc.Suppress {
			t.Errorf("code %d: success %v, account limit %v, suppress %v; want a failure of the number", c.Code, sc.Success, sc.AccountLimit, sc.Suppress)
		}
		wantPhase := wavy.PhaseSent
		if c.Delivered {
			wantPhase = wavy.PhaseDelivered
		}
		if c.Code != 101 && sc.Phase != wantPhase {
			t.Errorf("code %d phase = %v, want %v", c.Code, sc.Phase, wantPhase)
		}
		if seen[c.Code] {
			t.Errorf("code %d listed twice", c.Code)
		}
		seen[c.Code] = true
	}
	for _, want := range []int{202, 209, 210, 104} {
		if !seen[want] {
			t.Errorf("code %d missing from the table", want)
		}
	}
	for _, never := range []int{2, 4, 201, 203, 204, 207, 215} {
		if seen[never] {
			t.Errorf("code %d must not fall back", never)
		}
	}
}

func TestDecide(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	wait := 2 * time.Hour
	tests := []struct {
		name   string
		m      Message
		now    time.Time
		reason string
		ok     bool
	}{
		{"not a WhatsApp user", Message{State: "accepted", SentCode: 202, SubmittedAt: t0}, t0, "code-202", true},
		{"no session", Message{State: "accepted", SentCode: 210, SubmittedAt: t0}, t0, "code-210", true},
		{"invalid content", Message{State: "accepted", SentCode: 209, SubmittedAt: t0}, t0, "code-209", true},
		{"not delivered after sent", Message{State: "accepted", SentCode: 2, DeliveredCode: 104, SubmittedAt: t0}, t0, "code-104", true},
		{"expired after sent", Message{State: "accepted", SentCode: 2, DeliveredCode: 101, SubmittedAt: t0}, t0, "code-101", true},
		{"delivered", Message{State: "accepted", SentCode: 2, DeliveredCode: 4, SubmittedAt: t0}, t0.Add(10 * wait), "", false},
		{"read without delivered", Message{State: "accepted", SentCode: 2, Read: true, SubmittedAt: t0}, t0.Add(10 * wait), "", false},
		{"opted out", Message{State: "accepted", SentCode: 204, SubmittedAt: t0}, t0.Add(10 * wait), "", false},
		{"blacklisted", Message{State: "accepted", SentCode: 203, SubmittedAt: t0}, t0.Add(10 * wait), "", false},
		{"bad parameter", Message{State: "accepted", SentCode: 207, SubmittedAt: t0}, t0.Add(10 * wait), "", false},
		{"no credit", Message{State: "accepted", SentCode: 201, SubmittedAt: t0}, t0.Add(10 * wait), "", false},
		{"sent, waiting", Message{State: "accepted", SentCode: 2, SubmittedAt: t0}, t0.Add(wait - time.Second), "", false},
		{"sent, wait over", Message{State: "accepted", SentCode: 2, SubmittedAt: t0}, t0.Add(wait), "timeout", true},
		{"no status, wait over", Message{State: "accepted", SubmittedAt: t0}, t0.Add(wait + time.Minute), "timeout", true},
		{"queued never falls back", Message{State: "queued"}, t0.Add(10 * wait), "", false},
		{"refused here never falls back", Message{State: "failed"}, t0.Add(10 * wait), "", false},
		{"suppressed never falls back", Message{State: "suppressed"}, t0.Add(10 * wait), "", false},
		{"accepted without a time waits", Message{State: "accepted"}, t0.Add(10 * wait), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, ok := Decide(tt.m, wait, tt.now)
			if reason != tt.reason || ok != tt.ok {
				t.Errorf("Decide = %q %v, want %q %v", reason, ok, tt.reason, tt.ok)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	cols := []string{"nome", "cidade"}
	tests := []struct {
		name, text, wait string
		wantKeys         []string
		wantWait         time.Duration
	}{
		{"good", "Olá {{nome}}, veja no SMS", "6", nil, 6 * time.Hour},
		{"default wait", "Olá", "", nil, DefaultWait},
		{"unknown placeholder", "Olá {{apelido}}", "6", []string{"templates.problem.unknown_field"}, 6 * time.Hour},
		{"empty", "  ", "6", []string{"templates.problem.body_required"}, 6 * time.Hour},
		{"wait too short", "Olá", "0", []string{"fallback.problem.wait"}, DefaultWait},
		{"wait too long", "Olá", "73", []string{"fallback.problem.wait"}, DefaultWait},
		{"wait not a number", "Olá", "dois", []string{"fallback.problem.wait"}, DefaultWait},
		{"longest wait", "Olá", "72", nil, 72 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, probs := Check(tt.text, tt.wait, cols, true)
			var keys []string
			for _, p := range probs {
				keys = append(keys, p.Key)
			}
			if len(keys) != len(tt.wantKeys) || (len(keys) > 0 && keys[0] != tt.wantKeys[0]) {
				t.Errorf("problems = %v, want %v", keys, tt.wantKeys)
			}
			if s.Wait != tt.wantWait {
				t.Errorf("wait = %v, want %v", s.Wait, tt.wantWait)
			}
		})
	}
	_, probs := Check("Olá {{apelido}}", "6", cols, true)
	if len(probs) != 1 || probs[0].Field != "text" || len(probs[0].Args) == 0 || probs[0].Args[0] != "{{apelido}}" {
		t.Errorf("unknown placeholder problem = %+v, want it to name {{apelido}} on the text", probs)
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	s := Settings{Text: "Olá {{nome}}", Wait: 3 * time.Hour}
	got, err := Parse(s.Encode())
	if err != nil || got != s {
		t.Errorf("Parse(Encode) = %+v %v, want %+v", got, err, s)
	}
	if (Settings{}).Encode() != "" {
		t.Errorf("no fallback encodes as %q, want empty", Settings{}.Encode())
	}
}
