package inbox

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"arauto/internal/transactional"
)

type fakeStore struct {
	channels   []string
	suppressed bool
	answers    []Answer
	streams    []transactional.Stream
	fields     [][]string
	read       []string
}

func (f *fakeStore) ReplyChannels(context.Context, string) ([]string, error) { return f.channels, nil }
func (f *fakeStore) IsSuppressed(context.Context, string) (bool, error)      { return f.suppressed, nil }
func (f *fakeStore) EnqueueAnswer(_ context.Context, a *Answer, st transactional.Stream, fields []string) (bool, error) {
	for _, old := range f.answers {
		if old.CorrelationID == a.CorrelationID {
			*a = old
			return true, nil
		}
	}
	a.ID, a.MessageID = int64(len(f.answers)+1), int64(100+len(f.answers))
	f.answers, f.streams, f.fields = append(f.answers, *a), append(f.streams, st), append(f.fields, fields)
	return false, nil
}
func (f *fakeStore) MarkConversationRead(_ context.Context, phone string, _ time.Time) error {
	f.read = append(f.read, phone)
	return nil
}

type wakes int

func (w *wakes) Wake() { *w++ }

type fakeSessions map[string]bool

func (f fakeSessions) OpenSessions(_ context.Context, phones []string, _ time.Time) (map[string]bool, error) {
	return f, nil
}

func TestDraftProblems(t *testing.T) {
	both := []string{SMS, WhatsApp}
	tests := []struct {
		name string
		d    Draft
		want string // "field key" of the first problem, "" for none
	}{
		{"sms text", Draft{Channel: SMS, Text: "Oi"}, ""},
		{"a channel the contact did not reply on", Draft{Channel: "email", Text: "Oi"}, "channel answer.problem.channel"},
		{"empty sms", Draft{Channel: SMS, Text: "  "}, "text answer.problem.text_required"},
		{"sms over 1280", Draft{Channel: SMS, Text: strings.Repeat("a", 1281)}, "text answer.problem.too_long"},
		{"media by sms", Draft{Channel: SMS, Text: "Oi", MediaKind: "image", MediaURL: "https://x/a.png"}, "media_url answer.problem.media_sms"},
		{"whatsapp text", Draft{Channel: WhatsApp, Text: "Oi"}, ""},
		{"whatsapp image with caption", Draft{Channel: WhatsApp, Text: "Veja", MediaKind: "image", MediaURL: "https://x.example/a.PNG?v=1"}, ""},
		{"image that is a pdf", Draft{Channel: WhatsApp, MediaKind: "image", MediaURL: "https://x.example/a.pdf"}, "media_url answer.problem.media_type"},
		{"javascript link", Draft{Channel: WhatsApp, MediaKind: "document", MediaURL: "javascript:alert(1)//a.pdf"}, "media_url answer.problem.media_url"},
		{"audio with caption", Draft{Channel: WhatsApp, Text: "ouça", MediaKind: "audio", MediaURL: "https://x.example/a.mp3"}, "text answer.problem.caption_audio"},
		{"url without kind", Draft{Channel: WhatsApp, MediaURL: "https://x.example/a.mp3"}, "media_kind answer.problem.media_kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if ps := tt.d.Problems(both); len(ps) > 0 {
				got = ps[0].Field + " " + ps[0].Key
			}
			if got != tt.want {
				t.Errorf("Problems() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestAnswer: an answer is checked, then stored with its outbox row (the
// stream saying how the dispatcher sends it) and the dispatcher woken; a
// retry under the same key finds the first answer and queues nothing.
func TestAnswer(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	const phone = "5511987654321"
	tests := []struct {
		name       string
		store      fakeStore
		sessions   fakeSessions
		drafts     []Draft
		wantErr    error
		wantStored int
		wantStream string // the stream's message (SMS) or WhatsApp JSON
		wantFields []string
	}{
		{"sms", fakeStore{channels: []string{SMS}}, nil, []Draft{{Phone: phone, Channel: SMS, Text: " Olá! "}}, nil, 1, "{{text}}", []string{"Olá!"}},
		{"whatsapp image in session", fakeStore{channels: []string{WhatsApp}}, fakeSessions{phone: true},
			[]Draft{{Phone: phone, Channel: WhatsApp, Text: "Veja", MediaKind: "image", MediaURL: "https://x.example/a.jpg"}}, nil, 1,
			`{"kind":"image","media":{"url":"https://x.example/a.jpg","type":"JPG","caption":"{{text}}"}}`, []string{"Veja"}},
		{"whatsapp text in session", fakeStore{channels: []string{WhatsApp}}, fakeSessions{phone: true},
			[]Draft{{Phone: phone, Channel: WhatsApp, Text: "Oi"}}, nil, 1, `{"kind":"text","text":"{{text}}"}`, []string{"Oi"}},
		{"whatsapp without session", fakeStore{channels: []string{WhatsApp}}, fakeSessions{}, []Draft{{Phone: phone, Channel: WhatsApp, Text: "Oi"}}, ErrNoSession, 0, "", nil},
		{"suppressed", fakeStore{channels: []string{SMS}, suppressed: true}, nil, []Draft{{Phone: phone, Channel: SMS, Text: "Oi"}}, ErrSuppressed, 0, "", nil},
		{"retried under its key", fakeStore{channels: []string{SMS}}, nil,
			[]Draft{{Phone: phone, Channel: SMS, Text: "Oi", Key: "7/k1"}, {Phone: phone, Channel: SMS, Text: "Oi", Key: "7/k1"}}, nil, 1, "{{text}}", []string{"Oi"}},
		{"two keys, two answers", fakeStore{channels: []string{SMS}}, nil,
			[]Draft{{Phone: phone, Channel: SMS, Text: "Oi", Key: "7/k1"}, {Phone: phone, Channel: SMS, Text: "Oi", Key: "7/k2"}}, nil, 2, "{{text}}", []string{"Oi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.store
			var woken wakes
			svc := &Service{Store: &st, Dispatcher: &woken, Sessions: tt.sessions, Now: func() time.Time { return now }}
			var got []Answer
			for _, d := range tt.drafts {
				a, err := svc.Answer(context.Background(), 7, d)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Answer() error = %v, want %v", err, tt.wantErr)
				}
				got = append(got, a)
			}
			if len(st.answers) != tt.wantStored || int(woken) != tt.wantStored {
				t.Fatalf("stored %d answers and woke the dispatcher %d times, want %d of each", len(st.answers), woken, tt.wantStored)
			}
			if tt.wantStored == 0 {
				return
			}
			stream := st.streams[0].Message
			if st.streams[0].Channel == WhatsApp {
				stream = st.streams[0].WhatsApp
			}
			if stream != tt.wantStream || !slices.Equal(st.fields[0], tt.wantFields) {
				t.Errorf("queued stream %s with fields %q, want %s with %q", stream, st.fields[0], tt.wantStream, tt.wantFields)
			}
			if a := st.answers[0]; a.State != Sending || a.UserID != 7 || a.MessageID == 0 || !slices.Contains(st.read, phone) {
				t.Errorf("stored %+v, read %q, want it sending in the outbox, by user 7, and the conversation read", a, st.read)
			}
			if len(got) == 2 && tt.wantStored == 1 && got[1].ID != got[0].ID {
				t.Errorf("the retry got answer %d, want the first one, %d", got[1].ID, got[0].ID)
			}
		})
	}
}

func TestStateAt(t *testing.T) {
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		a    Answer
		when time.Duration
		want string
	}{
		{"direct, a minute after", Answer{State: Sending, CreatedAt: at}, time.Minute, Sending},
		{"direct, left sending by a crash", Answer{State: Sending, CreatedAt: at}, StaleSending + time.Second, Unknown},
		{"direct, accepted", Answer{State: Accepted, CreatedAt: at}, time.Hour, Accepted},
		{"outbox, queued for an hour", Answer{State: Sending, MessageID: 1, Outcome: "queued", CreatedAt: at}, time.Hour, Sending},
		{"outbox, submitting", Answer{State: Sending, MessageID: 1, Outcome: "submitting"}, 0, Sending},
		{"outbox, accepted", Answer{State: Sending, MessageID: 1, Outcome: "accepted"}, 0, Sent},
		{"outbox, sent", Answer{State: Sending, MessageID: 1, Outcome: "sent"}, 0, Sent},
		{"outbox, delivered", Answer{State: Sending, MessageID: 1, Outcome: "delivered"}, 0, Delivered},
		{"outbox, read", Answer{State: Sending, MessageID: 1, Outcome: "read"}, 0, Read},
		{"outbox, not delivered", Answer{State: Sending, MessageID: 1, Outcome: "not-delivered"}, 0, Failed},
		{"outbox, refused", Answer{State: Sending, MessageID: 1, Outcome: "failed"}, 0, Failed},
		{"outbox, no one can tell", Answer{State: Sending, MessageID: 1, Outcome: "unknown"}, 0, Unknown},
	}
	for _, tt := range tests {
		if got := tt.a.StateAt(at.Add(tt.when)); got != tt.want {
			t.Errorf("%s: StateAt() = %q, want %q", tt.name, got, tt.want)
		}
	}
}
