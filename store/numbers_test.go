package store_test

import (
	"context"
	"testing"

	"arauto/internal/recipient"
	"arauto/store/storetest"
)

// TestNumberIndexGatheredAtImport: the index of a list's numbers written
// from what the import gathered is the one the rows give (leading zeros of
// the last four digits, rows beyond 16 bits), so searches find the same
// rows either way; an index missing a row is not trusted.
func TestNumberIndexGatheredAtImport(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	rows := []recipient.Recipient{
		{Row: 2, Phone: "5511987650012", Fields: []string{"a"}},
		{Row: 3, Phone: "5521998760000", Fields: []string{"b"}},
		{Row: 70_001, Phone: "5519997719999", Fields: []string{"c"}},
		{Row: 9, Phone: "5511987650012", Fields: []string{"a again"}},
	}
	index := func(listID int64) string {
		t.Helper()
		var got string
		if err := s.QueryRowForTest(ctx, "SELECT coalesce(group_concat(last4 || ':' || row, ' '), '') FROM (SELECT last4, row FROM recipient_numbers WHERE list_id = ? ORDER BY last4, row) AS n", listID).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	imported := func(name string, finish func(id int64) error) int64 {
		t.Helper()
		l := &recipient.List{Name: name, FileName: name + ".csv"}
		if err := s.CreateList(ctx, l); err != nil {
			t.Fatal(err)
		}
		if err := s.AddRecipients(ctx, l.ID, rows); err != nil {
			t.Fatal(err)
		}
		if err := finish(l.ID); err != nil {
			t.Fatal(err)
		}
		return l.ID
	}
	report := recipient.Report{Rows: len(rows), Valid: len(rows), Columns: []string{"nome"}}
	byRows := imported("rows", func(id int64) error { return s.FinishListImport(ctx, id, report) })
	want := index(byRows)
	if want != "0000:3 0012:2 0012:9 9999:70001" {
		t.Fatalf("index read from the rows got %q", want)
	}
	gathered := imported("gathered", func(id int64) error {
		var x recipient.NumberIndex
		for i := len(rows) - 1; i >= 0; i-- { // any order
			x.Add(rows[i].Phone, rows[i].Row)
		}
		return s.FinishListImportIndexed(ctx, id, report, &x)
	})
	if got := index(gathered); got != want {
		t.Errorf("index gathered at import got %q, want %q", got, want)
	}
	partial := imported("partial", func(id int64) error {
		var x recipient.NumberIndex
		x.Add(rows[0].Phone, rows[0].Row)
		x.Add("12", 1) // not a number the index can hold: read the rows
		return s.FinishListImportIndexed(ctx, id, report, &x)
	})
	if got := index(partial); got != want {
		t.Errorf("index of an incomplete gathering got %q, want the rows' %q", got, want)
	}
	page, err := s.Recipients(ctx, gathered, "(19) 99771-9999", 0, 10)
	if err != nil || len(page.Recipients) != 1 || page.Recipients[0].Row != 70_001 {
		t.Errorf("search by number in the gathered index got %+v %v, want row 70001", page.Recipients, err)
	}
}
