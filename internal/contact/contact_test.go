package contact

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"  SÃO  Paulo ": "sao paulo",
		"Conceição":     "conceicao",
		"ANA":           "ana",
		"Ñandú\tÅse":    "nandu ase",
		"":              "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) got %q, want %q", in, got, want)
		}
	}
}

func TestNameField(t *testing.T) {
	for _, tt := range []struct {
		cols []string
		want int
	}{
		{[]string{"cidade", "nome"}, 1},
		{[]string{"nome_do_pai", "nome_completo"}, 1},
		{[]string{"cliente", "primeiro_nome"}, 1},
		{[]string{"valor", "cidade"}, -1},
	} {
		if got := NameField(tt.cols); got != tt.want {
			t.Errorf("NameField(%v) got %d, want %d", tt.cols, got, tt.want)
		}
	}
}

// TestEncoderMakesValidJSON: every cell, however odd, becomes valid JSON;
// empty cells are left out so they do not erase a known value.
func TestEncoderMakesValidJSON(t *testing.T) {
	enc := NewEncoder([]string{"nome", "obs", "cidade"})
	rec, ok := enc.Encode("5511987654321", 7, []string{" Zé \"Pequeno\" ", "linha1\nlinha2\t\\ \x01 \xff", ""})
	if !ok || rec.Phone != 5511987654321 || rec.Row != 7 || rec.NameKey != "ze \"pequeno\"" {
		t.Fatalf("got %+v %v", rec, ok)
	}
	var attrs, fold map[string]string
	if err := json.Unmarshal([]byte(rec.Attrs), &attrs); err != nil {
		t.Fatalf("attrs %s: %v", rec.Attrs, err)
	}
	if err := json.Unmarshal([]byte(rec.Fold), &fold); err != nil {
		t.Fatalf("fold %s: %v", rec.Fold, err)
	}
	if attrs["nome"] != `Zé "Pequeno"` || attrs["obs"] != "linha1\nlinha2\t\\ \x01 \uFFFD" || len(attrs) != 2 {
		t.Errorf("attrs got %q", attrs)
	}
	if fold["nome"] != `ze "pequeno"` {
		t.Errorf("fold got %q", fold)
	}
	if _, ok := enc.Encode("not a number", 1, nil); ok {
		t.Errorf("a non-number was encoded")
	}
}

func TestErased(t *testing.T) {
	e := NewErased([]byte("p"), []string{Hash([]byte("p"), "5511987654321")})
	if !e.Has("5511987654321") || e.Has("5511987654322") || e.Len() != 1 {
		t.Errorf("erased set does not answer as it should")
	}
	var none *Erased
	if none.Has("5511987654321") {
		t.Errorf("a nil set has a number")
	}
	if Hash([]byte("p"), "1") == Hash([]byte("q"), "1") {
		t.Errorf("the pepper does not change the hash")
	}
}

// TestFoldLatinAsNFKD: the shortcut for Latin-1 text folds every string as
// the general path (full NFKD, marks dropped) does: each Latin-1 character
// alone, next to letters, spaces and marks, and mixed with other scripts.
func TestFoldLatinAsNFKD(t *testing.T) {
	general := func(s string) string {
		var b strings.Builder
		space := false
		for _, r := range norm.NFKD.String(s) {
			switch {
			case unicode.Is(unicode.Mn, r):
			case unicode.IsSpace(r):
				space = b.Len() > 0
			default:
				if space {
					b.WriteByte(' ')
					space = false
				}
				b.WriteRune(unicode.ToLower(r))
			}
		}
		return b.String()
	}
	var ins []string
	for r := rune(0x80); r < 0x100; r++ {
		c := string(r)
		ins = append(ins, c, "a"+c+"b", " "+c+" x", c+c, "Ação "+c, c+"\u0301", "Łódź "+c)
	}
	ins = append(ins, "JOSÉ  DA SILVA", "Maria\u00a0Conceição", "ª ordem", "¼ de ½", "Straße", "ÆØÅ", "\xff\xfeinválido")
	for _, in := range ins {
		if got, want := Fold(in), general(in); got != want {
			t.Errorf("Fold(%q) got %q, want %q (the general path)", in, got, want)
		}
	}
}

func BenchmarkFoldAccentedName(b *testing.B) {
	for range b.N {
		Fold("Antônio Conceição da Silva")
	}
}
