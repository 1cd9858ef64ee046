package testsend

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"arauto/internal/dispatch"
)

// memStore keeps test sends in memory.
type memStore struct {
	seeds map[int64][]string
	sends map[int64]*Send
	next  int64
}

func (m *memStore) TestSeeds(_ context.Context, u int64) ([]string, error) { return m.seeds[u], nil }
func (m *memStore) SaveTestSeeds(_ context.Context, u int64, p []string) error {
	m.seeds[u] = p
	return nil
}
func (m *memStore) CreateTestSends(_ context.Context, sends []*Send) error {
	for _, s := range sends {
		m.next++
		s.ID, s.State = m.next, Submitting
		c := *s
		m.sends[s.ID] = &c
	}
	return nil
}
func (m *memStore) SettleTestSends(_ context.Context, rs []Result, _ time.Time) error {
	for _, r := range rs {
		if s := m.sends[r.ID]; s != nil && s.State == Submitting {
			s.State, s.ProviderID, s.Error = r.State, r.ProviderID, r.Error
		}
	}
	return nil
}
func (m *memStore) SubmittingTestSends(_ context.Context, _ time.Time, _ int) ([]Send, error) {
	var out []Send
	for id := int64(1); id <= m.next; id++ {
		if s := m.sends[id]; s.State == Submitting {
			out = append(out, *s)
		}
	}
	return out, nil
}
func (m *memStore) DispatchCampaign(_ context.Context, id int64) (dispatch.Campaign, error) {
	return dispatch.Campaign{ID: id, Channel: "sms", Message: "Oi {{nome}}"}, nil
}

// fakeSender records what it is asked and answers as told.
type fakeSender struct {
	store *memStore
	err   error
	sent  []string // correlationIds, in order
	known map[string]string
}

func (f *fakeSender) Send(_ context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	var acc []dispatch.Accepted
	for _, m := range b.Messages {
		if s := f.store.sends[m.ID]; s == nil || s.State != Submitting {
			return nil, fmt.Errorf("message %d sent before it was stored as submitting", m.ID)
		}
		corr := dispatch.CorrelationID(m.CampaignID, m.ID)
		f.sent = append(f.sent, corr+" "+m.Phone+" "+m.Text)
		acc = append(acc, dispatch.Accepted{MessageID: m.ID, ProviderID: "p-" + corr})
	}
	if f.err != nil {
		return nil, f.err
	}
	return acc, nil
}

func (f *fakeSender) Find(_ context.Context, corrs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, c := range corrs {
		if id, ok := f.known[c]; ok {
			out[c] = id
		}
	}
	return out, nil
}

func (f *fakeSender) CanReconcile(ch string) bool { return ch != "whatsapp" }

func compile(_ context.Context, c dispatch.Campaign) (func(dispatch.Message) dispatch.Rendered, error) {
	return func(m dispatch.Message) dispatch.Rendered {
		return dispatch.Rendered{Text: "Oi " + m.Fields[0], Segments: 1}
	}, nil
}

func newService() (*Service, *memStore, *fakeSender) {
	st := &memStore{seeds: map[int64][]string{7: {"5511988887777", "5521977776666"}}, sends: map[int64]*Send{}}
	snd := &fakeSender{store: st, known: map[string]string{}}
	return &Service{Store: st, Sender: snd, Compile: compile}, st, snd
}

func TestSendStoresFirstAndNamesNoCampaign(t *testing.T) {
	svc, st, snd := newService()
	c := dispatch.Campaign{ID: 3, Channel: "sms", Message: "Oi {{nome}}", Columns: []string{"nome"}}
	sends, err := svc.Send(context.Background(), c, 7, []string{"Maria"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a0-1 5511988887777 Oi Maria", "a0-2 5521977776666 Oi Maria"}
	if !slices.Equal(snd.sent, want) {
		t.Errorf("sent got %q, want %q", snd.sent, want)
	}
	for _, s := range sends {
		if s.State != Accepted || st.sends[s.ID].State != Accepted || s.CampaignID != 3 {
			t.Errorf("send %+v (stored %s), want accepted for campaign 3", s, st.sends[s.ID].State)
		}
	}
	if _, _, ok := dispatch.ParseCorrelationID("a0-1"); ok {
		t.Error("a test send's correlationId names a campaign; its statuses would be applied to a message")
	}

	if _, err := svc.Send(context.Background(), c, 8, nil); !errors.Is(err, ErrNoSeeds) {
		t.Errorf("without test numbers got %v, want ErrNoSeeds", err)
	}
	if _, err := svc.Send(context.Background(), dispatch.Campaign{ID: 4, Channel: "sms"}, 7, nil); !errors.Is(err, ErrNoMessage) {
		t.Errorf("without a message got %v, want ErrNoMessage", err)
	}
}

// TestUnclearAnswersAreSettledOnce: a refusal settles at once; an unclear
// answer leaves the sends submitting until Reconcile, which accepts what
// the provider has, sends the rest again once, and never resends WhatsApp.
func TestUnclearAnswersAreSettledOnce(t *testing.T) {
	svc, st, snd := newService()
	c := dispatch.Campaign{ID: 3, Channel: "sms", Message: "Oi {{nome}}"}

	snd.err = fmt.Errorf("wavysender: %w: 400", dispatch.ErrRejected)
	sends, err := svc.Send(context.Background(), c, 7, []string{"Ana"})
	if err != nil || sends[0].State != Failed || sends[0].Error == "" {
		t.Fatalf("refused got %+v %v, want failed with why", sends, err)
	}

	snd.err = errors.New("connection reset")
	sends, err = svc.Send(context.Background(), c, 7, []string{"Ana"})
	if err != nil || sends[0].State != Submitting || sends[1].State != Submitting {
		t.Fatalf("unclear got %+v %v, want both submitting", sends, err)
	}
	// The provider took the first; the second never arrived.
	snd.err = nil
	snd.known[dispatch.CorrelationID(0, sends[0].ID)] = "p-1"
	snd.sent = nil
	n, err := svc.Reconcile(context.Background(), time.Now())
	if err != nil || n != 2 {
		t.Fatalf("reconcile got %d %v, want 2 looked at", n, err)
	}
	if st.sends[sends[0].ID].State != Accepted || st.sends[sends[0].ID].ProviderID != "p-1" {
		t.Errorf("found send got %+v, want accepted with the provider's id", st.sends[sends[0].ID])
	}
	if len(snd.sent) != 1 || st.sends[sends[1].ID].State != Accepted {
		t.Errorf("resent %q and the lost one is %s, want it sent once more and accepted", snd.sent, st.sends[sends[1].ID].State)
	}
	if n, _ := svc.Reconcile(context.Background(), time.Now()); n != 0 {
		t.Errorf("a second reconcile looked at %d, want none left", n)
	}

	wa := dispatch.Campaign{ID: 5, Channel: "whatsapp", WhatsApp: `{"kind":"text","text":"Oi"}`, Message: "Oi"}
	snd.err = errors.New("timeout")
	sends, _ = svc.Send(context.Background(), wa, 7, nil)
	snd.err, snd.sent = nil, nil
	if _, err := svc.Reconcile(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if st.sends[sends[0].ID].State != Unknown || len(snd.sent) != 0 {
		t.Errorf("whatsapp unclear got %s and resent %q, want unknown and nothing resent", st.sends[sends[0].ID].State, snd.sent)
	}
}

func TestParseSeeds(t *testing.T) {
	phones, bad, _, tooMany := ParseSeeds("(11) 98888-7777\n+55 21 97777-6666, 11988887777", "BR")
	if bad != "" || tooMany || !slices.Equal(phones, []string{"5511988887777", "5521977776666"}) {
		t.Errorf("got %v %q %v", phones, bad, tooMany)
	}
	if _, bad, why, _ := ParseSeeds("11 3333-4444", "BR"); bad != "11 3333-4444" || why == "" {
		t.Errorf("a landline got bad %q why %q, want it named with why", bad, why)
	}
	if _, _, _, tooMany := ParseSeeds("11981110001;11981110002;11981110003;11981110004;11981110005;11981110006", "BR"); !tooMany {
		t.Error("six numbers were not too many")
	}
}
