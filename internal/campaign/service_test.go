package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"arauto/internal/config"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
	"arauto/internal/wavy"
)

var errNotFound = errors.New("not found")

// fakeStore keeps campaigns by remote id and can refuse to create.
type fakeStore struct {
	Store     // the methods a test does not use
	byRemote  map[int64]*Campaign
	createErr error
	launched  []string
}

func (f *fakeStore) CreateCampaign(_ context.Context, c *Campaign) error {
	if f.createErr != nil {
		return f.createErr
	}
	c.ID = int64(len(f.byRemote) + 1)
	f.byRemote[c.RemoteID] = c
	return nil
}

func (f *fakeStore) CampaignByRemoteID(_ context.Context, id int64) (*Campaign, error) {
	if c, ok := f.byRemote[id]; ok {
		return c, nil
	}
	return nil, errNotFound
}

func (f *fakeStore) LaunchCampaign(_ context.Context, id int64, start time.Time, _ int64, at time.Time) error {
	f.launched = append(f.launched, fmt.Sprintf("%d start=%v", id, !start.IsZero()))
	return nil
}

// fakeRegistry records the Campaign API calls.
type fakeRegistry struct {
	Registry
	calls     []string
	createErr error
	deleteErr error
	nextID    int64
}

func (r *fakeRegistry) CreateCampaign(_ context.Context, in wavy.CampaignInput) (wavy.Campaign, error) {
	r.calls = append(r.calls, "create "+in.Alias)
	if r.createErr != nil {
		return wavy.Campaign{}, r.createErr
	}
	return wavy.Campaign{ID: r.nextID, Name: in.Name, Alias: in.Alias}, nil
}

func (r *fakeRegistry) DeleteCampaign(_ context.Context, id int64) error {
	r.calls = append(r.calls, fmt.Sprintf("delete %d", id))
	return r.deleteErr
}

// TestCreateUndoesTheRemoteWhenStoringFails checks "the API first, then
// here, undone on failure": each outcome and the Campaign API calls it
// makes.
func TestCreateUndoesTheRemoteWhenStoringFails(t *testing.T) {
	clash := &Campaign{ID: 9, RemoteID: 5, Name: "Antiga"}
	tests := []struct {
		name      string
		store     *fakeStore
		reg       *fakeRegistry
		regErr    error
		wantCalls []string
		check     func(t *testing.T, c *Campaign, err error)
	}{
		{"stored", &fakeStore{byRemote: map[int64]*Campaign{}}, &fakeRegistry{nextID: 5}, nil, []string{"create natal"},
			func(t *testing.T, c *Campaign, err error) {
				if err != nil || c.RemoteID != 5 || c.State != Draft {
					t.Errorf("got %+v, %v; want a draft with remote id 5", c, err)
				}
			}},
		{"refused remotely: nothing stored", &fakeStore{byRemote: map[int64]*Campaign{}}, &fakeRegistry{createErr: wavy.ErrRejected}, nil,
			[]string{"create natal"},
			func(t *testing.T, c *Campaign, err error) {
				var re *RemoteError
				if !errors.As(err, &re) || re.Op != "create" || !errors.Is(err, wavy.ErrRejected) {
					t.Errorf("got %v, want a RemoteError wrapping the refusal", err)
				}
			}},
		{"no credentials: a refusal too", &fakeStore{byRemote: map[int64]*Campaign{}}, nil, fmt.Errorf("no credentials: %w", wavy.ErrUnauthorized), nil,
			func(t *testing.T, c *Campaign, err error) {
				var re *RemoteError
				if !errors.As(err, &re) {
					t.Errorf("got %v, want a RemoteError", err)
				}
			}},
		{"not stored: undone remotely", &fakeStore{byRemote: map[int64]*Campaign{}, createErr: errors.New("disk full")}, &fakeRegistry{nextID: 5}, nil,
			[]string{"create natal", "delete 5"},
			func(t *testing.T, c *Campaign, err error) {
				var le *LocalError
				if !errors.As(err, &le) || !le.Undone || le.Clash != nil {
					t.Errorf("got %v, want a LocalError, undone", err)
				}
			}},
		{"not stored, not undone", &fakeStore{byRemote: map[int64]*Campaign{}, createErr: errors.New("disk full")},
			&fakeRegistry{nextID: 5, deleteErr: wavy.ErrTryLater}, nil, []string{"create natal", "delete 5"},
			func(t *testing.T, c *Campaign, err error) {
				var le *LocalError
				if !errors.As(err, &le) || le.Undone || le.RemoteID != 5 {
					t.Errorf("got %+v, want a LocalError naming remote campaign 5 as left behind", le)
				}
			}},
		{"the id clashes with a stale campaign", &fakeStore{byRemote: map[int64]*Campaign{5: clash}, createErr: errors.New("conflict")},
			&fakeRegistry{nextID: 5}, nil, []string{"create natal", "delete 5"},
			func(t *testing.T, c *Campaign, err error) {
				var le *LocalError
				if !errors.As(err, &le) || le.Clash != clash || !le.Undone {
					t.Errorf("got %+v, want the clash named", le)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Service{Store: tt.store, NotFound: errNotFound, Registry: func(context.Context) (Registry, error) {
				if tt.regErr != nil {
					return nil, tt.regErr
				}
				return tt.reg, nil
			}}
			c, err := s.Create(context.Background(), "Natal", "natal", SMS)
			tt.check(t, c, err)
			if tt.reg != nil && !slices.Equal(tt.reg.calls, tt.wantCalls) {
				t.Errorf("Campaign API calls got %v, want %v", tt.reg.calls, tt.wantCalls)
			}
		})
	}
}

// launchStore is the store of a campaign that passes the pre-flight.
type launchStore struct {
	fakeStore
	sc schedule.Schedule
}

func (l *launchStore) ListByID(context.Context, int64) (*recipient.List, error) {
	return &recipient.List{ID: 1, Name: "Clientes", Valid: 1, State: recipient.ListReady}, nil
}

func (l *launchStore) CampaignSchedule(context.Context, int64) (schedule.Schedule, error) {
	return l.sc, nil
}

func (l *launchStore) EachRecipient(_ context.Context, _ int64, fn func(*recipient.Recipient) error) error {
	return fn(&recipient.Recipient{Phone: "5511987654321"})
}

func (l *launchStore) CampaignWhatsApp(context.Context, int64) (message.WhatsApp, error) {
	return message.WhatsApp{}, nil
}

type wakes int

func (w *wakes) Wake() { *w++ }

// TestLaunchIsOneStoreCall checks that launching makes one store call —
// with the start now for a send-now schedule — and wakes the dispatcher;
// and that a campaign that is not a draft is refused before anything.
func TestLaunchIsOneStoreCall(t *testing.T) {
	for _, tt := range []struct {
		name string
		sc   schedule.Schedule
		want string
	}{
		{"send now", schedule.Schedule{SendNow: true, Zone: schedule.DefaultZone}, "1 start=true"},
		{"later", schedule.Schedule{StartAt: time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC), Zone: schedule.DefaultZone}, "1 start=false"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := &launchStore{fakeStore: fakeStore{byRemote: map[int64]*Campaign{}}, sc: tt.sc}
			var w wakes
			s := &Service{Store: st, NotFound: errNotFound, Dispatcher: &w,
				Registry: func(context.Context) (Registry, error) { return listingRegistry{}, nil },
				Provider: func(context.Context) (config.Provider, error) { return config.Provider{}, nil }}
			cp := &Campaign{ID: 1, Channel: SMS, ListID: 1, Message: "Oi", ScheduledAt: time.Now(), State: Draft}
			r, _, err := s.Launch(context.Background(), cp)
			if err != nil {
				t.Fatalf("launch got %v (%s)", err, verdict(r))
			}
			if !slices.Equal(st.launched, []string{tt.want}) || w != 1 {
				t.Errorf("store calls %v and %d wakes, want [%s] and 1", st.launched, w, tt.want)
			}
			cp.State = Scheduled
			if _, _, err := s.Launch(context.Background(), cp); !errors.Is(err, ErrNotAllowed) || len(st.launched) != 1 {
				t.Errorf("launching a scheduled campaign got %v, want ErrNotAllowed and no store call", err)
			}
		})
	}
}

type listingRegistry struct{ Registry }

func (listingRegistry) ListCampaigns(context.Context, string, int, int) (wavy.CampaignList, error) {
	return wavy.CampaignList{}, nil
}
