package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"testing"
	"time"

	"arauto/internal/inbox"
	"arauto/internal/user"
)

// TestStaleIdempotencyKeyIsTakenOver: a key whose first request died
// mid-way (the process crashed after the answer was stored in the outbox,
// before the key kept the API's answer) is refused with 409 and a
// Retry-After while its lease runs; after it the same request runs, finds
// the answer the first one stored by its correlation and queues nothing
// more; another request under the key is still refused.
func TestStaleIdempotencyKeyIsTakenOver(t *testing.T) {
	e := newAPIEnv(t)
	e.seedReplies(t)
	secret, tok := e.token(t, marketer, user.Marketer, 0, time.Time{})
	const asker = "5521988887777"
	path := apiPrefix + "/conversations/" + asker + "/replies"
	body := `{"channel":"sms","text":"Abrimos às 9h."}`
	ctx := context.Background()

	// The first request, as far as it got: the key claimed, the answer
	// stored in the outbox under the key's correlation, then the crash.
	req, err := newRequestFingerprint("POST", path, body)
	if err != nil {
		t.Fatal(err)
	}
	if _, fresh, err := e.store.ReserveIdempotencyKey(ctx, tok.ID, "crash-1", req, e.clock.now(), e.clock.now().Add(-idempotencyLease)); err != nil || !fresh {
		t.Fatalf("reserve: %v, fresh %v", err, fresh)
	}
	first, err := e.srv.answers().Answer(ctx, tok.OwnerID, inbox.Draft{Phone: asker, Channel: "sms", Text: "Abrimos às 9h.", Key: strconv.FormatInt(tok.ID, 10) + "/crash-1"})
	if err != nil {
		t.Fatal(err)
	}

	e.clock.add(20 * time.Second)
	busy := e.call(t, secret, "POST", path, body, "Idempotency-Key", "crash-1")
	if code, _ := busy.errorOf(t); busy.status != 409 || code != "idempotency_in_progress" || busy.header.Get("Retry-After") != "41" {
		t.Fatalf("within the lease: got %d %s Retry-After %q, want 409 idempotency_in_progress after 41 s", busy.status, code, busy.header.Get("Retry-After"))
	}
	e.clock.add(41 * time.Second)
	other := e.call(t, secret, "POST", path, `{"channel":"sms","text":"Outra coisa"}`, "Idempotency-Key", "crash-1")
	if code, _ := other.errorOf(t); other.status != 422 || code != "idempotency_key_reused" {
		t.Errorf("another request under the stale key: got %d %s, want 422 idempotency_key_reused", other.status, code)
	}
	retry := e.call(t, secret, "POST", path, body, "Idempotency-Key", "crash-1")
	if retry.status != 202 || int64(retry.json(t)["id"].(float64)) != first.ID {
		t.Fatalf("after the lease: got %d %s, want 202 with the answer stored first (%d)", retry.status, retry.body, first.ID)
	}
	if again := e.call(t, secret, "POST", path, body, "Idempotency-Key", "crash-1"); again.status != 202 || string(again.body) != string(retry.body) ||
		again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("a replay after the retry: got %d %s, want the kept answer", again.status, again.body)
	}
	answers, err := e.store.Answers(ctx, asker, 10)
	if err != nil || len(answers) != 1 {
		t.Fatalf("got %d answers (%v), want the one", len(answers), err)
	}
}

// newRequestFingerprint is the fingerprint a JSON request gets.
func newRequestFingerprint(method, path, body string) (string, error) {
	h := sha256.New()
	if _, err := h.Write([]byte(method + " " + path + "\n" + body)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
