package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"arauto/internal/user"
	"arauto/store"
	"arauto/store/storetest"
)

func newUser(t *testing.T, email string, r user.Role) *user.User {
	t.Helper()
	return &user.User{Email: email, PasswordHash: []byte("hash"), Role: r}
}

func TestMigrationsAreRecorded(t *testing.T) {
	s := storetest.New(t)
	var v int
	if err := s.QueryRowForTest(context.Background(), "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v < 1 {
		t.Errorf("got schema version %d, want >= 1", v)
	}
}

func TestCreateFirstAdminOnlyOnce(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateFirstAdmin(ctx, newUser(t, "admin"+string(rune('a'+i))+"@example.com", user.Admin))
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("got %v, want nil or ErrConflict", err)
		}
	}
	if ok != 1 {
		t.Errorf("got %d first admins, want 1", ok)
	}
}

func TestUsersCRUD(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	admin := newUser(t, "ana@example.com", user.Admin)
	if err := s.CreateUser(ctx, admin); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, newUser(t, "ANA@example.com", user.Viewer)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate e-mail got %v, want ErrConflict", err)
	}
	bia := newUser(t, "bia@example.com", user.Marketer)
	if err := s.CreateUser(ctx, bia); err != nil {
		t.Fatal(err)
	}
	got, err := s.UserByEmail(ctx, "BIA@EXAMPLE.COM")
	if err != nil || got.ID != bia.ID || got.Role != user.Marketer {
		t.Fatalf("UserByEmail got %+v %v, want bia", got, err)
	}
	if _, err := s.UserByID(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing user got %v, want ErrNotFound", err)
	}
	if err := s.SetUserRole(ctx, admin.ID, user.Viewer); !errors.Is(err, store.ErrLastAdmin) {
		t.Errorf("demoting the last admin got %v, want ErrLastAdmin", err)
	}
	if err := s.SetUserDisabled(ctx, admin.ID, true); !errors.Is(err, store.ErrLastAdmin) {
		t.Errorf("disabling the last admin got %v, want ErrLastAdmin", err)
	}
	if err := s.SetUserDisabled(ctx, bia.ID, true); err != nil {
		t.Fatal(err)
	}
	got, _ = s.UserByID(ctx, bia.ID)
	if !got.Disabled || got.SessionEpoch != 2 {
		t.Errorf("disabled bia got disabled=%v epoch=%d, want true 2", got.Disabled, got.SessionEpoch)
	}
	epoch, err := s.SetUserPassword(ctx, bia.ID, []byte("new"))
	if err != nil || epoch != 3 {
		t.Errorf("SetUserPassword got epoch %d %v, want 3", epoch, err)
	}
	if err := s.SetUserRole(ctx, 999, user.Admin); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("role of missing user got %v, want ErrNotFound", err)
	}
	us, err := s.ListUsers(ctx)
	if err != nil || len(us) != 2 {
		t.Errorf("ListUsers got %d %v, want 2", len(us), err)
	}
	for _, zone := range []string{"Europe/Lisbon", ""} {
		if err := s.SetUserTimeZone(ctx, bia.ID, zone); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserByID(ctx, bia.ID); got.TimeZone != zone {
			t.Errorf("time zone got %q, want %q", got.TimeZone, zone)
		}
	}
}

func TestSettings(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	if _, err := s.Setting(ctx, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing setting got %v, want ErrNotFound", err)
	}
	if err := s.SaveSettings(ctx, map[string]string{"a": "1", "b": "2"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSettings(ctx, map[string]string{"a": "", "b": "3"}); err != nil {
		t.Fatal(err)
	}
	m, _ := s.Settings(ctx)
	if len(m) != 1 || m["b"] != "3" {
		t.Errorf("got %v, want only b=3", m)
	}
	calls := 0
	mk := func() (string, error) { calls++; return "secret", nil }
	v1, _ := s.SettingOrCreate(ctx, "webhook", mk)
	v2, _ := s.SettingOrCreate(ctx, "webhook", mk)
	if v1 != "secret" || v2 != "secret" || calls != 1 {
		t.Errorf("got %q %q after %d calls, want secret twice after 1 call", v1, v2, calls)
	}
}
