package web

import (
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"arauto/internal/dispatch/wavysender"
	"arauto/internal/wavy"
)

// TestAnswerReplies: replies arrive unread (the navigation counts them),
// reading a conversation marks it read, an operator answers an SMS reply
// and a WhatsApp reply inside its session (the provider gets each once),
// is refused outside the session and for a blocked number, and assigns
// and closes the conversation; a viewer cannot answer.
func TestAnswerReplies(t *testing.T) {
	e := newCampaignEnv(t)
	e.seedReplies(t)
	b := e.browser(t)
	b.signIn(marketer)
	const asker, zap, blocked = "5521988887777", "5511977776666", "5519997712322"

	inbox := b.do("GET", "/inbox", nil)
	wantIn(t, "inbox", html.UnescapeString(inbox.body), `data-inbox-unread="3"`, "3 conversas não lidas", "data-reply-new")

	page := b.do("GET", "/inbox/"+asker, nil)
	wantIn(t, "conversation", html.UnescapeString(page.body), "Qual o horário da loja?", "data-in-new", `name="channel" value="sms" checked`, "Enviar resposta")
	if r := b.do("GET", "/inbox", nil); !strings.Contains(r.body, `data-inbox-unread="2"`) {
		t.Errorf("after reading one conversation the badge lacks 2 unread")
	}

	sent := func() int { return len(e.sb.Messages()) }
	before := sent()
	if r := b.post("/inbox/"+asker+"/answer", url.Values{"channel": {"sms"}, "text": {""}}); r.status != 422 ||
		!strings.Contains(html.UnescapeString(r.body), "Escreva a resposta.") {
		t.Errorf("an empty answer got %d, want 422 saying to write it", r.status)
	}
	r := b.post("/inbox/"+asker+"/answer", url.Values{"channel": {"sms"}, "text": {"Abrimos às 9h."}})
	if r.status != 303 || r.location != "/inbox/"+asker {
		t.Fatalf("answer got %d %q, want 303 back to the conversation: %s", r.status, r.location, excerpt(r.body))
	}
	page = b.do("GET", "/inbox/"+asker, nil)
	wantIn(t, "answered", html.UnescapeString(page.body), "Resposta guardada e a caminho", "Abrimos às 9h.", `data-answer-state="sending"`, "Resposta de "+marketer,
		`sse-connect="/inbox/`+asker+`/events`)
	// The answer waits in the outbox; the dispatcher sends it.
	https := wavysender.New(e.srv.clients.Client, wavysender.Config{RequestsPerSecond: 1000})
	e.runDispatcher(t, https, func() bool { return sent() > before })
	if got := e.sb.Messages(); len(got) != before+1 || got[len(got)-1].Destination != asker || got[len(got)-1].Text != "Abrimos às 9h." {
		t.Fatalf("the provider got %d new messages, want the one answer to %s", len(got)-before, asker)
	}
	wantIn(t, "answer sent", b.do("GET", "/inbox/"+asker, nil).body, `data-answer-state="sent"`, "Enviada")

	// The WhatsApp replies are old: the session is closed.
	if r := b.post("/inbox/"+zap+"/answer", url.Values{"channel": {"whatsapp"}, "text": {"Oi Maria"}}); r.status != 422 ||
		!strings.Contains(html.UnescapeString(r.body), "a sessão de 24 horas do WhatsApp deste contato está fechada") {
		t.Errorf("whatsapp outside the session got %d, want 422 saying the session is closed", r.status)
	}
	fresh, err := json.Marshal(map[string]any{"total": 1, "data": []wavy.WhatsAppMO{{ID: "wa-3", Source: zap, UserProfile: wavy.UserProfile{Name: "Maria Silva"},
		ReceivedAt: e.clock.now().Add(-time.Hour), Message: wavy.InboundMessage{Type: "TEXT", MessageText: "Tem em azul?"}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.webhook(t, "whatsapp", string(fresh))
	if _, err := applyEvents(e.store); err != nil {
		t.Fatal(err)
	}
	page = b.do("GET", "/inbox/"+zap, nil)
	wantIn(t, "whatsapp conversation", page.body, `data-session="open"`, `name="channel" value="whatsapp" checked`)
	if r := b.post("/inbox/"+zap+"/answer", url.Values{"channel": {"whatsapp"}, "text": {"Tem sim"}, "media_kind": {"image"},
		"media_url": {"https://loja.example/azul.pdf"}}); r.status != 422 || !strings.Contains(r.body, ".jpg, .jpeg, .png") {
		t.Errorf("an image that is a PDF got %d, want 422 naming the image types", r.status)
	}
	before = sent()
	r = b.post("/inbox/"+zap+"/answer", url.Values{"channel": {"whatsapp"}, "text": {"Tem sim"}, "media_kind": {"image"},
		"media_url": {"https://loja.example/azul.jpg"}})
	if r.status != 303 {
		t.Fatalf("whatsapp answer got %d, want 303: %s", r.status, excerpt(r.body))
	}
	e.runDispatcher(t, https, func() bool { return sent() > before })
	if got := e.sb.Messages(); len(got) != before+1 || got[len(got)-1].Channel != "whatsapp" || got[len(got)-1].Destination != zap {
		t.Errorf("the provider got %d new messages, want the one WhatsApp answer", len(got)-before)
	}
	wantIn(t, "whatsapp answered", b.do("GET", "/inbox/"+zap, nil).body, "Tem sim", `data-answer-state="sent"`)

	before = sent()
	if r := b.post("/inbox/"+blocked+"/answer", url.Values{"channel": {"sms"}, "text": {"Volte!"}}); r.status != 422 ||
		!strings.Contains(html.UnescapeString(r.body), "este número está na lista de bloqueio") || sent() != before {
		t.Errorf("answering a blocked number got %d (%d sent), want 422 and nothing sent", r.status, sent()-before)
	}

	// Assign to the marketer, close; the inbox says so.
	users, err := e.store.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var mkt string
	for _, u := range users {
		if u.Email == marketer {
			mkt = itoa(u.ID)
		}
	}
	if r := b.post("/inbox/"+asker+"/assign", url.Values{"user_id": {mkt}}); r.status != 303 {
		t.Errorf("assign got %d, want 303", r.status)
	}
	if r := b.post("/inbox/"+asker+"/close", nil); r.status != 303 {
		t.Errorf("close got %d, want 303", r.status)
	}
	wantIn(t, "closed conversation", b.do("GET", "/inbox/"+asker, nil).body, "data-conversation-closed", "Com "+marketer, "Reabrir conversa")
	list := b.do("GET", "/inbox?q="+asker, nil)
	wantIn(t, "inbox after closing", list.body, "data-reply-closed", "data-reply-assigned")

	v := e.browser(t)
	v.signIn(viewer)
	if r := v.post("/inbox/"+asker+"/answer", url.Values{"channel": {"sms"}, "text": {"x"}}); r.status != 403 {
		t.Errorf("viewer's answer got %d, want 403", r.status)
	}
	if r := v.do("GET", "/inbox/"+asker, nil); strings.Contains(r.body, "Enviar resposta") {
		t.Errorf("the viewer's conversation offers the answer form")
	}
}
