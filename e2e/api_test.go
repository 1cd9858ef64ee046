package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"arauto/internal/openapitest"
	"arauto/internal/outhook"
	"arauto/web"
)

// apiClient calls the console's API with a token and checks every answer
// against the OpenAPI document.
type apiClient struct {
	t      *testing.T
	base   string
	secret string
	doc    *openapitest.Validator
	seen   int
}

type apiResult struct {
	status int
	header http.Header
	body   []byte
}

func (r apiResult) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %s", r.status, r.body)
	}
	return m
}

func (c *apiClient) do(method, path, contentType string, body io.Reader, hdr ...string) apiResult {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+"/api/v1"+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.secret)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := c.doc.Check(method, req.URL.RequestURI(), resp.StatusCode, resp.Header.Get("Content-Type"), b); err != nil {
		c.t.Error(err)
	}
	c.seen++
	return apiResult{status: resp.StatusCode, header: resp.Header, body: b}
}

func (c *apiClient) json(method, path string, body string, hdr ...string) apiResult {
	c.t.Helper()
	var rd io.Reader
	ct := ""
	if body != "" {
		rd, ct = strings.NewReader(body), "application/json"
	}
	return c.do(method, path, ct, rd, hdr...)
}

// receiver is the CRM's webhook endpoint: it checks each signature,
// answers 500 to the very first delivery, then 200.
type receiver struct {
	mu       sync.Mutex
	secret   string
	attempts int
	events   []map[string]any
	badSig   int
	first    string
	retried  bool
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := outhook.Verify(r.secret, req.Header.Get(outhook.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		r.badSig++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	r.attempts++
	id := req.Header.Get("X-Arauto-Event-Id")
	if r.first == "" {
		r.first = id
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "CRM fora do ar")
		return
	}
	if id == r.first {
		r.retried = true
	}
	var ev map[string]any
	json.Unmarshal(body, &ev)
	r.events = append(r.events, ev)
	io.WriteString(w, "ok")
}

func (r *receiver) has(typ string, match func(data map[string]any) bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.events {
		if ev["type"] == typ && (match == nil || match(ev["data"].(map[string]any))) {
			return true
		}
	}
	return false
}

// TestAPIJourney: an admin makes a token and registers a webhook receiver
// on their pages; a CRM then drives a whole campaign through the API
// alone (upload, campaign, launch, report), sends an "order confirmed"
// message twice with one idempotency key, and receives signed webhooks,
// the first after a retry; the audit page lists every one of those
// actions. Every API answer is checked against the OpenAPI document.
func TestAPIJourney(t *testing.T) {
	s := startServer(t, "ARAUTO_ADMIN_EMAIL="+adminEmail, "ARAUTO_ADMIN_PASSWORD="+adminPassword, "ARAUTO_SANDBOX_DELAY_SCALE=0")
	doc, err := openapitest.New(web.OpenAPIDocument(), "/api/v1")
	if err != nil {
		t.Fatal(err)
	}
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)

	// The token: made on its page, its secret shown once.
	goTo(t, page, s.URL+"/automation/tokens")
	fill(t, page, "Nome do token", "CRM da loja")
	if _, err := page.GetByLabel("Papel").SelectOption(playwright.SelectOptionValues{Values: &[]string{"marketer"}}); err != nil {
		t.Fatal(err)
	}
	click(t, page, "button", "Criar token")
	secret, err := page.GetByLabel("Segredo").InputValue()
	must(t, err)
	if !strings.HasPrefix(secret, "arauto_") {
		t.Fatalf("got secret %q, want an arauto_ token", secret)
	}
	shot(t, page, "api-token-created")
	goTo(t, page, s.URL+"/automation/tokens")
	if n, _ := page.GetByLabel("Segredo").Count(); n != 0 {
		t.Error("the secret is shown again after the page was left")
	}

	// The receiver: registered on its page, its signing secret shown once.
	rcv := &receiver{}
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	goTo(t, page, s.URL+"/automation/webhooks")
	fill(t, page, "Endereço (URL) do destino", hook.URL+"/arauto")
	for _, ev := range []string{"Campanha mudou de situação", "Importação de lista concluída"} {
		must(t, page.GetByLabel(ev).Check())
	}
	click(t, page, "button", "Cadastrar destino")
	hookSecret, err := page.GetByLabel("Segredo").InputValue()
	must(t, err)
	rcv.mu.Lock()
	rcv.secret = hookSecret
	rcv.mu.Unlock()

	api := &apiClient{t: t, base: s.URL, secret: secret, doc: doc}
	// Upload: a CRM export.
	var csv strings.Builder
	csv.WriteString("nome;celular;pedido\n")
	for i := range 40 {
		fmt.Fprintf(&csv, "Cliente %d;(11) 9%04d-%04d;%d\n", i, 8100+i, 1000+i, 5000+i)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("name", "Exportação do CRM")
	fw, _ := mw.CreateFormFile("file", "crm.csv")
	io.WriteString(fw, csv.String())
	mw.Close()
	up := api.do("POST", "/lists", mw.FormDataContentType(), &buf)
	if up.status != 202 {
		t.Fatalf("upload: got %d %s", up.status, up.body)
	}
	listID := int64(up.object(t)["id"].(float64))
	list := waitFor(t, 20*time.Second, func() (map[string]any, bool) {
		l := api.json("GET", fmt.Sprintf("/lists/%d", listID), "").object(t)
		return l, l["state"] != "importing"
	})
	if list["state"] != "ready" || list["valid"].(float64) != 40 {
		t.Fatalf("got list %v, want 40 valid recipients", list)
	}

	// Campaign: create with list, message and schedule; launch.
	create := fmt.Sprintf(`{"name":"Campanha do CRM","channel":"sms","list_id":%d,"message":"Oi {{nome}}, seu pedido {{pedido}} saiu para entrega","schedule":{"send_now":true}}`, listID)
	c := api.json("POST", "/campaigns", create, "Idempotency-Key", "crm-campanha-1")
	if c.status != 201 {
		t.Fatalf("create: got %d %s", c.status, c.body)
	}
	id := int64(c.object(t)["id"].(float64))
	if l := api.json("POST", fmt.Sprintf("/campaigns/%d/launch", id), ""); l.status != 200 {
		t.Fatalf("launch: got %d %s", l.status, l.body)
	}
	waitFor(t, 60*time.Second, func() (map[string]any, bool) {
		p := api.json("GET", fmt.Sprintf("/campaigns/%d/progress", id), "").object(t)
		return p, p["state"] == "completed"
	})
	// The report is complete when no accepted message waits for a status.
	rep := waitFor(t, 30*time.Second, func() (map[string]any, bool) {
		r := api.json("GET", fmt.Sprintf("/campaigns/%d/report", id), "").object(t)
		return r, r["awaiting"].(float64) == 0 && r["queued"].(float64) == 0
	})
	delivered := 0.0
	for _, st := range rep["funnel"].([]any) {
		if st.(map[string]any)["key"] == "delivered" {
			delivered = st.(map[string]any)["n"].(float64)
		}
	}
	if rep["recipients"].(float64) != 40 || delivered == 0 {
		t.Errorf("got report %v, want 40 recipients, some delivered", rep)
	}
	results := api.json("GET", fmt.Sprintf("/campaigns/%d/messages?limit=25", id), "").object(t)
	if len(results["data"].([]any)) != 25 || results["next_cursor"] == nil {
		t.Errorf("got %d results and cursor %v, want a page of 25 and a cursor", len(results["data"].([]any)), results["next_cursor"])
	}

	// The "order confirmed" message, sent twice with one key.
	order := `{"channel":"sms","to":"+55 11 98123-4567","text":"Seu pedido 98765 foi confirmado!","correlation_id":"pedido-98765"}`
	first := api.json("POST", "/messages", order, "Idempotency-Key", "pedido-98765-confirmado")
	second := api.json("POST", "/messages", order, "Idempotency-Key", "pedido-98765-confirmado")
	if first.status != 202 || second.status != 202 || !bytes.Equal(first.body, second.body) || second.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("send twice: got %d %s and %d %s, want the same 202 answer replayed", first.status, first.body, second.status, second.body)
	}
	msgID := first.object(t)["id"].(string)
	waitFor(t, 30*time.Second, func() (map[string]any, bool) {
		m := api.json("GET", "/messages/"+msgID, "").object(t)
		return m, m["outcome"] == "delivered" || m["outcome"] == "read" || m["outcome"] == "sent-no-receipt"
	})
	conv := api.json("GET", "/inbox/5511981234567", "").object(t)
	outgoing := 0
	for _, m := range conv["messages"].([]any) {
		if m.(map[string]any)["direction"] == "out" {
			outgoing++
		}
	}
	if outgoing != 1 {
		t.Errorf("got %d messages sent to the number, want exactly 1 for two requests with one key", outgoing)
	}

	// The webhooks: signed, the first retried after its 500.
	waitFor(t, 40*time.Second, func() (map[string]any, bool) {
		rcv.mu.Lock()
		retried := rcv.retried
		got := map[string]any{"attempts": rcv.attempts, "retried": retried, "first": rcv.first}
		for _, ev := range rcv.events {
			got[ev["id"].(string)] = ev["type"]
		}
		rcv.mu.Unlock()
		ok := retried && rcv.has(outhook.ImportFinished, nil) &&
			rcv.has(outhook.CampaignStateChange, func(d map[string]any) bool { return d["to"] == "completed" }) &&
			rcv.has(outhook.MessageDelivered, func(d map[string]any) bool { return d["correlation_id"] == "pedido-98765" })
		return got, ok
	})
	rcv.mu.Lock()
	if rcv.badSig != 0 {
		t.Errorf("got %d deliveries with a bad signature", rcv.badSig)
	}
	rcv.mu.Unlock()
	goTo(t, page, s.URL+"/automation/webhooks")
	click(t, page, "link", hook.URL+"/arauto")
	must(t, expect.Locator(page.GetByText("HTTP 200").First()).ToBeVisible())
	shot(t, page, "api-webhook-log")

	// The contact book and a segment of it, through the API.
	contacts := api.json("GET", "/contacts?limit=10", "").object(t)
	if len(contacts["data"].([]any)) != 10 || contacts["next_cursor"] == nil {
		t.Errorf("contacts: got %d and cursor %v, want a page of 10 and a cursor", len(contacts["data"].([]any)), contacts["next_cursor"])
	}
	if ct := api.json("GET", "/contacts/11981011001", ""); ct.status != 200 || ct.object(t)["fields"].(map[string]any)["pedido"] != "5001" {
		t.Errorf("contact: got %d %s, want Cliente 1 with their order", ct.status, ct.body)
	}
	seg := api.json("POST", "/segments", `{"name":"Pedidos 500x","rules":[{"kind":"attr","field":"pedido","op":"in","values":["5001","5002","5003"]}]}`,
		"Idempotency-Key", "segmento-1")
	if seg.status != 201 {
		t.Fatalf("segment: got %d %s", seg.status, seg.body)
	}
	if n := api.json("GET", fmt.Sprintf("/segments/%d/count", int64(seg.object(t)["id"].(float64))), "").object(t)["contacts"]; n != 3.0 {
		t.Errorf("segment count: got %v, want 3", n)
	}

	// The audit page lists every one of those actions, each by whom it
	// was done: the admin on the pages, the token by its name on the API.
	goTo(t, page, s.URL+"/audit")
	byToken := `Token da API “CRM da loja”`
	for _, want := range []struct{ action, label, actor string }{
		{"auth.sign_in", "Entrou", adminEmail},
		{"token.created", "Criou token da API", adminEmail},
		{"webhook.created", "Cadastrou webhook", adminEmail},
		{"list.uploaded", "Enviou lista", byToken},
		{"campaign.created", "Criou campanha", byToken},
		{"campaign.launched", "Lançou campanha", byToken},
		{"message.sent", "Enviou mensagem transacional", byToken},
		{"data.exported", "Exportou dados", byToken},
		{"segment.saved", "Salvou um segmento", byToken},
	} {
		row := page.Locator(fmt.Sprintf(`tbody tr[data-action=%q]`, want.action)).Filter(playwright.LocatorFilterOptions{HasText: want.actor}).First()
		must(t, expect.Locator(row).ToContainText(want.label))
	}
	// The token was created under its name.
	must(t, expect.Locator(page.Locator(`tbody tr[data-action="token.created"]`).First()).ToContainText("CRM da loja"))
	shot(t, page, "api-audit")
	if api.seen < 10 {
		t.Errorf("checked %d answers against the document, want every one of the journey's", api.seen)
	}
}

// waitFor polls until ok or the time is up.
func waitFor(t *testing.T, limit time.Duration, poll func() (map[string]any, bool)) map[string]any {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		v, ok := poll()
		if ok {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("not done after %v; last: %v", limit, v)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
