package web

import (
	"context"
	"fmt"
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
	path := fmt.Sprintf("/lists/%d", l.ID)
	runHandlerTests(t, e, []handlerTest{
		{name: "delete while a campaign sends to it", as: "mkt@example.com", method: "POST", path: path + "/delete", want: 303, location: path},
		{name: "the list stays and says why", as: "mkt@example.com", method: "GET", path: path, want: 200,
			wantIn: []string{"Esta lista está em uma campanha agendada"}},
	})
	if err := e.store.CancelCampaign(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	runHandlerTests(t, e, []handlerTest{
		{name: "delete once the campaign is over", as: "mkt@example.com", method: "POST", path: path + "/delete", want: 303, location: "/lists"},
		{name: "the list is gone", as: "mkt@example.com", method: "GET", path: path, want: 404},
	})
}
