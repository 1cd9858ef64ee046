package apitoken

import (
	"context"
	"errors"
	"testing"
	"time"

	"arauto/internal/user"
)

var errNotFound = errors.New("not found")

type memStore struct {
	tokens  map[string]*Token
	touched []Use
	fail    error
}

func (m *memStore) TokenByHash(_ context.Context, hash string) (*Token, error) {
	if t, ok := m.tokens[hash]; ok {
		return t, nil
	}
	return nil, errNotFound
}

func (m *memStore) TouchTokens(_ context.Context, uses []Use) error {
	if m.fail != nil {
		return m.fail
	}
	m.touched = append(m.touched, uses...)
	return nil
}

func TestAuthenticate(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	good, goodHash := NewSecret()
	expired, expiredHash := NewSecret()
	revoked, revokedHash := NewSecret()
	disabled, disabledHash := NewSecret()
	unknown, _ := NewSecret()
	st := &memStore{tokens: map[string]*Token{
		goodHash:     {ID: 1, Role: user.Marketer, OwnerRole: user.Admin, ExpiresAt: now.Add(time.Hour)},
		expiredHash:  {ID: 2, Role: user.Marketer, OwnerRole: user.Admin, ExpiresAt: now},
		revokedHash:  {ID: 3, Role: user.Marketer, OwnerRole: user.Admin, RevokedAt: now.Add(-time.Minute)},
		disabledHash: {ID: 4, Role: user.Marketer, OwnerRole: user.Admin, OwnerDisabled: true},
	}}
	tests := []struct {
		name   string
		secret string
		wantID int64
	}{
		{"good", good, 1},
		{"expired at the instant", expired, 0},
		{"revoked", revoked, 0},
		{"owner disabled", disabled, 0},
		{"unknown", unknown, 0},
		{"malformed", "arauto_short", 0},
		{"no prefix", good[len(Prefix):], 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Authenticate(context.Background(), st, tt.secret, now, errNotFound)
			if tt.wantID == 0 {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("got %v, %v; want ErrInvalid", tok, err)
				}
				return
			}
			if err != nil || tok.ID != tt.wantID {
				t.Fatalf("got %v, %v; want token %d", tok, err, tt.wantID)
			}
		})
	}
}

func TestEffectiveRoleNeverExceedsTheOwner(t *testing.T) {
	tests := []struct {
		token, owner, want user.Role
	}{
		{user.Admin, user.Admin, user.Admin},
		{user.Admin, user.Marketer, user.Marketer},
		{user.Marketer, user.Viewer, user.Viewer},
		{user.Viewer, user.Admin, user.Viewer},
	}
	for _, tt := range tests {
		tok := &Token{Role: tt.token, OwnerRole: tt.owner}
		if got := tok.EffectiveRole(); got != tt.want {
			t.Errorf("token %s of a %s: got %s, want %s", tt.token, tt.owner, got, tt.want)
		}
	}
}

func TestBearer(t *testing.T) {
	tests := []struct {
		header, want string
		ok           bool
	}{
		{"Bearer abc", "abc", true},
		{"bearer  abc ", "abc", true},
		{"Basic abc", "", false},
		{"", "", false},
		{"Bearer", "", false},
	}
	for _, tt := range tests {
		got, ok := Bearer(tt.header)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Bearer(%q): got %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestUsageCoalescesUses(t *testing.T) {
	st := &memStore{}
	u := NewUsage()
	t0 := time.Unix(1000, 0)
	for i := range 1000 {
		u.Seen(7, t0.Add(time.Duration(i)*time.Millisecond), "127.0.0.1")
	}
	u.Seen(8, t0, "10.0.0.1")
	if err := u.Flush(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if len(st.touched) != 2 {
		t.Fatalf("got %d writes for 1001 uses, want 2", len(st.touched))
	}
	if got, want := st.touched[0].At, t0.Add(999*time.Millisecond); !got.Equal(want) {
		t.Errorf("token 7 last use: got %v, want %v", got, want)
	}
	st.fail = errors.New("disk full")
	u.Seen(9, t0, "")
	if err := u.Flush(context.Background(), st); err == nil {
		t.Fatal("got no error from a failing store")
	}
	st.fail = nil
	if err := u.Flush(context.Background(), st); err != nil || len(st.touched) != 3 {
		t.Fatalf("got %v and %d writes after the retry, want the kept use written", err, len(st.touched))
	}
}

func TestLimitsSayWhenToRetry(t *testing.T) {
	l := NewLimits(60)
	tok := &Token{ID: 1, RatePerMinute: 60}
	now := time.Unix(0, 0)
	allowed := 0
	var wait time.Duration
	for range 20 {
		ok, d := l.Allow(tok, now)
		if ok {
			allowed++
		} else {
			wait = d
		}
	}
	if allowed != 10 {
		t.Errorf("got %d requests through at once, want the burst of 10", allowed)
	}
	if wait != time.Second {
		t.Errorf("got Retry-After %v, want 1s at one request a second", wait)
	}
	if ok, _ := l.Allow(tok, now.Add(time.Second)); !ok {
		t.Error("got refused a second later, want allowed")
	}
	other := &Token{ID: 2}
	if ok, _ := l.Allow(other, now); !ok {
		t.Error("another token was limited by the first one's use")
	}
}
