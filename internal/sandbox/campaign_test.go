package sandbox

import (
	"fmt"
	"net/http"
	"testing"
)

func TestCampaignAPI(t *testing.T) {
	s := newTestSandbox(t, Options{})
	create := func(body string, want int) campaignResponse {
		t.Helper()
		rec := call(t, s, http.MethodPost, "/api/v1/campaigns", body)
		wantCode(t, rec, want)
		var got campaignResponse
		decodeBody(t, rec, &got)
		return got
	}
	got := create(`{"campaign":{"name":"My Campaign","alias":"mycampaign"}}`, http.StatusCreated)
	if got.Status.Error || got.Campaign == nil || *got.Campaign != (campaignJSON{Name: "My Campaign", ID: 1, Alias: "mycampaign"}) {
		t.Fatalf("create = %+v, want campaign 1", got)
	}
	create(`{"name":"Flat fields","alias":"flat"}`, http.StatusCreated)
	create(`{"campaign":{"name":"No alias"}}`, http.StatusCreated)
	if e := create(`{"campaign":{"name":"Dup","alias":"mycampaign"}}`, http.StatusPreconditionFailed); !e.Status.Error || e.Status.Message == "" {
		t.Errorf("duplicate alias answer = %+v, want an error status", e)
	}
	create(`{"campaign":{"alias":"noname"}}`, http.StatusBadRequest)
	create(`{"campaign":{"name":"  "}}`, http.StatusBadRequest)
	create(`{"campaign":`, http.StatusBadRequest)

	for i := 4; i <= 12; i++ {
		create(fmt.Sprintf(`{"campaign":{"name":"Bulk %d","alias":"bulk%d"}}`, i, i), http.StatusCreated)
	}
	list := func(query string, wantHeaders [4]string, wantIDs ...int64) {
		t.Helper()
		rec := call(t, s, http.MethodGet, "/api/v1/campaigns"+query, "")
		wantCode(t, rec, http.StatusOK)
		got := [4]string{rec.Header().Get("page-number"), rec.Header().Get("per-page"), rec.Header().Get("total"), rec.Header().Get("total-pages")}
		if got != wantHeaders {
			t.Errorf("list%s headers = %v, want %v", query, got, wantHeaders)
		}
		var body campaignListResponse
		decodeBody(t, rec, &body)
		var ids []int64
		for _, c := range body.Campaigns {
			ids = append(ids, c.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(wantIDs) || body.Status.Error {
			t.Errorf("list%s ids = %v, want %v", query, ids, wantIDs)
		}
	}
	list("", [4]string{"1", "10", "12", "2"}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	list("?page=2", [4]string{"2", "10", "12", "2"}, 11, 12)
	list("?page=2&page_size=5", [4]string{"2", "5", "12", "3"}, 6, 7, 8, 9, 10)
	list("?name=bulk&page=1&page_size=3", [4]string{"1", "3", "9", "3"}, 4, 5, 6)
	list("?name=My%20Campaign", [4]string{"1", "10", "1", "1"}, 1)
	list("?name=zzz", [4]string{"1", "10", "0", "0"})
	list("?page=9", [4]string{"9", "10", "12", "2"})
	wantCode(t, call(t, s, http.MethodGet, "/api/v1/campaigns?page=0", ""), 400)
	wantCode(t, call(t, s, http.MethodGet, "/api/v1/campaigns?page_size=x", ""), 400)

	for _, path := range []string{"/api/v1/campaign/1", "/api/v1/campaigns/1"} {
		rec := call(t, s, http.MethodGet, path, "")
		wantCode(t, rec, http.StatusOK)
		var one campaignResponse
		decodeBody(t, rec, &one)
		if one.Campaign == nil || one.Campaign.Alias != "mycampaign" {
			t.Errorf("GET %s = %+v, want mycampaign", path, one)
		}
	}
	wantCode(t, call(t, s, http.MethodGet, "/api/v1/campaign/999", ""), 404)
	wantCode(t, call(t, s, http.MethodGet, "/api/v1/campaign/abc", ""), 400)

	rec := call(t, s, http.MethodPut, "/api/v1/campaigns/1", `{"campaign":{"name":"Renamed","alias":"renamed"}}`)
	wantCode(t, rec, http.StatusOK)
	var upd campaignResponse
	decodeBody(t, rec, &upd)
	if *upd.Campaign != (campaignJSON{Name: "Renamed", ID: 1, Alias: "renamed"}) {
		t.Errorf("update = %+v", upd.Campaign)
	}
	wantCode(t, call(t, s, http.MethodPut, "/api/v1/campaigns/1", `{"campaign":{"name":"Renamed","alias":"renamed"}}`), 200)
	wantCode(t, call(t, s, http.MethodPut, "/api/v1/campaigns/1", `{"campaign":{"name":"Clash","alias":"flat"}}`), 412)
	wantCode(t, call(t, s, http.MethodPut, "/api/v1/campaigns/1", `{"campaign":{"alias":"x"}}`), 400)
	wantCode(t, call(t, s, http.MethodPut, "/api/v1/campaigns/999", `{"campaign":{"name":"x"}}`), 404)
	// The old alias is free again.
	create(`{"campaign":{"name":"Reuse","alias":"mycampaign"}}`, http.StatusCreated)

	rec = call(t, s, http.MethodDelete, "/api/v1/campaigns/2", "")
	wantCode(t, rec, http.StatusOK)
	var del campaignResponse
	decodeBody(t, rec, &del)
	if del.Campaign == nil || del.Campaign.Alias != "flat" {
		t.Errorf("delete = %+v, want the deleted campaign", del)
	}
	wantCode(t, call(t, s, http.MethodDelete, "/api/v1/campaigns/2", ""), 404)
	create(`{"campaign":{"name":"Flat again","alias":"flat"}}`, http.StatusCreated)
	if got := len(s.Campaigns()); got != 13 {
		t.Errorf("Campaigns() has %d, want 13", got)
	}
}

func TestCampaignAliasTagsMessages(t *testing.T) {
	s := newTestSandbox(t, Options{})
	wantCode(t, call(t, s, http.MethodPost, "/api/v1/campaigns", `{"campaign":{"name":"Black Friday","alias":"bf"}}`), 201)
	wantCode(t, call(t, s, http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","campaignAlias":"bf"}`), 200)
	wantCode(t, call(t, s, http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","campaignAlias":"unknown"}`), 200)
	msgs := s.Messages()
	if msgs[0].CampaignID != 1 || msgs[0].CampaignAlias != "bf" {
		t.Errorf("registered alias: %+v, want campaign 1", msgs[0])
	}
	if msgs[1].CampaignID != 0 || msgs[1].CampaignAlias != "unknown" {
		t.Errorf("unregistered alias: %+v, want no campaign id", msgs[1])
	}
}
