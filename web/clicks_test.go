package web

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/clicks"
	"arauto/internal/recipient"
)

// TestShortLinkRedirectsAndRecords: a short link of a tracked campaign
// answers 302 to the link as written and its click is recorded (previews
// apart by user agent); anything else is the same plain 404, however the
// code is wrong, and the links of a deleted campaign keep working.
func TestShortLinkRedirectsAndRecords(t *testing.T) {
	e := newTestServer(t)
	ctx := context.Background()
	l := &recipient.List{Name: "Dois", FileName: "dois.csv"}
	if err := e.store.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := e.store.AddRecipients(ctx, l.ID, []recipient.Recipient{{Row: 2, Phone: "5511988887777"}, {Row: 3, Phone: "5521977776666"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.FinishListImport(ctx, l.ID, recipient.Report{Rows: 2, Valid: 2}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 77, Name: "Links", Alias: "links", Channel: campaign.SMS, State: campaign.Draft, ListID: l.ID,
		Message: "Veja https://loja.example.com/a"}
	if err := e.store.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SaveTrackedLinks(ctx, c.ID, []string{"https://loja.example.com/a"}, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	if err := e.store.LaunchCampaign(ctx, c.ID, e.clock.now(), 2, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	if err := e.store.StartCampaign(ctx, c.ID, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	sets, err := e.store.LinkSets(ctx)
	if err != nil || len(sets) != 1 {
		t.Fatalf("link sets got %+v %v, want the campaign's", sets, err)
	}
	first := sets[0].First
	links := e.srv.clicks.links
	get := func(path, ua string) (int, string, string) {
		t.Helper()
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("User-Agent", ua)
		resp, err := e.srv.app.Test(req, 5000)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(b)
	}
	code := links.Code(first, 0)
	if st, loc, _ := get("/r/"+code, "Mozilla/5.0 (iPhone)"); st != 302 || loc != "https://loja.example.com/a" {
		t.Fatalf("short link got %d to %q, want 302 to the link", st, loc)
	}
	get("/r/"+code, "Mozilla/5.0 (iPhone)")
	get("/r/"+links.Code(first+1, 0), "WhatsApp/2.24")
	// Clicks are written in batches, away from the redirect.
	e.srv.clicks.recorder.Flush(ctx, true)
	counts, err := e.store.CampaignCounters(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts["r:clicked"] != 1 || counts["r:clicks"] != 2 || counts["r:previews"] != 1 {
		t.Errorf("counters got clicked %d clicks %d previews %d, want 1, 2 and 1", counts["r:clicked"], counts["r:clicks"], counts["r:previews"])
	}
	_, _, gone := get("/r/"+strings.Repeat("A", clicks.CodeLen), "")
	for _, bad := range []string{"/r/x", "/r/" + code[:len(code)-1] + "B", "/r/" + links.Code(first, 1), "/r/" + links.Code(5000, 0)} {
		st, loc, body := get(bad, "Mozilla/5.0")
		if st != 404 || loc != "" || !strings.Contains(body, "Este link não existe ou já expirou.") {
			t.Errorf("%s got %d %q %q, want the plain 404", bad, st, loc, body)
		}
		if body != gone {
			t.Errorf("%s: the 404 differs from another's, a hint for guessing", bad)
		}
	}
	// Deleted, the campaign's link keeps leading until it expires.
	if err := e.store.DeleteCampaign(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	e.srv.clicks.resolver.Forget()
	if st, _, _ := get("/r/"+code, "Mozilla/5.0"); st != 302 {
		t.Errorf("link of a deleted campaign got %d, want 302", st)
	}
	e.clock.add(time.Duration(clicks.DefaultExpiryDays+1) * 24 * time.Hour)
	e.srv.clicks.resolver.Forget()
	if st, _, _ := get("/r/"+code, "Mozilla/5.0"); st != 404 {
		t.Errorf("expired link got %d, want 404", st)
	}
}
