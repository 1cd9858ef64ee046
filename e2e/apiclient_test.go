package e2e

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"arauto/internal/apiclient"
)

// TestGeneratedClient drives the console through a Go client generated
// from /api/v1/openapi.json by oapi-codegen, as an integrator would: a
// token, an upload, a campaign created and launched, its report, and a
// transactional send whose idempotency key is replayed.
func TestGeneratedClient(t *testing.T) {
	dir := t.TempDir()
	secret := seedToken(t, dir)
	s := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0"}, listeningRE)
	ctx := context.Background()
	api, err := apiclient.NewClientWithResponses(s.URL+"/api/v1", apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+secret)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	key := func(k string) *apiclient.IdempotencyKey { return &k }

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("name", "Clientes do e-commerce")
	fw, _ := mw.CreateFormFile("file", "clientes.csv")
	fmt.Fprint(fw, "nome;celular\n")
	for i := range 12 {
		fmt.Fprintf(fw, "Cliente %d;(11) 9%04d-%04d\n", i, 8300+i, 2000+i)
	}
	mw.Close()
	up, err := api.UploadListWithBodyWithResponse(ctx, &apiclient.UploadListParams{IdempotencyKey: key("upload-1")}, mw.FormDataContentType(), &buf)
	if err != nil || up.JSON202 == nil {
		t.Fatalf("upload: %v, got %d %s", err, up.StatusCode(), up.Body)
	}
	var list *apiclient.List
	for end := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		l, err := api.GetListWithResponse(ctx, up.JSON202.Id)
		if err != nil || l.JSON200 == nil {
			t.Fatalf("list: %v, got %d %s", err, l.StatusCode(), l.Body)
		}
		if list = l.JSON200; list.State != apiclient.ListStateImporting || time.Now().After(end) {
			break
		}
	}
	if list.State != apiclient.ListStateReady || list.Valid != 12 {
		t.Fatalf("got list %+v, want 12 valid recipients", list)
	}

	message, now := "Oi {{nome}}, chegou a sua vez!", true
	c, err := api.CreateCampaignWithResponse(ctx, &apiclient.CreateCampaignParams{IdempotencyKey: key("campanha-1")}, apiclient.CampaignCreate{
		Name: "Pelo cliente gerado", Channel: apiclient.CampaignCreateChannelSms, ListId: &list.Id, Message: &message, Schedule: &apiclient.Schedule{SendNow: &now}})
	if err != nil || c.JSON201 == nil {
		t.Fatalf("create: %v, got %d %s", err, c.StatusCode(), c.Body)
	}
	l, err := api.LaunchCampaignWithResponse(ctx, c.JSON201.Id, &apiclient.LaunchCampaignParams{IdempotencyKey: key("lancar-1")})
	if err != nil || l.JSON200 == nil {
		t.Fatalf("launch: %v, got %d %s", err, l.StatusCode(), l.Body)
	}
	var rep *apiclient.Report
	for end := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		p, err := api.CampaignProgressWithResponse(ctx, c.JSON201.Id)
		if err != nil || p.JSON200 == nil {
			t.Fatalf("progress: %v, got %d %s", err, p.StatusCode(), p.Body)
		}
		r, err := api.CampaignReportWithResponse(ctx, c.JSON201.Id)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("report: %v, got %d %s", err, r.StatusCode(), r.Body)
		}
		rep = r.JSON200
		if p.JSON200.State == "completed" && rep.Awaiting == 0 && rep.Queued == 0 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("not sent after 60 s: progress %+v, report %+v", p.JSON200, rep)
		}
	}
	delivered := int64(0)
	for _, f := range rep.Funnel {
		if f.Key == "delivered" {
			delivered = f.N
		}
	}
	if rep.Recipients != 12 || delivered == 0 {
		t.Errorf("got report of %d recipients, %d delivered; want 12, some delivered", rep.Recipients, delivered)
	}

	text, corr := "Seu pedido 4321 foi confirmado!", "pedido-4321"
	order := apiclient.SendMessage{Channel: apiclient.SendMessageChannelSms, To: "+55 11 98300-9999", Text: &text, CorrelationId: &corr}
	first, err := api.SendMessageWithResponse(ctx, &apiclient.SendMessageParams{IdempotencyKey: key("pedido-4321")}, order)
	if err != nil || first.JSON202 == nil {
		t.Fatalf("send: %v, got %d %s", err, first.StatusCode(), first.Body)
	}
	again, err := api.SendMessageWithResponse(ctx, &apiclient.SendMessageParams{IdempotencyKey: key("pedido-4321")}, order)
	if err != nil || again.JSON202 == nil || again.JSON202.Id != first.JSON202.Id || again.HTTPResponse.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %v, got %d %s, want the first answer (%s) replayed", err, again.StatusCode(), again.Body, first.JSON202.Id)
	}
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		m, err := api.GetMessageWithResponse(ctx, first.JSON202.Id)
		if err != nil || m.JSON200 == nil {
			t.Fatalf("message: %v, got %d %s", err, m.StatusCode(), m.Body)
		}
		if o := m.JSON200.Outcome; o == "delivered" || o == "read" || o == "sent-no-receipt" {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("the message was not delivered after 30 s: %+v", m.JSON200)
		}
	}
	conv, err := api.GetConversationWithResponse(ctx, "5511983009999")
	if err != nil || conv.JSON200 == nil {
		t.Fatalf("conversation: %v, got %d %s", err, conv.StatusCode(), conv.Body)
	}
	if n := len(conv.JSON200.Messages); n != 1 {
		t.Errorf("got %d messages sent to the number, want exactly 1 for two requests with one key", n)
	}
}
