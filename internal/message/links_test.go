package message

import (
	"strings"
	"testing"

	"arauto/internal/sms"
)

func TestFindLinks(t *testing.T) {
	tests := []struct {
		body      string
		links     []string
		untracked []string
	}{
		{"Veja https://loja.com/x?a=1.", []string{"https://loja.com/x?a=1"}, nil},
		{"(http://a.com) e https://b.com/y!", []string{"http://a.com", "https://b.com/y"}, nil},
		{"Baixe em ftp://arquivos.com/a ou www.loja.com", nil, []string{"ftp://arquivos.com/a", "www.loja.com"}},
		{"Seu link: https://loja.com/{{codigo}}", nil, []string{"https://loja.com/{{codigo}}"}},
		{"Sem links, {{nome}}.", nil, nil},
	}
	for _, tt := range tests {
		links, untracked := FindLinks(tt.body)
		var gl, gu []string
		for _, l := range links {
			gl = append(gl, l.URL)
			if tt.body[l.Start:l.End] != l.URL {
				t.Errorf("%q: offsets %d:%d give %q, want %q", tt.body, l.Start, l.End, tt.body[l.Start:l.End], l.URL)
			}
		}
		for _, u := range untracked {
			gu = append(gu, u.Text)
		}
		if strings.Join(gl, " ") != strings.Join(tt.links, " ") || strings.Join(gu, " ") != strings.Join(tt.untracked, " ") {
			t.Errorf("%q got links %q untracked %q, want %q and %q", tt.body, gl, gu, tt.links, tt.untracked)
		}
	}
}

// TestTrackedPlanCountsTheShortenedText: the count, the cost and the 1280
// limit see the short links, and what is sent with real codes counts the
// same.
func TestTrackedPlanCountsTheShortenedText(t *testing.T) {
	sh := &Shortener{Prefix: "https://c.example.com/r/", CodeLen: 18}
	long := "https://loja.example.com/" + strings.Repeat("p", 1300)
	body := "Oi {{nome}}, veja " + long
	plain, err := NewPlan(body, []string{"nome"}, sms.Wavy, false)
	if err != nil {
		t.Fatal(err)
	}
	if !plain.Outgoing([]string{"Ana"}).Count.TooLong {
		t.Fatalf("the message as written should be too long")
	}
	p, err := NewTrackedPlan(body, []string{"nome"}, sms.Wavy, false, sh)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Links(); len(got) != 1 || got[0] != long {
		t.Fatalf("links got %q, want the one link", got)
	}
	counted := p.Outgoing([]string{"Ana"})
	want := "Oi Ana, veja " + sh.Sample()
	if counted.Text != want || counted.Count.TooLong || counted.Count.Chars != len(want) {
		t.Errorf("counted %q (%+v), want %q within the limit", counted.Text, counted.Count, want)
	}
	sent := p.OutgoingLinks([]string{"Ana"}, func(dst []byte, i int) []byte {
		return append(append(dst, sh.Prefix...), "Zm9vYmFyYmF6cXV4MT"...)
	})
	if sent.Count != counted.Count || !strings.HasPrefix(sent.Text, "Oi Ana, veja https://c.example.com/r/") {
		t.Errorf("sent %q counted %+v, want the count of the sample %+v", sent.Text, sent.Count, counted.Count)
	}
	if got := sh.Shorten(body); got != "Oi {{nome}}, veja "+sh.Sample() {
		t.Errorf("Shorten got %q", got)
	}
}
