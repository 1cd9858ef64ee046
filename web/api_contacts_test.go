package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"arauto/internal/audit"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/user"
)

// TestContactsAndSegmentsThroughTheAPI: the contact book pages by cursor
// and filters like the contacts page; a contact shows its fields, lists
// and history; segments are saved (problems naming rules[i].input),
// counted, changed, used as a campaign's audience and deleted, with the
// pages' roles.
func TestContactsAndSegmentsThroughTheAPI(t *testing.T) {
	e := newAPIEnv(t)
	secret, _ := e.token(t, marketer, user.Marketer, 0, time.Time{})
	viewerSecret, _ := e.token(t, viewer, user.Viewer, 0, time.Time{})
	up := e.upload(t, secret, "clientes.csv", "nome;celular;cidade\nAna;11999990001;Campinas\nBia;21999990002;Rio\nCris;11999990003;Campinas\n", "name", "Clientes")
	if up.status != 202 {
		t.Fatalf("upload: got %d %s", up.status, up.body)
	}
	listID := int64(up.json(t)["id"].(float64))
	for range 200 {
		if e.call(t, secret, "GET", fmt.Sprintf("%s/lists/%d", apiPrefix, listID), nil).json(t)["state"] == "ready" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	first := e.call(t, viewerSecret, "GET", apiPrefix+"/contacts?limit=2", nil).json(t)
	if d := first["data"].([]any); len(d) != 2 || first["next_cursor"] == nil || d[0].(map[string]any)["phone"] != "5511999990001" {
		t.Fatalf("first page: got %v, want Ana and Cris by number, and a cursor", first)
	}
	rest := e.call(t, viewerSecret, "GET", apiPrefix+"/contacts?limit=2&cursor="+url.QueryEscape(first["next_cursor"].(string)), nil).json(t)
	if d := rest["data"].([]any); len(d) != 1 || d[0].(map[string]any)["name"] != "Bia" || rest["next_cursor"] != nil {
		t.Errorf("second page: got %v, want Bia alone and no cursor", rest)
	}
	// A search by a field's words pages by its own cursor.
	byWord := e.call(t, viewerSecret, "GET", apiPrefix+"/contacts?limit=1&q=campinas", nil).json(t)
	if d := byWord["data"].([]any); len(d) != 1 || byWord["next_cursor"] == nil || d[0].(map[string]any)["phone"] != "5511999990001" {
		t.Fatalf("first page of q=campinas: got %v, want Ana and a cursor", byWord)
	}
	byWord = e.call(t, viewerSecret, "GET", apiPrefix+"/contacts?limit=1&q=campinas&cursor="+url.QueryEscape(byWord["next_cursor"].(string)), nil).json(t)
	if d := byWord["data"].([]any); len(d) != 1 || d[0].(map[string]any)["phone"] != "5511999990003" {
		t.Errorf("second page of q=campinas: got %v, want Cris", byWord)
	}
	for _, tt := range []struct {
		query string
		want  int
	}{{"state=SP", 2}, {"state=rj", 1}, {"q=bi", 1}, {"q=11999", 2}, {"q=rio", 1}, {fmt.Sprintf("list_id=%d", listID), 3}, {"opted_out=true", 0}} {
		if got := e.call(t, viewerSecret, "GET", apiPrefix+"/contacts?"+tt.query, nil).json(t)["data"].([]any); len(got) != tt.want {
			t.Errorf("contacts?%s: got %d, want %d", tt.query, len(got), tt.want)
		}
	}
	for _, tt := range []struct{ query, field string }{{"state=XX", "state"}, {"opted_out=maybe", "opted_out"}, {"cursor=!!", "cursor"}, {"segment_id=999", "segment_id"}} {
		a := e.call(t, viewerSecret, "GET", apiPrefix+"/contacts?"+tt.query, nil)
		if _, field := a.errorOf(t); a.status != 400 || field != tt.field {
			t.Errorf("contacts?%s: got %d on %q, want 400 on %s", tt.query, a.status, field, tt.field)
		}
	}
	ana := e.call(t, viewerSecret, "GET", apiPrefix+"/contacts/11999990001", nil)
	if m := ana.json(t); ana.status != 200 || m["fields"].(map[string]any)["cidade"] != "Campinas" || len(m["lists"].([]any)) != 1 ||
		m["lists"].([]any)[0].(map[string]any)["list_name"] != "Clientes" {
		t.Errorf("contact: got %d %s, want Ana's fields and her list", ana.status, ana.body)
	}
	if a := e.call(t, viewerSecret, "GET", apiPrefix+"/contacts/11911112222", nil); a.status != 404 {
		t.Errorf("a number that is no contact: got %d, want 404", a.status)
	}

	if a := e.call(t, viewerSecret, "POST", apiPrefix+"/segments", `{"name":"Campinas","rules":[]}`); a.status != 403 {
		t.Errorf("a viewer saving a segment: got %d, want 403", a.status)
	}
	bad := e.call(t, secret, "POST", apiPrefix+"/segments", `{"name":"Campinas","match":"all","rules":[{"kind":"ddd","values":["11"]},{"kind":"attr","field":"bairro","op":"equals","values":["Centro"]}]}`)
	if code, field := bad.errorOf(t); bad.status != 422 || field != "rules[1].field" || code != "validation_failed" {
		t.Errorf("a rule on an unknown field: got %d %s on %q, want 422 on rules[1].field", bad.status, code, field)
	}
	seg := e.call(t, secret, "POST", apiPrefix+"/segments", `{"name":"Campinas","match":"all","rules":[{"kind":"attr","field":"cidade","op":"equals","values":["campinas"]}]}`,
		"Idempotency-Key", "seg-1")
	if seg.status != 201 {
		t.Fatalf("create segment: got %d %s", seg.status, seg.body)
	}
	segID := int64(seg.json(t)["id"].(float64))
	if dup := e.call(t, secret, "POST", apiPrefix+"/segments", `{"name":"campinas ","rules":[{"kind":"ddd","values":["11"]}]}`); dup.status != 422 {
		t.Errorf("a second segment of the same name: got %d, want 422", dup.status)
	}
	count := func() float64 {
		return e.call(t, viewerSecret, "GET", fmt.Sprintf("%s/segments/%d/count", apiPrefix, segID), nil).json(t)["contacts"].(float64)
	}
	if n := count(); n != 2 {
		t.Errorf("count: got %v, want 2 in Campinas", n)
	}
	if a := e.call(t, secret, "PATCH", fmt.Sprintf("%s/segments/%d", apiPrefix, segID), `{"rules":[{"kind":"ddd","values":["11","21"]}]}`); a.status != 200 || a.json(t)["name"] != "Campinas" {
		t.Errorf("update: got %d %s", a.status, a.body)
	}
	if n := count(); n != 3 {
		t.Errorf("count after the change: got %v, want 3", n)
	}
	if got := e.call(t, viewerSecret, "GET", fmt.Sprintf("%s/contacts?segment_id=%d&state=RJ", apiPrefix, segID), nil).json(t)["data"].([]any); len(got) != 1 {
		t.Errorf("contacts of the segment in RJ: got %d, want 1", len(got))
	}
	if l := e.call(t, viewerSecret, "GET", apiPrefix+"/segments", nil).json(t)["data"].([]any); len(l) != 1 {
		t.Errorf("segments: got %d, want 1", len(l))
	}

	c := e.call(t, secret, "POST", apiPrefix+"/campaigns", fmt.Sprintf(`{"name":"Por segmento","channel":"sms","segment_id":%d,"message":"Oi {{nome}}","schedule":{"send_now":true}}`, segID))
	if c.status != 201 || c.json(t)["segment_id"] != float64(segID) || c.json(t)["list_id"] != nil {
		t.Fatalf("a campaign with the segment as audience: got %d %s", c.status, c.body)
	}
	cid := int64(c.json(t)["id"].(float64))
	if a := e.call(t, secret, "PATCH", fmt.Sprintf("%s/campaigns/%d", apiPrefix, cid), `{"message":"Oi {{apelido}}"}`); a.status != 422 {
		t.Errorf("a placeholder the segment's contacts lack: got %d, want 422", a.status)
	}
	if a := e.call(t, secret, "PATCH", fmt.Sprintf("%s/campaigns/%d", apiPrefix, cid), `{"segment_id":999}`); a.status != 422 {
		t.Errorf("an unknown segment: got %d, want 422", a.status)
	}
	l := e.call(t, secret, "POST", fmt.Sprintf("%s/campaigns/%d/launch", apiPrefix, cid), nil)
	if l.status != 200 || l.json(t)["state"] != "scheduled" || l.json(t)["list_id"] == nil {
		t.Fatalf("launch: got %d %s, want scheduled with the segment frozen into a list", l.status, l.body)
	}
	if a := e.call(t, secret, "DELETE", fmt.Sprintf("%s/segments/%d", apiPrefix, segID), nil); a.status != 204 {
		t.Errorf("delete: got %d %s", a.status, a.body)
	}
	if a := e.call(t, secret, "GET", fmt.Sprintf("%s/segments/%d", apiPrefix, segID), nil); a.status != 404 {
		t.Errorf("a deleted segment: got %d, want 404", a.status)
	}
	entries, err := e.store.AuditEntries(context.Background(), audit.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[audit.Action]int{}
	for _, en := range entries {
		if en.Actor.Name == "crm-marketer" {
			seen[en.Action]++
		}
	}
	if seen[audit.SegmentSaved] != 2 || seen[audit.SegmentDeleted] != 1 {
		t.Errorf("audit by the token: got %v, want 2 segment saves and 1 deletion", seen)
	}
}

// lostAnswers sends through the HTTPS door and then loses the answer of
// every request, as when the process dies right after the request left.
type lostAnswers struct{ dispatch.Sender }

func (l lostAnswers) Send(ctx context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	if _, err := l.Sender.Send(ctx, b); err != nil {
		return nil, err
	}
	return nil, errors.New("connection reset: the process died before the answer was read")
}

// runDispatcher runs a dispatcher over the test store with sender until
// done says so (or 5 seconds pass), then stops it. Its time runs from the
// test clock's.
func (e *campaignEnv) runDispatcher(t *testing.T, sender dispatch.Sender, done func() bool) {
	t.Helper()
	start := time.Now()
	now := func() time.Time { return e.clock.now().Add(time.Since(start)) }
	w := dispatch.New(e.store, sender, dispatch.Config{PollInterval: 10 * time.Millisecond, ReconcileAfter: 50 * time.Millisecond, Compile: smsCompiler, Now: now},
		slog.New(slog.DiscardHandler))
	ctx, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { w.Run(ctx); close(stopped) }()
	for end := time.Now().Add(5 * time.Second); !done() && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-stopped
}

// TestRepliesThroughTheAPI: an answer to a conversation is stored in the
// outbox before the API answers; a crash before the dispatcher ran and a
// crash after the provider took it but before its answer was read neither
// lose nor double it; its statuses come back (sent, delivered); a replay
// of its key gives the first answer; the page's rules hold (a closed
// WhatsApp session, a blocked number, a viewer).
func TestRepliesThroughTheAPI(t *testing.T) {
	e := newAPIEnv(t)
	e.seedReplies(t)
	secret, _ := e.token(t, marketer, user.Marketer, 0, time.Time{})
	viewerSecret, _ := e.token(t, viewer, user.Viewer, 0, time.Time{})
	const asker, zap, blocked = "5521988887777", "5511977776666", "5519997712322"
	path := apiPrefix + "/conversations/" + asker + "/replies"

	for _, tt := range []struct {
		name, secret, phone, body string
		status                    int
		code, field               string
	}{
		{"a viewer", viewerSecret, asker, `{"channel":"sms","text":"Oi"}`, 403, "forbidden", "Authorization"},
		{"no text", secret, asker, `{"channel":"sms","text":"  "}`, 422, "validation_failed", "text"},
		{"a channel the contact did not use", secret, asker, `{"channel":"whatsapp","text":"Oi"}`, 422, "validation_failed", "channel"},
		{"whatsapp outside the session", secret, zap, `{"channel":"whatsapp","text":"Oi"}`, 409, "whatsapp_session_closed", "channel"},
		{"a blocked number", secret, blocked, `{"channel":"sms","text":"Oi"}`, 409, "suppressed", "phone"},
		{"an unknown field", secret, asker, `{"channel":"sms","texto":"Oi"}`, 400, "unknown_field", "texto"},
	} {
		a := e.call(t, tt.secret, "POST", apiPrefix+"/conversations/"+tt.phone+"/replies", tt.body)
		if code, field := a.errorOf(t); a.status != tt.status || code != tt.code || field != tt.field {
			t.Errorf("%s: got %d %s on %q, want %d %s on %s", tt.name, a.status, code, field, tt.status, tt.code, tt.field)
		}
	}
	if n := len(e.sb.Messages()); n != 0 {
		t.Fatalf("refused answers reached the provider: %d", n)
	}

	// Stored, then the process dies before the dispatcher ran.
	body := `{"channel":"sms","text":"Abrimos às 9h."}`
	first := e.call(t, secret, "POST", path, body, "Idempotency-Key", "answer-1")
	if first.status != 202 || first.json(t)["state"] != "sending" || !strings.HasPrefix(first.json(t)["message_id"].(string), "msg_") {
		t.Fatalf("answer: got %d %s, want 202 sending with a message id", first.status, first.body)
	}
	if again := e.call(t, secret, "POST", path, body, "Idempotency-Key", "answer-1"); again.status != 202 || string(again.body) != string(first.body) {
		t.Errorf("replay: got %d %s, want the first answer", again.status, again.body)
	}
	if n := len(e.sb.Messages()); n != 0 {
		t.Fatalf("the answer left before the dispatcher ran: %d messages", n)
	}
	state := func() string {
		r := e.call(t, secret, "GET", path, nil).json(t)["replies"].([]any)
		return r[len(r)-1].(map[string]any)["state"].(string)
	}
	// The dispatcher restarts, sends it, and the answer is lost with the
	// process: the message stays claimed, not confirmed.
	https := wavysender.New(e.srv.clients.Client, wavysender.Config{RequestsPerSecond: 1000})
	e.runDispatcher(t, lostAnswers{https}, func() bool { return len(e.sb.Messages()) > 0 })
	if st := state(); st != "sending" {
		t.Fatalf("after a lost answer: state %q, want sending (not confirmed yet)", st)
	}
	// Restarted again a minute later: the claim is looked up by
	// correlationId and found, not sent again.
	e.clock.add(time.Minute)
	e.runDispatcher(t, https, func() bool { return state() == "sent" })
	got := e.sb.Messages()
	if len(got) != 1 || got[0].Destination != asker || got[0].Text != "Abrimos às 9h." {
		t.Fatalf("the provider got %d messages (%+v), want the answer exactly once", len(got), got)
	}
	if st := state(); st != "sent" {
		t.Fatalf("after reconciling: state %q, want sent", st)
	}
	dlr := fmt.Sprintf(`{"id":%q,"correlationId":%q,"carrierName":"VIVO","destination":%q,"sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentStatusAt":%d,"deliveredStatusCode":4,"deliveredStatus":"DELIVERED_SUCCESS","deliveredAt":%d}`,
		got[0].ID, got[0].CorrelationID, asker, time.Now().UnixMilli(), time.Now().UnixMilli())
	e.webhook(t, "sms-status", dlr)
	if _, err := applyEvents(e.store); err != nil {
		t.Fatal(err)
	}
	if st := state(); st != "delivered" {
		t.Errorf("after the delivery receipt: state %q, want delivered", st)
	}
	msg := e.call(t, secret, "GET", apiPrefix+"/messages/"+first.json(t)["message_id"].(string), nil).json(t)
	if msg["outcome"] != "delivered" {
		t.Errorf("the answer as a message: got %v, want delivered", msg)
	}
	// The answer is shown once in the conversation: as an answer, not as
	// a campaign message.
	conv := e.call(t, secret, "GET", apiPrefix+"/inbox/"+asker, nil).json(t)["messages"].([]any)
	for _, m := range conv {
		if m.(map[string]any)["direction"] == "out" {
			t.Errorf("the answer shows as a campaign message too: %v", m)
		}
	}
}

// TestConversationStreamFollowsAnswerState: an open conversation's event
// stream shows an answer sending, then sent once the dispatcher sent it,
// without a reload.
func TestConversationStreamFollowsAnswerState(t *testing.T) {
	e := newCampaignEnv(t)
	e.seedReplies(t)
	b := e.browser(t)
	b.signIn(marketer)
	const asker = "5521988887777"
	b.do("GET", "/inbox/"+asker, nil)
	if r := b.post("/inbox/"+asker+"/answer", url.Values{"channel": {"sms"}, "text": {"Abrimos às 9h."}}); r.status != 303 {
		t.Fatalf("answer got %d", r.status)
	}
	base := e.serve(t)
	conn, r := openStream(t, base, "/inbox/"+asker+"/events", b.cookies)
	defer conn.Close()
	waitFrame := func(want string) {
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("the stream ended or stalled before showing %s: %v", want, err)
			}
			if strings.HasPrefix(line, "data: ") && strings.Contains(line, want) {
				return
			}
		}
	}
	waitFrame(`data-answer-state="sending"`)
	https := wavysender.New(e.srv.clients.Client, wavysender.Config{RequestsPerSecond: 1000})
	e.runDispatcher(t, https, func() bool { return len(e.sb.Messages()) > 0 })
	waitFrame(`data-answer-state="sent"`)
}
