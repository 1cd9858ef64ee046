package message

import (
	"slices"
	"strings"
	"testing"

	"arauto/internal/recipient"
	"arauto/internal/sms"
)

func recipients(rs ...recipient.Recipient) func(func(*recipient.Recipient) bool) {
	return func(yield func(*recipient.Recipient) bool) {
		for i := range rs {
			if !yield(&rs[i]) {
				return
			}
		}
	}
}

func TestPlanCost(t *testing.T) {
	body := "Oi {{nome}}, sua fatura de dezembro vence amanha. Pague pelo app e evite juros e multa."
	list := []recipient.Recipient{
		{Phone: "5511900000001", Fields: []string{"Ana"}},
		{Phone: "5511900000002", Fields: []string{"José"}},                            // é: per 70 under Wavy, GSM-7 under GSM
		{Phone: "5543900000003", Fields: []string{"Conceição"}, Carrier: "SERCOMTEL"}, // one SMS without accents
	}
	tests := []struct {
		name           string
		rule           sms.Rule
		replaceAccents bool
		want           Cost
	}{
		{"Wavy rule, accents as written", sms.Wavy, false, Cost{Recipients: 3, Segments: 1 + 2 + 1, UCS2: 2, FieldAccents: 2,
			MinSegments: 1, LongestSegments: 2, Sercomtel: 1, SercomtelSegments: 1, Replaced: 3}},
		{"accents replaced in the fields", sms.Wavy, true, Cost{Recipients: 3, Segments: 3, MinSegments: 1, LongestSegments: 1,
			Sercomtel: 1, SercomtelSegments: 1, Replaced: 3}},
		{"GSM rule: é is GSM-7, ã is not", sms.GSM, false, Cost{Recipients: 3, Segments: 1 + 1 + 1, UCS2: 1, FieldAccents: 1,
			MinSegments: 1, LongestSegments: 2, Sercomtel: 1, SercomtelSegments: 1, Replaced: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlan(body, []string{"nome"}, tt.rule, tt.replaceAccents)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Cost(recipients(list...))
			got.Longest, got.LongestIndex, got.LongestPhone = "", 0, ""
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPlanOutgoing(t *testing.T) {
	p, err := NewPlan("Olá {{nome}}!", []string{"nome"}, sms.Wavy, true)
	if err != nil {
		t.Fatal(err)
	}
	o := p.Outgoing([]string{"Conceição"})
	// The field loses its accents; the text keeps its own (the composer
	// replaces those).
	if o.Text != "Olá Conceicao!" || o.Count.Encoding != sms.UCS2 || o.Sercomtel != 1 {
		t.Errorf("got %+v", o)
	}
	long, _ := NewPlan("{{t}}", []string{"t"}, sms.Wavy, false)
	if o := long.Outgoing([]string{strings.Repeat("😀", 700)}); !o.Count.TooLong || o.Count.Chars != 1400 {
		t.Errorf("700 emoji got %d chars, too long %v; want 1400, refused", o.Count.Chars, o.Count.TooLong)
	}
	// The cost walk and the sending agree on every recipient.
	for _, f := range [][]string{{"Ana"}, {"João"}, {strings.Repeat("á", 80)}} {
		c := p.Cost(recipients(recipient.Recipient{Fields: f}))
		if got := p.Outgoing(f); int64(got.Count.Segments) != c.Segments || got.Text != c.Longest {
			t.Errorf("%q: sent %d segments %q, priced %d %q", f, got.Count.Segments, got.Text, c.Segments, c.Longest)
		}
	}
}

func TestOnSercomtel(t *testing.T) {
	for _, c := range []string{"SERCOMTEL", "Sercomtel", " sercomtel "} {
		if !OnSercomtel(c) {
			t.Errorf("%q is Sercomtel", c)
		}
	}
	if slices.ContainsFunc([]string{"", "VIVO", "SERCOMTELX"}, OnSercomtel) {
		t.Errorf("another carrier taken for Sercomtel")
	}
}
