package provider

import (
	"context"
	"errors"
	"testing"

	"arauto/internal/config"
	"arauto/internal/wavy"
)

type savedSettings map[string]string

func (s savedSettings) Settings(context.Context) (map[string]string, error) { return s, nil }

func TestClientIsKeptUntilTheSettingsChange(t *testing.T) {
	ctx := context.Background()
	cfg := config.Config{Provider: config.ProviderWavy, WavyAPIURL: "https://api.example", WavyAPIGWURL: "https://gw.example"}
	saved := savedSettings{}
	p := New(cfg, saved)
	if _, err := p.Client(ctx); !errors.Is(err, ErrNoCredentials) || !errors.Is(err, wavy.ErrUnauthorized) {
		t.Fatalf("without credentials got %v, want ErrNoCredentials (a wavy.ErrUnauthorized)", err)
	}
	saved[config.SettingWavyUsername], saved[config.SettingWavyToken] = "ana", "token-1"
	first, err := p.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := p.Client(ctx); again != first {
		t.Errorf("got a new client with the same settings, want the same one")
	}
	saved[config.SettingWavyToken] = "token-2"
	if changed, _ := p.Client(ctx); changed == first {
		t.Errorf("got the old client after the token changed, want a new one")
	}
}
