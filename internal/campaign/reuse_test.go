package campaign

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"arauto/internal/schedule"
)

func TestDuplicateStart(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		sendNow bool
		source  time.Time
		want    time.Time
	}{
		{"send now starts now", true, now.Add(-time.Hour), now},
		{"a start ahead is kept", false, now.Add(time.Hour), now.Add(time.Hour)},
		{"a start passed is dropped", false, now.Add(-time.Hour), time.Time{}},
		{"no start stays none", false, time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DuplicateStart(tt.sendNow, tt.source, now); !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCanReuseAudience(t *testing.T) {
	started := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		c    Campaign
		want bool
	}{
		{"completed with a list", Campaign{State: Completed, StartedAt: started, ListID: 3}, true},
		{"cancelled after sending", Campaign{State: Cancelled, StartedAt: started, ListID: 3}, true},
		{"still running", Campaign{State: Running, StartedAt: started, ListID: 3}, false},
		{"cancelled before sending", Campaign{State: Cancelled, ListID: 3}, false},
		{"no list", Campaign{State: Completed, StartedAt: started}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.CanReuseAudience(); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCopyNameFitsTheLimit(t *testing.T) {
	if got := CopyName("Cópia de", "  Natal   2026 "); got != "Cópia de Natal 2026" {
		t.Errorf("got %q, want %q", got, "Cópia de Natal 2026")
	}
	long := CopyName("Cópia de", strings.Repeat("ã", MaxNameLen))
	if n := utf8.RuneCountInString(long); n != MaxNameLen || CheckName(long) != "" {
		t.Errorf("long copy name got %d runes (problem %q), want %d and none", n, CheckName(long), MaxNameLen)
	}
}

// copyStore is a fakeStore that copies campaigns, or refuses to.
type copyStore struct {
	*fakeStore
	copyErr error
	copied  []int64
	starts  []time.Time
}

func (c *copyStore) CampaignSchedule(context.Context, int64) (schedule.Schedule, error) {
	return schedule.Schedule{SendNow: true}, nil
}

func (c *copyStore) CopyCampaign(_ context.Context, cp *Campaign, fromID int64, start time.Time) error {
	if c.copyErr != nil {
		return c.copyErr
	}
	c.copied, c.starts = append(c.copied, fromID), append(c.starts, start)
	cp.ID = 50
	return nil
}

// TestDuplicateRegistersThenCopies checks that a copy goes to the
// Campaign API first and is undone there when it cannot be stored, and
// that an imported campaign (no channel) cannot be copied.
func TestDuplicateRegistersThenCopies(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	src := &Campaign{ID: 7, Name: "Natal", Channel: SMS, ScheduledAt: now.Add(-time.Hour), State: Completed}

	st := &copyStore{fakeStore: &fakeStore{byRemote: map[int64]*Campaign{}}}
	reg := &fakeRegistry{nextID: 8}
	svc := &Service{Store: st, Registry: func(context.Context) (Registry, error) { return reg, nil }, Now: func() time.Time { return now }}
	cp, err := svc.Duplicate(context.Background(), src, "Cópia de Natal", "copia-de-natal")
	if err != nil || cp.ID != 50 || cp.RemoteID != 8 {
		t.Fatalf("got %+v, %v; want the copy stored with remote id 8", cp, err)
	}
	if !slices.Equal(st.copied, []int64{7}) || !st.starts[0].Equal(now) || !slices.Equal(reg.calls, []string{"create copia-de-natal"}) {
		t.Errorf("got copies %v starts %v calls %v, want one copy of 7 starting now after one create", st.copied, st.starts, reg.calls)
	}

	st.copyErr = errors.New("disk full")
	reg.calls = nil
	_, err = svc.Duplicate(context.Background(), src, "Cópia", "copia")
	var le *LocalError
	if !errors.As(err, &le) || !le.Undone || !slices.Equal(reg.calls, []string{"create copia", "delete 8"}) {
		t.Errorf("failed copy got %v, calls %v; want a LocalError undone remotely", err, reg.calls)
	}

	if _, err := svc.Duplicate(context.Background(), &Campaign{ID: 9, Name: "Importada"}, "x", "x"); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("copy of an imported campaign got %v, want ErrNotAllowed", err)
	}
}
