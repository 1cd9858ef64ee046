package store

import (
	"context"
	"strings"
	"testing"
)

func rawSetting(t *testing.T, s *Store, key string) string {
	t.Helper()
	var v string
	if err := s.r.QueryRow("SELECT value FROM settings WHERE key = ?", key).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSealedSettings: the Wavy token is stored encrypted and read back
// clear; a token stored in clear before is encrypted at start; under
// another key it reads as unset.
func TestSealedSettings(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/" + FileName
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSettings(ctx, map[string]string{"wavy.token": "token-antigo-1234", "wavy.username": "loja"}); err != nil {
		t.Fatal(err)
	}
	key := []byte(strings.Repeat("k", 64))
	if err := s.SealSettings(ctx, key, "wavy.token"); err != nil {
		t.Fatal(err)
	}
	if raw := rawSetting(t, s, "wavy.token"); strings.Contains(raw, "token-antigo") || !strings.HasPrefix(raw, sealedPrefix) {
		t.Errorf("a token stored in clear before sealing is still %q", raw)
	}
	if err := s.SaveSettings(ctx, map[string]string{"wavy.token": "token-novo-5678"}); err != nil {
		t.Fatal(err)
	}
	if raw := rawSetting(t, s, "wavy.token"); strings.Contains(raw, "token-novo") {
		t.Errorf("the saved token is stored as %q, want it encrypted", raw)
	}
	if raw := rawSetting(t, s, "wavy.username"); raw != "loja" {
		t.Errorf("an unsealed setting is stored as %q, want it as is", raw)
	}
	m, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m["wavy.token"] != "token-novo-5678" || m["wavy.username"] != "loja" {
		t.Errorf("got settings %v, want the token read back in clear", m)
	}
	if v, err := s.Setting(ctx, "wavy.token"); err != nil || v != "token-novo-5678" {
		t.Errorf("Setting got %q %v", v, err)
	}
	s.Close()

	// The session key was replaced: the token must be entered again.
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.SealSettings(ctx, []byte(strings.Repeat("z", 64)), "wavy.token"); err != nil {
		t.Fatal(err)
	}
	m, err = s2.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m["wavy.token"]; ok || m["wavy.username"] != "loja" {
		t.Errorf("under another key got %v, want the token unset and the rest intact", m)
	}
}
