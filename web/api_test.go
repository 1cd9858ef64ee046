package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"arauto/internal/apitoken"
	"arauto/internal/audit"
	"arauto/internal/openapitest"
	"arauto/internal/user"
)

// The API's test suite runs against a real server on a loopback socket;
// every answer it sees is checked against the OpenAPI document.

var apiDoc *openapitest.Validator

func validator(t *testing.T) *openapitest.Validator {
	t.Helper()
	if apiDoc == nil {
		v, err := openapitest.New(OpenAPIDocument(), apiPrefix)
		if err != nil {
			t.Fatal(err)
		}
		apiDoc = v
	}
	return apiDoc
}

type apiEnv struct {
	*campaignEnv
	base string
}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	ce := newCampaignEnv(t)
	ce.addUser(t, "admin@example.com", user.Admin)
	return &apiEnv{campaignEnv: ce, base: ce.serve(t)}
}

// token makes a token of the user with that e-mail, as the admin page does.
func (e *apiEnv) token(t *testing.T, owner string, role user.Role, rate int, expires time.Time) (string, *apitoken.Token) {
	t.Helper()
	u, err := e.store.UserByEmail(context.Background(), owner)
	if err != nil {
		t.Fatal(err)
	}
	secret, hash := apitoken.NewSecret()
	tok := &apitoken.Token{Name: "crm-" + string(role), Hint: apitoken.Hint(secret), Role: role, OwnerID: u.ID, RatePerMinute: rate,
		CreatedAt: e.clock.now(), ExpiresAt: expires}
	if err := e.store.CreateToken(context.Background(), tok, hash); err != nil {
		t.Fatal(err)
	}
	return secret, tok
}

type apiAnswer struct {
	status int
	header http.Header
	body   []byte
}

func (a apiAnswer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v: %s", a.status, err, a.body)
	}
	return m
}

// errorOf returns the error's code and field.
func (a apiAnswer) errorOf(t *testing.T) (code, field string) {
	t.Helper()
	e, ok := a.json(t)["error"].(map[string]any)
	if !ok {
		t.Fatalf("answer %d has no error object: %s", a.status, a.body)
	}
	return e["code"].(string), e["field"].(string)
}

// call makes one request and checks the answer against the document.
func (e *apiEnv) call(t *testing.T, secret, method, path string, body any, hdr ...string) apiAnswer {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		raw, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.send(t, req)
}

func (e *apiEnv) send(t *testing.T, req *http.Request) apiAnswer {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 20 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := apiAnswer{status: resp.StatusCode, header: resp.Header, body: b}
	v := validator(t)
	switch {
	case req.URL.Path == apiPrefix+"/openapi.json" || !strings.HasPrefix(req.URL.Path, apiPrefix+"/"):
	case !v.Documented(req.URL.Path):
		if err := v.CheckSchema("Error", b); err != nil {
			t.Error(err)
		}
	default:
		if err := v.Check(req.Method, req.URL.RequestURI(), resp.StatusCode, resp.Header.Get("Content-Type"), b); err != nil {
			t.Error(err)
		}
	}
	return a
}

// upload posts a file to /api/v1/lists.
func (e *apiEnv) upload(t *testing.T, secret, name, content string, fields ...string) apiAnswer {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, content)
	mw.Close()
	req, _ := http.NewRequest("POST", e.base+apiPrefix+"/lists", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+secret)
	return e.send(t, req)
}

func TestOpenAPIDocumentIsServedAndCompiles(t *testing.T) {
	e := newAPIEnv(t)
	a := e.call(t, "", "GET", apiPrefix+"/openapi.json", nil)
	if a.status != 200 || !bytes.Equal(a.body, OpenAPIDocument()) {
		t.Fatalf("got %d, want 200 and the document", a.status)
	}
	v := validator(t)
	// Every operation's answers compile as schemas.
	var d struct {
		Paths map[string]map[string]json.RawMessage
	}
	json.Unmarshal(OpenAPIDocument(), &d)
	ops := 0
	for _, item := range d.Paths {
		for m := range item {
			if m != "parameters" {
				ops++
			}
		}
	}
	if ops < 30 {
		t.Errorf("got %d operations, want the whole API (30 or more)", ops)
	}
	if err := v.Check("GET", apiPrefix+"/campaigns/1", 404, "application/json", []byte(`{"error":{"code":"not_found","message":"x","field":"id"}}`)); err != nil {
		t.Error(err)
	}
	if err := v.Check("GET", apiPrefix+"/campaigns/1", 200, "application/json", []byte(`{"id":"one"}`)); err == nil {
		t.Error("a campaign with a string id passed the document's check")
	}
}

// TestAPIErrorsNameTheField: every refusal has the error shape with a
// machine code and the field at fault, in the language asked for.
func TestAPIErrorsNameTheField(t *testing.T) {
	e := newAPIEnv(t)
	secret, _ := e.token(t, marketer, user.Marketer, 0, time.Time{})
	viewerSecret, _ := e.token(t, viewer, user.Viewer, 0, time.Time{})
	tests := []struct {
		name         string
		secret       string
		method, path string
		body         any
		hdr          []string
		status       int
		code, field  string
	}{
		{"no token", "", "GET", "/campaigns", nil, nil, 401, "unauthorized", "Authorization"},
		{"unknown token", "arauto_" + strings.Repeat("A", 43), "GET", "/campaigns", nil, nil, 401, "unauthorized", "Authorization"},
		{"viewer may not create", viewerSecret, "POST", "/campaigns", `{"name":"X","channel":"sms"}`, nil, 403, "forbidden", "Authorization"},
		{"not json", secret, "POST", "/messages", `{"channel":`, nil, 400, "invalid_json", "body"},
		{"unknown field", secret, "POST", "/messages", `{"channel":"sms","to":"11999998888","text":"oi","cc":"x"}`, nil, 400, "unknown_field", "cc"},
		{"wrong type", secret, "POST", "/messages", `{"channel":"sms","to":11999998888,"text":"oi"}`, nil, 400, "invalid_type", "to"},
		{"bad phone", secret, "POST", "/messages", `{"channel":"sms","to":"123","text":"oi"}`, nil, 422, "validation_failed", "to"},
		{"no text", secret, "POST", "/messages", `{"channel":"sms","to":"11999998888"}`, nil, 422, "validation_failed", "text"},
		{"bad channel", secret, "POST", "/messages", `{"channel":"fax","to":"11999998888"}`, nil, 422, "validation_failed", "channel"},
		{"template lacks a name", secret, "POST", "/messages", `{"channel":"whatsapp","to":"11999998888","template":{"namespace":"ns","language_code":"pt_BR"}}`, nil, 422, "validation_failed", "template.element_name"},
		{"long correlation id", secret, "POST", "/messages", `{"channel":"sms","to":"11999998888","text":"oi","correlation_id":"` + strings.Repeat("x", 65) + `"}`, nil, 422, "validation_failed", "correlation_id"},
		{"bad idempotency key", secret, "POST", "/messages", `{}`, []string{"Idempotency-Key", "has space"}, 400, "invalid_idempotency_key", "Idempotency-Key"},
		{"missing campaign", secret, "GET", "/campaigns/999", nil, nil, 404, "not_found", "id"},
		{"bad cursor", secret, "GET", "/campaigns?cursor=!!", nil, nil, 400, "invalid_parameter", "cursor"},
		{"bad limit", secret, "GET", "/campaigns?limit=100000", nil, nil, 400, "invalid_parameter", "limit"},
		{"campaign without name", secret, "POST", "/campaigns", `{"channel":"sms"}`, nil, 422, "validation_failed", "name"},
		{"template body missing", secret, "POST", "/templates", `{"name":"Boas-vindas"}`, nil, 422, "validation_failed", "body"},
		{"suppression bad phone", secret, "POST", "/suppressions", `{"phone":"12"}`, nil, 422, "validation_failed", "phone"},
		{"json as text", secret, "POST", "/templates", nil, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", "Content-Type"},
		{"no such route", secret, "GET", "/nothing-here", nil, nil, 404, "not_found", "path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.call(t, tt.secret, tt.method, apiPrefix+tt.path+"?lang=en", tt.body, tt.hdr...)
			if strings.Contains(tt.path, "?") {
				a = e.call(t, tt.secret, tt.method, apiPrefix+tt.path+"&lang=en", tt.body, tt.hdr...)
			}
			if a.status != tt.status {
				t.Fatalf("got %d, want %d: %s", a.status, tt.status, a.body)
			}
			code, field := a.errorOf(t)
			if code != tt.code || field != tt.field {
				t.Errorf("got code %q field %q, want %q %q: %s", code, field, tt.code, tt.field, a.body)
			}
		})
	}
	// The message is in the language asked for.
	pt := e.call(t, secret, "POST", apiPrefix+"/messages", `{"channel":"sms","to":"11999998888"}`, "Accept-Language", "pt-BR")
	en := e.call(t, secret, "POST", apiPrefix+"/messages?lang=en", `{"channel":"sms","to":"11999998888"}`)
	if !strings.Contains(string(pt.body), "obrigatório") || !strings.Contains(string(en.body), "Required") {
		t.Errorf("got %s and %s, want the message in Portuguese, then English", pt.body, en.body)
	}
}

func TestTokensAreRefusedWhenExpiredRevokedOrTheirOwnerDisabled(t *testing.T) {
	e := newAPIEnv(t)
	good, _ := e.token(t, marketer, user.Marketer, 0, time.Time{})
	expired, _ := e.token(t, marketer, user.Marketer, 0, e.clock.now().Add(time.Hour))
	revoked, rt := e.token(t, marketer, user.Marketer, 0, time.Time{})
	e.addUser(t, "leaver@example.com", user.Admin)
	leaver, _ := e.token(t, "leaver@example.com", user.Admin, 0, time.Time{})
	if a := e.call(t, expired, "GET", apiPrefix+"/campaigns", nil); a.status != 200 {
		t.Fatalf("a token before its expiry: got %d, want 200", a.status)
	}
	e.clock.add(2 * time.Hour)
	if err := e.store.RevokeToken(context.Background(), rt.ID, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	u, _ := e.store.UserByEmail(context.Background(), "leaver@example.com")
	if err := e.store.SetUserDisabled(context.Background(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	for name, secret := range map[string]string{"expired": expired, "revoked": revoked, "owner disabled": leaver} {
		if a := e.call(t, secret, "GET", apiPrefix+"/campaigns", nil); a.status != 401 {
			t.Errorf("%s token: got %d, want 401", name, a.status)
		}
	}
	if a := e.call(t, good, "GET", apiPrefix+"/campaigns", nil); a.status != 200 {
		t.Errorf("good token: got %d, want 200", a.status)
	}
}

// TestTokenRoleIsCappedByItsOwner: an admin token of a person demoted to
// viewer only reads.
func TestTokenRoleIsCappedByItsOwner(t *testing.T) {
	e := newAPIEnv(t)
	e.addUser(t, "boss@example.com", user.Admin)
	secret, _ := e.token(t, "boss@example.com", user.Admin, 0, time.Time{})
	u, _ := e.store.UserByEmail(context.Background(), "boss@example.com")
	if err := e.store.SetUserRole(context.Background(), u.ID, user.Viewer); err != nil {
		t.Fatal(err)
	}
	if a := e.call(t, secret, "POST", apiPrefix+"/templates", `{"name":"x","body":"oi"}`); a.status != 403 {
		t.Errorf("got %d, want 403 for a token whose owner is now a viewer", a.status)
	}
}

// TestTokensAndCookiesStayOnTheirSide: a token opens no page, and a
// signed-in browser's cookie opens no API route.
func TestTokensAndCookiesStayOnTheirSide(t *testing.T) {
	e := newAPIEnv(t)
	secret, _ := e.token(t, "admin@example.com", user.Admin, 0, time.Time{})
	req, _ := http.NewRequest("GET", e.base+"/campaigns", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	if a := e.send(t, req); a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/login") {
		t.Errorf("a token on a page: got %d to %q, want a redirect to sign in", a.status, a.header.Get("Location"))
	}
	// Sign in for real and use the cookie on the API.
	b := e.browser(t)
	b.signIn("admin@example.com")
	var cookies []string
	for k, v := range b.cookies {
		cookies = append(cookies, k+"="+v)
	}
	req, _ = http.NewRequest("GET", e.base+apiPrefix+"/campaigns", nil)
	req.Header.Set("Cookie", strings.Join(cookies, "; "))
	if a := e.send(t, req); a.status != 401 {
		t.Errorf("a session cookie on the API: got %d, want 401", a.status)
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	e := newAPIEnv(t)
	secret, _ := e.token(t, marketer, user.Marketer, 60, time.Time{})
	var limited apiAnswer
	for range 30 {
		if a := e.call(t, secret, "GET", apiPrefix+"/templates", nil); a.status == 429 {
			limited = a
			break
		}
	}
	if limited.status != 429 {
		t.Fatal("30 requests at once on a 60-a-minute token were all let through")
	}
	if got := limited.header.Get("Retry-After"); got != "1" {
		t.Errorf("got Retry-After %q, want 1", got)
	}
	if code, _ := limited.errorOf(t); code != "rate_limited" {
		t.Errorf("got code %q, want rate_limited", code)
	}
	other, _ := e.token(t, marketer, user.Marketer, 60, time.Time{})
	if a := e.call(t, other, "GET", apiPrefix+"/templates", nil); a.status != 200 {
		t.Errorf("another token: got %d, want 200 (limits are per token)", a.status)
	}
}

// TestOversizedUploadRefusedBeforeItIsRead announces a 50 MB body and
// sends only its first 16 KB (the server reads headers and at most the
// first 8 KB before routing): the 413 comes without the rest.
func TestOversizedUploadRefusedBeforeItIsRead(t *testing.T) {
	e := newAPIEnv(t)
	secret, _ := e.token(t, marketer, user.Marketer, 0, time.Time{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s/lists HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n",
		apiPrefix, secret, 50<<20)
	conn.Write(bytes.Repeat([]byte("x"), 16<<10))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !strings.Contains(string(body), `"field":"file"`) {
		t.Fatalf("got %d %s, want 413 naming the file", resp.StatusCode, body)
	}
	if err := validator(t).Check("POST", apiPrefix+"/lists", resp.StatusCode, resp.Header.Get("Content-Type"), body); err != nil {
		t.Error(err)
	}
}

// TestTransactionalSendReplaysTheFirstAnswer: the same key twice gives the
// first answer, byte for byte, and one message; the key with another body
// is refused.
func TestTransactionalSendReplaysTheFirstAnswer(t *testing.T) {
	e := newAPIEnv(t)
	secret, _ := e.token(t, marketer, user.Marketer, 0, time.Time{})
	body := `{"channel":"sms","to":"(11) 99999-8888","text":"Pedido 123 confirmado","correlation_id":"order-123"}`
	first := e.call(t, secret, "POST", apiPrefix+"/messages", body, "Idempotency-Key", "order-123-confirmed")
	if first.status != 202 {
		t.Fatalf("got %d %s, want 202", first.status, first.body)
	}
	again := e.call(t, secret, "POST", apiPrefix+"/messages", body, "Idempotency-Key", "order-123-confirmed")
	if again.status != 202 || !bytes.Equal(again.body, first.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: got %d %s (replayed %q), want the first answer %s", again.status, again.body, again.header.Get("Idempotent-Replayed"), first.body)
	}
	// The audit entry is written in the message's own transaction: one
	// entry is one message.
	sends, err := e.store.AuditEntries(context.Background(), audit.Filter{Action: audit.MessageSent})
	if err != nil || len(sends) != 1 {
		t.Fatalf("got %d messages stored (%v), want 1", len(sends), err)
	}
	other := e.call(t, secret, "POST", apiPrefix+"/messages", strings.Replace(body, "123", "124", 2), "Idempotency-Key", "order-123-confirmed")
	if code, field := other.errorOf(t); other.status != 422 || code != "idempotency_key_reused" || field != "Idempotency-Key" {
		t.Errorf("key with another body: got %d %s %s, want 422 idempotency_key_reused", other.status, code, field)
	}
	sent := first.json(t)
	got := e.call(t, secret, "GET", apiPrefix+"/messages/"+sent["id"].(string), nil).json(t)
	if got["correlation_id"] != "order-123" || got["to"] != "5511999998888" || got["status"] != "queued" {
		t.Errorf("got %v, want the message queued to 5511999998888 with its correlation id", got)
	}
	// The hidden stream is no campaign or list of the pages or the API.
	cs := e.call(t, secret, "GET", apiPrefix+"/campaigns", nil).json(t)
	if len(cs["data"].([]any)) != 0 {
		t.Errorf("got %v, want the transactional stream hidden from the campaigns", cs["data"])
	}
}

// TestCampaignThroughTheAPI creates, fills, schedules and launches a
// campaign with the API alone, with the same checks as the pages.
func TestCampaignThroughTheAPI(t *testing.T) {
	e := newAPIEnv(t)
	secret, _ := e.token(t, marketer, user.Marketer, 0, time.Time{})
	up := e.upload(t, secret, "clientes.csv", "nome;celular\nAna;11999990001\nBia;11999990002\nCris;123\n", "name", "Clientes")
	if up.status != 202 {
		t.Fatalf("upload: got %d %s", up.status, up.body)
	}
	listID := int64(up.json(t)["id"].(float64))
	var list map[string]any
	for range 100 {
		list = e.call(t, secret, "GET", fmt.Sprintf("%s/lists/%d", apiPrefix, listID), nil).json(t)
		if list["state"] != "importing" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if list["state"] != "ready" || list["valid"].(float64) != 2 || list["invalid"].(float64) != 1 {
		t.Fatalf("got list %v, want ready with 2 valid and 1 invalid", list)
	}
	rows := e.call(t, secret, "GET", fmt.Sprintf("%s/lists/%d/rows?limit=1", apiPrefix, listID), nil).json(t)
	if len(rows["data"].([]any)) != 1 || rows["next_cursor"] == nil {
		t.Fatalf("got rows %v, want one and a cursor", rows)
	}
	next := e.call(t, secret, "GET", fmt.Sprintf("%s/lists/%d/rows?limit=1&cursor=%s", apiPrefix, listID, rows["next_cursor"]), nil).json(t)
	if r := next["data"].([]any); len(r) != 1 || r[0].(map[string]any)["fields"].(map[string]any)["nome"] != "Bia" || next["next_cursor"] != nil {
		t.Fatalf("got second page %v, want Bia and no cursor", next)
	}
	create := fmt.Sprintf(`{"name":"Black Friday","channel":"sms","list_id":%d,"message":"Oi {{nome}}, 20%% off hoje","schedule":{"send_now":true}}`, listID)
	c := e.call(t, secret, "POST", apiPrefix+"/campaigns", create, "Idempotency-Key", "bf-1")
	if c.status != 201 {
		t.Fatalf("create: got %d %s", c.status, c.body)
	}
	replay := e.call(t, secret, "POST", apiPrefix+"/campaigns", create, "Idempotency-Key", "bf-1")
	if !bytes.Equal(replay.body, c.body) || len(e.local(t)) != 1 {
		t.Fatalf("a replayed create made %d campaigns, want 1", len(e.local(t)))
	}
	cp := c.json(t)
	id := int64(cp["id"].(float64))
	if cp["alias"] == "" || cp["list_id"].(float64) != float64(listID) {
		t.Fatalf("got %v, want an alias and the list", cp)
	}
	bad := e.call(t, secret, "PATCH", fmt.Sprintf("%s/campaigns/%d", apiPrefix, id), `{"message":"Oi {{sobrenome}}"}`)
	if code, field := bad.errorOf(t); bad.status != 422 || field != "message" {
		t.Errorf("a placeholder the list lacks: got %d %s %s, want 422 on message", bad.status, code, field)
	}
	l := e.call(t, secret, "POST", fmt.Sprintf("%s/campaigns/%d/launch", apiPrefix, id), nil)
	if l.status != 200 || l.json(t)["state"] != "scheduled" {
		t.Fatalf("launch: got %d %s, want scheduled", l.status, l.body)
	}
	if again := e.call(t, secret, "POST", fmt.Sprintf("%s/campaigns/%d/launch", apiPrefix, id), nil); again.status != 409 {
		t.Errorf("launch twice: got %d, want 409", again.status)
	}
	d := e.call(t, secret, "POST", fmt.Sprintf("%s/campaigns/%d/duplicate", apiPrefix, id), nil)
	if d.status != 201 || d.json(t)["state"] != "draft" || d.json(t)["message"] != "Oi {{nome}}, 20% off hoje" {
		t.Errorf("duplicate: got %d %s, want a draft with the message", d.status, d.body)
	}
	for _, p := range []string{"progress", "report", "messages"} {
		if a := e.call(t, secret, "GET", fmt.Sprintf("%s/campaigns/%d/%s", apiPrefix, id, p), nil); a.status != 200 {
			t.Errorf("%s: got %d %s", p, a.status, a.body)
		}
	}
	if a := e.call(t, secret, "POST", fmt.Sprintf("%s/campaigns/%d/cancel", apiPrefix, id), nil); a.status != 200 || a.json(t)["state"] != "cancelled" {
		t.Errorf("cancel: got %d %s", a.status, a.body)
	}
	var actions []string
	rows2, err := e.store.AuditEntries(context.Background(), audit.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows2 {
		if r.Actor.Name == "crm-marketer" {
			actions = append(actions, string(r.Action))
		}
	}
	for _, want := range []string{"list.uploaded", "campaign.created", "campaign.launched", "campaign.duplicated", "campaign.cancelled"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("the audit log lacks %s by the token; it has %v", want, actions)
		}
	}
}

func TestSuppressionAndTemplatesThroughTheAPI(t *testing.T) {
	e := newAPIEnv(t)
	secret, _ := e.token(t, marketer, user.Marketer, 0, time.Time{})
	if a := e.call(t, secret, "GET", apiPrefix+"/suppressions/11988887777", nil); a.status != 200 || a.json(t)["suppressed"] != false {
		t.Fatalf("check: got %d %s", a.status, a.body)
	}
	if a := e.call(t, secret, "POST", apiPrefix+"/suppressions", `{"phone":"(11) 98888-7777","note":"pediu pelo SAC"}`); a.status != 201 {
		t.Fatalf("add: got %d %s", a.status, a.body)
	}
	if a := e.call(t, secret, "GET", apiPrefix+"/suppressions/5511988887777", nil); a.json(t)["suppressed"] != true {
		t.Fatalf("check after add: got %s", a.body)
	}
	sent := e.call(t, secret, "POST", apiPrefix+"/messages", `{"channel":"sms","to":"11988887777","text":"oi"}`).json(t)
	if sent["status"] != "suppressed" {
		t.Errorf("a message to a blocked number: got %v, want suppressed (never sent)", sent)
	}
	if a := e.call(t, secret, "DELETE", apiPrefix+"/suppressions/5511988887777", nil); a.status != 204 {
		t.Fatalf("remove: got %d %s", a.status, a.body)
	}
	tpl := e.call(t, secret, "POST", apiPrefix+"/templates", `{"name":"Boas-vindas","body":"Olá!"}`)
	if tpl.status != 201 {
		t.Fatalf("template: got %d %s", tpl.status, tpl.body)
	}
	id := int64(tpl.json(t)["id"].(float64))
	if a := e.call(t, secret, "PATCH", fmt.Sprintf("%s/templates/%d", apiPrefix, id), `{"body":"Olá de novo!"}`); a.status != 200 || a.json(t)["body"] != "Olá de novo!" {
		t.Errorf("update: got %d %s", a.status, a.body)
	}
	if a := e.call(t, secret, "GET", apiPrefix+"/templates", nil); len(a.json(t)["data"].([]any)) != 1 {
		t.Errorf("list: got %s", a.body)
	}
	if a := e.call(t, secret, "DELETE", fmt.Sprintf("%s/templates/%d", apiPrefix, id), nil); a.status != 204 {
		t.Errorf("delete: got %d", a.status)
	}
	if a := e.call(t, secret, "GET", apiPrefix+"/inbox", nil); a.status != 200 {
		t.Errorf("inbox: got %d %s", a.status, a.body)
	}
	if a := e.call(t, secret, "GET", apiPrefix+"/inbox/11988887777", nil); a.status != 200 {
		t.Errorf("conversation: got %d %s", a.status, a.body)
	}
}
