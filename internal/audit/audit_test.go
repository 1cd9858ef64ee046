package audit

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

type memStore struct {
	got  []Entry
	fail error
}

func (m *memStore) AppendAudit(_ context.Context, e *Entry) error {
	if m.fail != nil {
		return m.fail
	}
	m.got = append(m.got, *e)
	return nil
}

func TestWithDropsSecrets(t *testing.T) {
	e := Entry{}.With("setting", "provider.username").With("wavy_token", "abc").With("Password", "x").With("secret", "s").With("api_key", "k")
	if got := e.DetailText(); got != "setting=provider.username" {
		t.Errorf("got detail %q, want only the setting's name", got)
	}
}

func TestRecordStampsAndNeverFails(t *testing.T) {
	st := &memStore{}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var logged strings.Builder
	l := &Log{Store: st, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(&logged, nil))}
	l.Record(context.Background(), Entry{Action: CampaignLaunched, Actor: Actor{Kind: ActorToken, Name: "crm"}})
	if len(st.got) != 1 || !st.got[0].At.Equal(now) {
		t.Fatalf("got %+v, want one entry at %v", st.got, now)
	}
	st.fail = errors.New("disk full")
	l.Record(context.Background(), Entry{Action: ListDeleted, Actor: Actor{Kind: ActorUser, Name: "ana@example.com"}})
	if !strings.Contains(logged.String(), "list.deleted") {
		t.Errorf("got log %q, want the lost entry's action logged", logged.String())
	}
}
