package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"arauto/internal/wavy"
)

type fakeStore struct {
	channels   []string
	suppressed bool
	answers    []Answer // as created, then finished
	read       []string
}

func (f *fakeStore) ReplyChannels(context.Context, string) ([]string, error) { return f.channels, nil }
func (f *fakeStore) IsSuppressed(context.Context, string) (bool, error)      { return f.suppressed, nil }
func (f *fakeStore) CreateAnswer(_ context.Context, a *Answer) error {
	a.ID = int64(len(f.answers) + 1)
	f.answers = append(f.answers, *a)
	return nil
}
func (f *fakeStore) FinishAnswer(_ context.Context, a Answer) error {
	f.answers[a.ID-1] = a
	return nil
}
func (f *fakeStore) MarkConversationRead(_ context.Context, phone string, _ time.Time) error {
	f.read = append(f.read, phone)
	return nil
}

type fakeSender struct {
	sms []wavy.SMS
	wa  []wavy.WhatsAppRequest
	err error
}

func (f *fakeSender) SendSMS(_ context.Context, m wavy.SMS) (wavy.SendSMSResponse, error) {
	f.sms = append(f.sms, m)
	return wavy.SendSMSResponse{ID: "sms-1"}, f.err
}
func (f *fakeSender) SendWhatsApp(_ context.Context, r wavy.WhatsAppRequest) (wavy.WhatsAppResponse, error) {
	f.wa = append(f.wa, r)
	if f.err != nil {
		return wavy.WhatsAppResponse{}, f.err
	}
	return wavy.WhatsAppResponse{Destinations: []wavy.WhatsAppAccepted{{ID: "wa-1"}}}, nil
}

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

func TestAnswer(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		store      fakeStore
		sessions   fakeSessions
		sendErr    error
		d          Draft
		wantErr    error
		wantState  string
		wantSent   string // "sms" or "whatsapp" or "" when nothing left
		wantStored int
	}{
		{"sms", fakeStore{channels: []string{SMS}}, nil, nil, Draft{Phone: "5511987654321", Channel: SMS, Text: " Olá! "}, nil, Accepted, "sms", 1},
		{"whatsapp in session", fakeStore{channels: []string{WhatsApp}}, fakeSessions{"5511987654321": true}, nil,
			Draft{Phone: "5511987654321", Channel: WhatsApp, Text: "Veja", MediaKind: "image", MediaURL: "https://x.example/a.jpg"}, nil, Accepted, "whatsapp", 1},
		{"whatsapp without session", fakeStore{channels: []string{WhatsApp}}, fakeSessions{}, nil,
			Draft{Phone: "5511987654321", Channel: WhatsApp, Text: "Oi"}, ErrNoSession, "", "", 0},
		{"suppressed", fakeStore{channels: []string{SMS}, suppressed: true}, nil, nil, Draft{Phone: "5511987654321", Channel: SMS, Text: "Oi"}, ErrSuppressed, "", "", 0},
		{"answer lost", fakeStore{channels: []string{SMS}}, nil, fmt.Errorf("timeout: %w", wavy.ErrUnknownOutcome),
			Draft{Phone: "5511987654321", Channel: SMS, Text: "Oi"}, nil, Unknown, "sms", 1},
		{"refused", fakeStore{channels: []string{SMS}}, nil, fmt.Errorf("400: %w", wavy.ErrRejected),
			Draft{Phone: "5511987654321", Channel: SMS, Text: "Oi"}, nil, Failed, "sms", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, sender := tt.store, &fakeSender{err: tt.sendErr}
			svc := &Service{Store: &st, Sender: func(context.Context) (Sender, error) { return sender, nil }, Sessions: tt.sessions,
				Now: func() time.Time { return now }}
			a, err := svc.Answer(context.Background(), 7, tt.d)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Answer() error = %v, want %v", err, tt.wantErr)
			}
			if len(st.answers) != tt.wantStored {
				t.Fatalf("stored %d answers, want %d", len(st.answers), tt.wantStored)
			}
			sent := ""
			if len(sender.sms) > 0 {
				sent = "sms"
				if m := sender.sms[0]; m.MessageText != "Olá!" && m.MessageText != "Oi" || m.CorrelationID != a.CorrelationID || m.Destination != tt.d.Phone {
					t.Errorf("sms sent %+v, want the trimmed text to %s with the answer's correlationId", m, tt.d.Phone)
				}
			}
			if len(sender.wa) > 0 {
				sent = "whatsapp"
				if img := sender.wa[0].Message.Image; tt.d.MediaKind == "image" && (img == nil || img.Type != "JPG" || img.Caption != "Veja") {
					t.Errorf("whatsapp sent %+v, want the JPG image with its caption", sender.wa[0].Message)
				}
			}
			if sent != tt.wantSent || len(sender.sms)+len(sender.wa) > 1 {
				t.Errorf("sent %q (%d sms, %d whatsapp), want %q once", sent, len(sender.sms), len(sender.wa), tt.wantSent)
			}
			if tt.wantStored > 0 {
				if got := st.answers[0]; got.State != tt.wantState || got.UserID != 7 || !slices.Equal(st.read, []string{tt.d.Phone}) {
					t.Errorf("stored %+v, read %q, want state %s by user 7 and the conversation read", got, st.read, tt.wantState)
				}
			}
		})
	}
}

func TestStateAt(t *testing.T) {
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	a := Answer{State: Sending, CreatedAt: at}
	if got := a.StateAt(at.Add(time.Minute)); got != Sending {
		t.Errorf("a minute after: %q, want sending", got)
	}
	if got := a.StateAt(at.Add(StaleSending + time.Second)); got != Unknown {
		t.Errorf("left sending by a crash: %q, want unknown", got)
	}
}
