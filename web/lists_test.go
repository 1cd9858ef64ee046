package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/recipient"
	"arauto/internal/user"
)

// A list that an active campaign sends to cannot be deleted; once the
// campaign is over, it can.
func TestDeleteListInUseIsRefused(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	ctx := context.Background()
	l := &recipient.List{Name: "Clientes", FileName: "c.csv"}
	if err := e.store.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := e.store.FinishListImport(ctx, l.ID, recipient.Report{}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 1, Name: "c", Alias: "c", Channel: campaign.SMS, ListID: l.ID, Message: "oi", State: campaign.Scheduled, ScheduledAt: time.Now().Add(time.Hour)}
	if err := e.store.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.signIn("mkt@example.com")
	b.do("GET", fmt.Sprintf("/lists/%d", l.ID), nil)
	if r := b.post(fmt.Sprintf("/lists/%d/delete", l.ID), url.Values{}); r.status != 303 {
		t.Fatalf("delete got %d, want 303 back to the list", r.status)
	}
	if r := b.do("GET", fmt.Sprintf("/lists/%d", l.ID), nil); r.status != 200 || !strings.Contains(r.body, "Esta lista está em uma campanha agendada") {
		t.Errorf("list in use got %d, want it kept with the reason", r.status)
	}
	if err := e.store.CancelCampaign(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	b.do("GET", fmt.Sprintf("/lists/%d", l.ID), nil)
	if r := b.post(fmt.Sprintf("/lists/%d/delete", l.ID), url.Values{}); r.status != 303 || r.location != "/lists" {
		t.Errorf("delete after cancel got %d %q, want 303 /lists", r.status, r.location)
	}
}
