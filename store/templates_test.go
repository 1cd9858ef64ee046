package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/store"
	"arauto/store/storetest"
)

// readyList imports rows (name, city) into a new ready list.
func readyList(t *testing.T, s *store.Store, rows []recipient.Recipient) *recipient.List {
	t.Helper()
	ctx := context.Background()
	l := &recipient.List{Name: "Clientes", FileName: "c.csv", Mapping: recipient.Mapping{PhoneColumn: 1, CorrelationColumn: -1}}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := s.StartListImport(ctx, l.ID, l.Mapping); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, l.ID, rows); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishListImport(ctx, l.ID, recipient.Report{Rows: len(rows), Valid: len(rows), Columns: []string{"nome", "cidade"}}); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestTemplateCRUD(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	l := readyList(t, s, nil)
	tpl := &message.Template{Name: "Boas-vindas", Channel: message.ChannelSMS, Body: "Olá {{nome}}!", Flash: true, ExtraInfo: "lote 7", ListID: l.ID}
	if err := s.CreateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	if tpl.ID == 0 || tpl.CreatedAt.IsZero() {
		t.Fatalf("created template got id %d at %v, want both set", tpl.ID, tpl.CreatedAt)
	}
	got, err := s.TemplateByID(ctx, tpl.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tpl) {
		t.Errorf("read back got %+v, want %+v", got, tpl)
	}

	dup := &message.Template{Name: "BOAS-VINDAS", Channel: message.ChannelSMS, Body: "x"}
	if err := s.CreateTemplate(ctx, dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("same name in other case got %v, want ErrConflict", err)
	}
	other := &message.Template{Name: "Aviso", Channel: message.ChannelSMS, Body: "Aviso"}
	if err := s.CreateTemplate(ctx, other); err != nil {
		t.Fatal(err)
	}
	all, err := s.Templates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Name != "Aviso" || all[1].Name != "Boas-vindas" {
		t.Errorf("templates got %d, want Aviso then Boas-vindas", len(all))
	}

	other.Name = "boas-vindas"
	if err := s.UpdateTemplate(ctx, other); !errors.Is(err, store.ErrConflict) {
		t.Errorf("rename onto a taken name got %v, want ErrConflict", err)
	}
	tpl.Body, tpl.Flash, tpl.ListID = "Oi {{nome}}", false, 0
	if err := s.UpdateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.TemplateByID(ctx, tpl.ID); got.Body != "Oi {{nome}}" || got.Flash || got.ListID != 0 {
		t.Errorf("updated template got %+v, want the new body, no flash, no list", got)
	}

	if err := s.DeleteTemplate(ctx, tpl.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TemplateByID(ctx, tpl.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted template got %v, want ErrNotFound", err)
	}
	if err := s.DeleteTemplate(ctx, tpl.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete got %v, want ErrNotFound", err)
	}
	if err := s.UpdateTemplate(ctx, tpl); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update of a deleted template got %v, want ErrNotFound", err)
	}
}

func TestDeletingAListKeepsItsTemplates(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	l := readyList(t, s, []recipient.Recipient{{Row: 2, Phone: "5519997712322", Fields: []string{"Ana", "Itu"}}})
	tpl := &message.Template{Name: "T", Channel: message.ChannelSMS, Body: "{{nome}}", ListID: l.ID}
	if err := s.CreateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteList(ctx, l.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.TemplateByID(ctx, tpl.ID)
	if err != nil || got.ListID != 0 {
		t.Errorf("template after its list was deleted got %+v, %v, want it kept without a list", got, err)
	}
}

func TestEachRecipient(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	l := readyList(t, s, []recipient.Recipient{
		{Row: 2, Phone: "5519997712322", Fields: []string{"Ana", "Campinas"}},
		{Row: 3, Phone: "5511987654321", Fields: []string{"João", "São Paulo"}},
		{Row: 4, Phone: "5521998765432", Fields: []string{"", "Niterói"}},
		{Row: 5, Phone: "5521998765433", Fields: nil},
	})
	if _, err := s.AddSuppressions(ctx, []string{"5511987654321"}, "opt-out", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCarriers(ctx, l.ID, []store.CarrierResult{{Row: 4, Carrier: "SERCOMTEL"}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := s.EachRecipient(ctx, l.ID, func(r *recipient.Recipient) error {
		if !r.Suppressed {
			got = append(got, fmt.Sprintf("%s %q %q", r.Phone, r.Fields, r.Carrier))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`5519997712322 ["Ana" "Campinas"] ""`, `5521998765432 ["" "Niterói"] "SERCOMTEL"`, `5521998765433 [] ""`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v (the suppressed one skipped)", got, want)
	}

	stop := errors.New("enough")
	n := 0
	err = s.EachRecipient(ctx, l.ID, func(*recipient.Recipient) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("stopping got %v after %d rows, want the callback's error after 1", err, n)
	}

	first, err := s.FirstRecipient(ctx, l.ID)
	if err != nil || first.Phone != "5519997712322" || strings.Join(first.Fields, "|") != "Ana|Campinas" {
		t.Errorf("first recipient got %+v, %v, want Ana", first, err)
	}
	if _, err := s.FirstRecipient(ctx, l.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("first recipient of a missing list got %v, want ErrNotFound", err)
	}
}

func BenchmarkEachRecipient(b *testing.B) {
	s := storetest.New(b)
	ctx := context.Background()
	l := &recipient.List{Name: "Grande", FileName: "g.csv"}
	if err := s.CreateList(ctx, l); err != nil {
		b.Fatal(err)
	}
	batch := make([]recipient.Recipient, 0, 10000)
	for i := 0; i < 100000; i++ {
		batch = append(batch, recipient.Recipient{Row: i + 2, Phone: fmt.Sprint(5519900000000 + i), Fields: []string{"Maria", "Campinas", "R$ 10,00"}})
		if len(batch) == cap(batch) {
			if err := s.AddRecipients(ctx, l.ID, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := s.EachRecipient(ctx, l.ID, func(*recipient.Recipient) error { n++; return nil }); err != nil || n != 100000 {
			b.Fatalf("got %d rows, %v", n, err)
		}
	}
}
