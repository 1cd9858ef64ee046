package store_test

import (
	"context"
	"fmt"
	"testing"

	"arauto/internal/recipient"
	"arauto/store/storetest"
)

func TestFirstRecipients(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	l := &recipient.List{Name: "Clientes", FileName: "c.csv", Mapping: recipient.Mapping{PhoneColumn: 1, CorrelationColumn: -1}}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := s.StartListImport(ctx, l.ID, l.Mapping); err != nil {
		t.Fatal(err)
	}
	// Added out of order: the first rows of the file come first.
	batch := []recipient.Recipient{
		{Row: 5, Phone: "5521988887777", Fields: []string{"Caio"}},
		{Row: 2, Phone: "5519997712322", Fields: []string{"Ana", "Campinas"}},
		{Row: 3, Phone: "5511987654321", CorrelationID: "c-3", Fields: []string{"João", "São Paulo"}, Suppressed: true},
	}
	if err := s.AddRecipients(ctx, l.ID, batch); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		limit int
		want  string
	}{
		{1, "[2:5519997712322:[Ana Campinas]]"},
		{2, "[2:5519997712322:[Ana Campinas] 3:5511987654321:[João São Paulo]]"},
		{10, "[2:5519997712322:[Ana Campinas] 3:5511987654321:[João São Paulo] 5:5521988887777:[Caio]]"},
	}
	for _, tt := range tests {
		got, err := s.FirstRecipients(ctx, l.ID, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for _, r := range got {
			rows = append(rows, fmt.Sprintf("%d:%s:%v", r.Row, r.Phone, r.Fields))
		}
		if fmt.Sprint(rows) != tt.want {
			t.Errorf("first %d recipients got %v, want %s", tt.limit, rows, tt.want)
		}
	}
	got, _ := s.FirstRecipients(ctx, l.ID, 2)
	if r := got[1]; !r.Suppressed || r.CorrelationID != "c-3" {
		t.Errorf("second recipient got %+v, want its flag and correlationId", r)
	}
	if got, err := s.FirstRecipients(ctx, l.ID+1, 5); err != nil || len(got) != 0 {
		t.Errorf("another list got %v %v, want none", got, err)
	}
}
