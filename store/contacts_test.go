package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/contact"
	"arauto/internal/recipient"
	"arauto/internal/segment"
	"arauto/store"
	"arauto/store/storetest"
)

// importRows stores a ready list of rows (phone then fields) and merges
// them into the contact book as an import does.
func importRows(t *testing.T, s *store.Store, name string, columns []string, rows ...[]string) int64 {
	t.Helper()
	ctx := context.Background()
	l := &recipient.List{Name: name, FileName: name + ".csv"}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := s.SetListConsent(ctx, l.ID, contact.BasisLegitimateInterest, 0); err != nil {
		t.Fatal(err)
	}
	src, err := s.StartContactImport(ctx, l.ID, columns)
	if err != nil {
		t.Fatal(err)
	}
	enc := contact.NewEncoder(columns)
	var rs []recipient.Recipient
	var recs []contact.Record
	for i, r := range rows {
		rs = append(rs, recipient.Recipient{Row: i + 2, Phone: r[0], Fields: r[1:]})
		rec, ok := enc.Encode(r[0], i+2, r[1:])
		if !ok {
			t.Fatalf("encode %v", r)
		}
		recs = append(recs, rec)
	}
	if err := s.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertContacts(ctx, src, recs); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishListImport(ctx, l.ID, recipient.Report{Rows: len(rs), Valid: len(rs), Columns: columns}); err != nil {
		t.Fatal(err)
	}
	return l.ID
}

func TestContactsMergeImports(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	first := importRows(t, s, "Loja", []string{"nome", "cidade"},
		[]string{"5511987650001", "Ana Silva", "Campinas"},
		[]string{"5521987650002", "Bruno", "Rio de Janeiro"})
	second := importRows(t, s, "Site", []string{"nome", "plano"},
		[]string{"5511987650001", "Ana S. Souza", "Ouro"},
		[]string{"5531987650003", "Célia", ""})

	ana, err := s.Contact(ctx, "+55 11 98765-0001")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"nome": "Ana S. Souza", "cidade": "Campinas", "plano": "Ouro"}
	if fmt.Sprint(ana.Attrs) != fmt.Sprint(want) {
		t.Errorf("merged fields got %v, want %v (latest wins, others kept)", ana.Attrs, want)
	}
	if len(ana.Sources) != 2 || ana.ConsentRow != 2 {
		t.Errorf("sources got %v row %d, want both imports and row 2 of the latest", ana.Sources, ana.ConsentRow)
	}
	srcs, err := s.ContactSources(ctx, ana.Sources)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || srcs[0].ListID != first || srcs[1].ListID != second || srcs[1].Basis != contact.BasisLegitimateInterest || srcs[1].FileName != "Site.csv" {
		t.Errorf("sources got %+v, want the two imports with file and basis", srcs)
	}
	hist, err := s.AttrHistory(ctx, ana.Phone)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Field != "nome" || hist[0].Old != "Ana Silva" || hist[0].Source != srcs[0].ID {
		t.Errorf("history got %+v, want the replaced name with the import that gave it", hist)
	}
	celia, err := s.Contact(ctx, "5531987650003")
	if err != nil || fmt.Sprint(celia.Attrs) != "map[nome:Célia]" {
		t.Errorf("contact with an empty cell got %+v %v, want the empty field left out", celia, err)
	}
	if _, err := s.Contact(ctx, "5511900000000"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown number got %v, want ErrNotFound", err)
	}

	// Deleting a list keeps its contacts and the proof of where they came from.
	if err := s.DeleteList(ctx, first); err != nil {
		t.Fatal(err)
	}
	if srcs, _ := s.ContactSources(ctx, ana.Sources); len(srcs) != 2 || srcs[0].FileName != "Loja.csv" {
		t.Errorf("after the list was deleted the sources got %+v, want them kept", srcs)
	}
}

func TestContactSearchAndSegments(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	now := time.Now()
	listSP := importRows(t, s, "SP", []string{"nome", "cidade"},
		[]string{"5511987650001", "Ana Silva", "São Paulo"},
		[]string{"5511987650002", "Antônio", "SAO PAULO"},
		[]string{"5519987650003", "Bruna", "Campinas"})
	importRows(t, s, "Norte", []string{"nome", "cidade"},
		[]string{"5568999990004", "Ana Maria", "Rio Branco"},
		[]string{"5592999990005", "Carlos", "Manaus"})
	if _, err := s.AddSuppressions(ctx, []string{"5519987650003"}, store.SuppressManual, ""); err != nil {
		t.Fatal(err)
	}
	search := func(term string) []string {
		var got []string
		after := ""
		for {
			p, err := s.Contacts(ctx, store.ContactQuery{Search: term, After: after, Limit: 2, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Items {
				got = append(got, c.Phone)
			}
			if p.Next == "" {
				return got
			}
			after = p.Next
		}
	}
	for _, tt := range []struct {
		term string
		want []string
	}{
		{"", []string{"5511987650001", "5511987650002", "5519987650003", "5568999990004", "5592999990005"}},
		{"11 9876", []string{"5511987650001", "5511987650002"}},
		{"+55 68", []string{"5568999990004"}},
		{"(19) 98765-0003", []string{"5519987650003"}},
		{"ana", []string{"5511987650001", "5568999990004"}}, // by word, then as imported
		{"ANT", []string{"5511987650002"}},
		{"zé", nil},
		// Any field's words, accents and case aside; the last word may be
		// unfinished, the others are whole words.
		{"campinas", []string{"5519987650003"}},
		{"paulo", []string{"5511987650001", "5511987650002"}},
		{"São Paul", []string{"5511987650001", "5511987650002"}},
		{"ana sao", []string{"5511987650001"}},
		{"sao ana", []string{"5511987650001"}},
		{"sa", []string{"5511987650001", "5511987650002"}}, // "sao" and "silva": each contact once
		{"an paulo", nil}, // "an" is a whole word here
		{"rio b", []string{"5568999990004"}},
		{"manau", []string{"5592999990005"}},
	} {
		if got := search(tt.term); !slices.Equal(got, tt.want) {
			t.Errorf("search %q got %v, want %v", tt.term, got, tt.want)
		}
	}

	count := func(f segment.Filter) int64 {
		t.Helper()
		n, err := s.CountSegment(ctx, f, now)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// A count that reads the whole book may run in parts (one per core):
	// every part of the book is counted once, whatever the split.
	splitCount := func(f segment.Filter) int64 {
		t.Helper()
		var n int64
		t.Run("parts", func(t *testing.T) {
			store.CountInPartsForTest(t, 3)
			var err error
			if n, err = s.CountSegment(ctx, f, now); err != nil {
				t.Fatal(err)
			}
		})
		return n
	}
	rules := func(m segment.Match, rs ...segment.Rule) segment.Filter { return segment.Filter{Match: m, Rules: rs} }
	attr := func(op segment.Op, vs ...string) segment.Rule {
		return segment.Rule{Kind: segment.KindAttr, Field: "cidade", Op: op, Values: vs}
	}
	for _, tt := range []struct {
		name string
		f    segment.Filter
		want int64
	}{
		{"everyone", rules(segment.All), 5},
		{"city equals, any case and accent", rules(segment.All, attr(segment.Equals, "são paulo")), 2},
		{"city contains", rules(segment.All, attr(segment.Contains, "PAUL")), 2},
		{"city in", rules(segment.All, attr(segment.In, "Campinas", "Manaus")), 2},
		{"city is not", rules(segment.All, segment.Rule{Kind: segment.KindAttr, Field: "cidade", Op: segment.Equals, Values: []string{"Campinas"}, Not: true}), 4},
		{"DDD 11", rules(segment.All, segment.Rule{Kind: segment.KindDDD, Values: []string{"11"}}), 2},
		{"state SP", rules(segment.All, segment.Rule{Kind: segment.KindState, Values: []string{"sp"}}), 3},
		{"DDD 11 and city", rules(segment.All, segment.Rule{Kind: segment.KindDDD, Values: []string{"11"}}, attr(segment.Equals, "Sao Paulo")), 2},
		{"Acre or Amazonas", rules(segment.Any, segment.Rule{Kind: segment.KindState, Values: []string{"AC"}}, segment.Rule{Kind: segment.KindDDD, Values: []string{"92"}}), 2},
		{"in the SP list", rules(segment.All, segment.Rule{Kind: segment.KindList, Values: []string{fmt.Sprint(listSP)}}), 3},
		{"not in the SP list", rules(segment.All, segment.Rule{Kind: segment.KindList, Values: []string{fmt.Sprint(listSP)}, Not: true}), 2},
		{"opted out", rules(segment.All, segment.Rule{Kind: segment.KindOptedOut}), 1},
		{"not opted out", rules(segment.All, segment.Rule{Kind: segment.KindOptedOut, Not: true}), 4},
		{"never messaged", rules(segment.All, segment.Rule{Kind: segment.KindNeverMessaged}), 5},
		{"delivered within 30 days", rules(segment.All, segment.Rule{Kind: segment.KindDelivered, Days: 30}), 0},
		// Several rules on one field read its value once, joined as asked.
		{"city contains or in", rules(segment.Any, attr(segment.Contains, "paul"), attr(segment.In, "Manaus")), 3},
		{"city contains and not equals", rules(segment.All, attr(segment.Contains, "paulo"),
			segment.Rule{Kind: segment.KindAttr, Field: "cidade", Op: segment.Equals, Values: []string{"sao paulo"}, Not: true}), 0},
		{"city in, name contains, city not in", rules(segment.Any, attr(segment.In, "Rio Branco"),
			segment.Rule{Kind: segment.KindAttr, Field: "nome", Op: segment.Contains, Values: []string{"carl"}},
			segment.Rule{Kind: segment.KindAttr, Field: "cidade", Op: segment.In, Values: []string{"sao paulo", "campinas", "manaus", "rio branco"}, Not: true}), 2},
		{"no such field twice", rules(segment.Any, segment.Rule{Kind: segment.KindAttr, Field: "plano", Op: segment.Equals, Values: []string{"ouro"}},
			segment.Rule{Kind: segment.KindAttr, Field: "plano", Op: segment.Contains, Values: []string{"o"}}), 0},
	} {
		if got := count(tt.f); got != tt.want {
			t.Errorf("%s: count got %d, want %d", tt.name, got, tt.want)
		}
		if got := splitCount(tt.f); got != tt.want {
			t.Errorf("%s: count in 3 parts got %d, want %d", tt.name, got, tt.want)
		}
	}
	fields, err := s.ContactFields(ctx)
	if err != nil || fmt.Sprint(fields) != "[cidade nome]" {
		t.Errorf("fields got %v %v, want [cidade nome]", fields, err)
	}
}

func TestNumberRanges(t *testing.T) {
	for _, tt := range []struct {
		typed string
		first [2]int64
		n     int
	}{
		{"11 98765", [2]int64{551198765, 551198766}, 7},
		{"+1 415", [2]int64{1415_0000, 1416_0000}, 8},
		{"5511987650001", [2]int64{5511987650001, 5511987650002}, 3},
		{"", [2]int64{}, 0},
	} {
		got := store.NumberRanges(tt.typed)
		if len(got) != tt.n || (tt.n > 0 && got[0] != tt.first) {
			t.Errorf("NumberRanges(%q) got %v, want %d ranges from %v", tt.typed, got, tt.n, tt.first)
		}
	}
}

// TestSegmentAudienceIsFrozenAtLaunch: launching a campaign to a segment
// copies the contacts it selects into the campaign's own list; contacts
// imported afterwards do not join it, and the list is not offered among
// the uploaded ones.
func TestSegmentAudienceIsFrozenAtLaunch(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	importRows(t, s, "Base", []string{"nome", "cidade"},
		[]string{"5519987650001", "Ana", "Campinas"},
		[]string{"5511987650002", "Bruno", "São Paulo"},
		[]string{"5519987650003", "Célia", "CAMPINAS"})
	sg := &segment.Segment{Name: "Campinas", Filter: segment.Filter{Match: segment.All, Rules: []segment.Rule{
		{Kind: segment.KindDDD, Values: []string{"19"}},
		{Kind: segment.KindAttr, Field: "cidade", Op: segment.Equals, Values: []string{"campinas"}}}}}
	if err := s.SaveSegment(ctx, sg); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 77, Name: "Promo", Alias: "promo", Channel: campaign.SMS, Message: "Oi {{nome}}", State: campaign.Draft}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCampaignSegment(ctx, c.ID, sg.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	columns, _ := s.ContactFields(ctx)
	listID, err := s.LaunchSegment(ctx, c.ID, sg, columns, time.Now(), 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	importRows(t, s, "Depois", []string{"nome", "cidade"}, []string{"5519987650004", "Davi", "Campinas"})
	page, err := s.Recipients(ctx, listID, "", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range page.Recipients {
		got = append(got, r.Phone+"="+strings.Join(r.Fields, "|"))
	}
	if want := []string{"5519987650001=Campinas|Ana", "5519987650003=CAMPINAS|Célia"}; !slices.Equal(got, want) {
		t.Errorf("frozen list got %v, want %v (columns %v)", got, want, columns)
	}
	after, err := s.CampaignByID(ctx, c.ID)
	if err != nil || after.State != campaign.Scheduled || after.ListID != listID || after.SegmentID != sg.ID {
		t.Errorf("campaign got %+v %v, want scheduled with the frozen list", after, err)
	}
	lists, _ := s.Lists(ctx, "")
	for _, l := range lists {
		if l.ID == listID {
			t.Errorf("the frozen list is offered among the uploaded lists")
		}
	}
	// A copy targets the segment again, not the frozen list.
	cp := &campaign.Campaign{RemoteID: 777, Name: "Cópia", Alias: "copia"}
	if err := s.CopyCampaign(ctx, cp, c.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if copied, _ := s.CampaignByID(ctx, cp.ID); copied.ListID != 0 || copied.SegmentID != sg.ID {
		t.Errorf("copy got list %d segment %d, want no list and the segment %d", copied.ListID, copied.SegmentID, sg.ID)
	}
	// Back to draft, the segment is live again.
	if err := s.SetCampaignState(ctx, c.ID, campaign.Scheduled, campaign.Draft, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.ThawSegment(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.CampaignByID(ctx, c.ID); after.ListID != 0 || after.SegmentID != sg.ID {
		t.Errorf("thawed campaign got list %d segment %d, want no list and the segment", after.ListID, after.SegmentID)
	}
	if _, err := s.ListByID(ctx, listID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("frozen list after thaw got %v, want it removed", err)
	}
}

// TestSegmentFieldValuesWithQuotes: a value the JSONB blob keeps escaped
// (a quote, a backslash) is still found by equals, contains and in.
func TestSegmentFieldValuesWithQuotes(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	importRows(t, s, "Apelidos", []string{"nome"},
		[]string{"5511987650001", `José "Zezinho"`},
		[]string{"5511987650002", `Ana \ Bia`},
		[]string{"5511987650003", "Carla"})
	for _, tt := range []struct {
		op   segment.Op
		vals []string
		want int64
	}{
		{segment.Equals, []string{`jose "zezinho"`}, 1},
		{segment.Contains, []string{`"zezinho`}, 1},
		{segment.Contains, []string{"zezinho"}, 1},
		{segment.Equals, []string{`ana \ bia`}, 1},
		{segment.In, []string{`JOSÉ "ZEZINHO"`, "carla"}, 2},
		{segment.In, []string{"carla", "bia"}, 1},
	} {
		f := segment.Filter{Match: segment.All, Rules: []segment.Rule{{Kind: segment.KindAttr, Field: "nome", Op: tt.op, Values: tt.vals}}}
		n, err := s.CountSegment(ctx, f, time.Now())
		if err != nil || n != tt.want {
			t.Errorf("%s %q got %d %v, want %d", tt.op, tt.vals, n, err, tt.want)
		}
	}
}
