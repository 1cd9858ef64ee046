package sandbox

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a poller.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"--addr", "127.0.0.1:0", "--username", "u", "--token", "t", "--seed", "9", "--delay-scale", "0", "--verbose", "--no-credit-after", "1"}, &stdout, &stderr)
	}()
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var base string
	waitFor(t, "the listening line", func() bool {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			return true
		}
		return false
	})
	req, err := http.NewRequest(http.MethodPost, base+"/v1/send-sms", strings.NewReader(`{"destination":"5511900000000","messageText":"oi"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("UserName", "u")
	req.Header.Set("AuthenticationToken", "t")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"id"`) {
		t.Errorf("send = %d %s, want 200 with an id", resp.StatusCode, body)
	}
	// --no-credit-after set the credit, readable from outside the process.
	req, _ = http.NewRequest(http.MethodGet, base+CreditPath, nil)
	req.Header.Set("UserName", "u")
	req.Header.Set("AuthenticationToken", "t")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatalf("credit: %v", err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := strings.TrimSpace(string(body)); got != `{"noCreditAfter":1,"used":1}` {
		t.Errorf("credit = %s, want 1 used of 1", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	for _, want := range []string{"sandbox: listening", "path=/v1/send-sms status=200", "sandbox: stopped"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q, want %q", stderr.String(), want)
		}
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestMainFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"help", []string{"-h"}, 0},
		{"unknown flag", []string{"--nope"}, 2},
		{"bad url", []string{"--status-url", "ftp://x"}, 2},
		{"relative url", []string{"--mo-url", "/hooks"}, 2},
		{"negative delay scale", []string{"--delay-scale", "-1"}, 2},
		{"negative credit", []string{"--no-credit-after", "-5"}, 2},
		{"503 share above 1", []string{"--503-rate", "1.5"}, 2},
		{"extra argument", []string{"serve"}, 2},
		{"bad address", []string{"--addr", "256.0.0.1:1"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := Main(tt.args, &stdout, &stderr); got != tt.want {
				t.Errorf("Main(%q) = %d, want %d; stderr %s", tt.args, got, tt.want, stderr.String())
			}
		})
	}
}
