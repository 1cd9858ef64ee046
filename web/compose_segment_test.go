package web

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"arauto/internal/contact"
	"arauto/internal/segment"
)

// TestComposerWithSegmentAudience: a campaign whose audience is a segment
// (not frozen until launch) gets the same composer as one with a list —
// the contact fields to insert, the live count walking every contact the
// segment selects now, its longest message as the sample — and the
// pre-flight counts the same contacts, and a test send may be rendered for
// one of them.
func TestComposerWithSegmentAudience(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	columns := []string{"nome", "cidade"}
	src, err := e.store.StartContactImport(ctx, e.list.ID, columns)
	if err != nil {
		t.Fatal(err)
	}
	enc := contact.NewEncoder(columns)
	var recs []contact.Record
	for _, r := range clientes {
		rec, ok := enc.Encode(r.Phone, r.Row, r.Fields)
		if !ok {
			t.Fatalf("encode %v", r)
		}
		recs = append(recs, rec)
	}
	if err := e.store.UpsertContacts(ctx, src, recs); err != nil {
		t.Fatal(err)
	}
	// São Paulo state: João (11) and Maximiliano (19), not Ana (21).
	sg := &segment.Segment{Name: "Paulistas", Filter: segment.Filter{Match: segment.All,
		Rules: []segment.Rule{{Kind: segment.KindState, Values: []string{"SP"}}}}}
	if err := e.store.SaveSegment(ctx, sg); err != nil {
		t.Fatal(err)
	}
	c := e.create(t, e.b, "Segmento", "")
	e.b.do("GET", e.path(c, "/list"), nil)
	audience := fmt.Sprintf("s%d", sg.ID)
	if r := e.b.post(e.path(c, "/list"), url.Values{"list_id": {audience}}); r.status != 303 {
		t.Fatalf("choose segment got %d, want 303: %s", r.status, excerpt(r.body))
	}

	page := e.b.do("GET", e.path(c, "/message"), nil)
	wantIn(t, "message page", html.UnescapeString(page.body),
		`name="list_id" value="`+audience+`"`, `data-insert="{{nome}}"`, `data-insert="{{cidade}}"`)

	body := "Oi {{nome}}, a loja de {{cidade}} abriu."
	r := e.b.post("/compose/count", url.Values{"body": {body}, "list_id": {audience}})
	if r.status != 200 {
		t.Fatalf("count got %d: %s", r.status, excerpt(r.body))
	}
	got := html.UnescapeString(r.body)
	if n := costStat(t, got, "recipients"); n != "2" {
		t.Errorf("cost recipients got %s, want 2 (the segment's contacts)", n)
	}
	if !strings.Contains(got, "Oi Maximiliano, a loja de Campinas abriu.") {
		t.Errorf("the sample is not the segment's longest message (Maximiliano's): %s", excerpt(got))
	}
	if strings.Contains(got, "Ana") {
		t.Errorf("a contact outside the segment was walked: %s", excerpt(got))
	}

	fields := e.b.do("GET", "/compose/fields?list_id="+audience, nil)
	wantIn(t, "fields of the segment", html.UnescapeString(fields.body), `data-insert="{{nome}}"`)

	if r := e.b.post(e.path(c, "/message"), url.Values{"body": {body}, "list_id": {audience}}); r.status != 303 {
		t.Fatalf("save message got %d: %s", r.status, excerpt(r.body))
	}
	if r := e.b.post(e.path(c, "/message"), url.Values{"body": {"Oi {{apelido}}"}, "list_id": {audience}}); r.status != 422 ||
		!strings.Contains(html.UnescapeString(r.body), "apelido") {
		t.Errorf("a field no contact has got %d, want 422 naming it", r.status)
	}
	review := e.b.do("GET", e.path(c, "/review"), nil)
	wantIn(t, "review", review.body, `data-review="recipients">2<`)

	// A test send may be rendered for one of the segment's contacts.
	cpPage := html.UnescapeString(e.b.do("GET", e.path(c, ""), nil).body)
	wantIn(t, "test send choices", cpPage, `id="test-send"`, "98765-4321", "99771-2322")
	if strings.Contains(cpPage, "99876-5432") {
		t.Errorf("a contact outside the segment is offered for a test send")
	}

	// Every other editor of a text binds its composer to the segment too
	// (its fields offered to insert): an A/B variant, and a WhatsApp
	// campaign's fallback SMS.
	variant := html.UnescapeString(e.b.do("GET", e.path(c, "/abtest/variant/2"), nil).body)
	wantIn(t, "A/B variant", variant, `name="list_id" value="`+audience+`"`, `data-insert="{{cidade}}"`)
	e.b.do("GET", "/campaigns/new", nil)
	r = e.b.post("/campaigns", url.Values{"name": {"Zap segmento"}, "alias": {"zap-seg"}, "channel": {"whatsapp"}})
	var zapID int64
	if _, err := fmt.Sscanf(r.location, "/campaigns/%d", &zapID); r.status != 303 || err != nil {
		t.Fatalf("create a WhatsApp campaign got %d to %q", r.status, r.location)
	}
	zap, err := e.store.CampaignByID(ctx, zapID)
	if err != nil {
		t.Fatal(err)
	}
	e.b.do("GET", e.path(zap, "/list"), nil)
	if r := e.b.post(e.path(zap, "/list"), url.Values{"list_id": {audience}}); r.status != 303 {
		t.Fatalf("choose segment for WhatsApp got %d, want 303: %s", r.status, excerpt(r.body))
	}
	fb := html.UnescapeString(e.b.do("GET", e.path(zap, "/fallback"), nil).body)
	wantIn(t, "fallback", fb, `name="list_id" value="`+audience+`"`, `data-insert="{{cidade}}"`)
}
