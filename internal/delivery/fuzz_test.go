package delivery

import (
	"testing"
	"time"
)

// FuzzClassifyAndParse feeds outside webhook bodies through the fast
// path's check and the applier's parser: neither may panic, and a body
// the fast path accepts must come out of the parser as an event (read, or
// noted as unreadable), never lost.
func FuzzClassifyAndParse(f *testing.F) {
	for _, seed := range []string{
		`{"id":"a1","correlationId":"c1-2","sentStatusCode":2,"sentAt":1700000000000}`,
		`[{"id":"a1","correlationId":"c1-2","deliveredStatusCode":4}]`,
		`{"id":"m1","source":"5511999999999","messageText":"SAIR"}`,
		`{"total":1,"data":[{"id":"w1","correlationId":"c1-3","sentStatus":"SENT"}]}`,
		`{"id":"a1","id":"a2"}`, `{"correlationId":1}`, `"x"`, `{}`, `[`, "\xef\xbb\xbf{\"id\":\"\xff\"}",
	} {
		for _, path := range []string{"sms-status", "sms-mo", "whatsapp"} {
			f.Add(path, []byte(seed))
		}
	}
	f.Fuzz(func(t *testing.T, path string, body []byte) {
		kind, items, err := Classify(path, body)
		if err != nil {
			return
		}
		if items < 0 {
			t.Fatalf("Classify(%q) counted %d items", path, items)
		}
		p := parse(Event{ID: 1, Kind: kind, ReceivedAt: time.UnixMilli(1700000000000), Body: body}, kw)
		if p.err == nil && items > 0 && len(p.statuses)+len(p.replies) == 0 {
			t.Fatalf("Classify(%q) accepted %d items the parser found none of, and no error: %q", path, items, body)
		}
	})
}
