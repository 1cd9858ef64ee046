package smpp

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"arauto/internal/sms"
)

func TestCodingFollowsTheSeeds(t *testing.T) {
	tests := []struct {
		name string
		text string
		o    TextOptions
		want uint8
	}{
		{"plain ASCII", "Oferta: 50% off!", TextOptions{}, CodingGSM7},
		{"GSM basic accents", "Olá? É só você: ñ ü à", TextOptions{}, CodingUCS2}, // á, ó, ê are not in GSM 03.38
		{"GSM basic letters only", "é è à ù ì ò Ç Ñ Ü ä ö ñ ü £ ¥ § ¿ ¡", TextOptions{}, CodingGSM7},
		{"extension table goes UCS-2", "Preço [promo]", TextOptions{}, CodingUCS2},
		{"euro goes UCS-2", "R$ 10 ou 2€", TextOptions{}, CodingUCS2},
		{"extension table with Latin-1 allowed", "tag {x} ~ ^ | \\", TextOptions{Latin1: true}, CodingLatin1},
		{"Portuguese with Latin-1 allowed", "Promoção válida até amanhã", TextOptions{Latin1: true}, CodingLatin1},
		{"emoji never Latin-1", "Oi 😀", TextOptions{Latin1: true}, CodingUCS2},
		{"euro is not Latin-1", "2€", TextOptions{Latin1: true}, CodingUCS2},
		{"flash GSM-7", "Alerta", TextOptions{Flash: true}, CodingGSM7Flash},
		{"flash UCS-2", "Atenção", TextOptions{Flash: true}, CodingUCS2Flash},
		{"flash never Latin-1", "Atenção", TextOptions{Flash: true, Latin1: true}, CodingUCS2Flash},
		{"invalid UTF-8", "a\xffb", TextOptions{Latin1: true}, CodingUCS2},
		{"backtick is not GSM", "`cmd`", TextOptions{}, CodingUCS2},
	}
	for _, tc := range tests {
		if got := Coding(tc.text, tc.o); got != tc.want {
			t.Errorf("%s: Coding(%q) got 0x%02x, want 0x%02x", tc.name, tc.text, got, tc.want)
		}
	}
}

// The send table here and the measuring table of internal/sms must agree
// on the GSM 03.38 basic alphabet (internal/sms counts extension
// characters as 2 septets).
func TestGSMTableAgreesWithSMS(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		_, ours := septetOf(r)
		theirs := sms.Septets(r) == 1
		if ours != theirs {
			t.Errorf("U+%04X %q: smpp basic table %v, sms.Septets==1 %v", r, r, ours, theirs)
		}
	}
}

func TestEncodeTextParts(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		o         TextOptions
		coding    uint8
		partUnits []int // units of text in each part
		udhLen    int
	}{
		{"160 septets fit one", strings.Repeat("a", 160), TextOptions{}, CodingGSM7, []int{160}, 0},
		{"161 septets need two of 153", strings.Repeat("a", 161), TextOptions{}, CodingGSM7, []int{153, 8}, 6},
		{"16-bit reference leaves 152", strings.Repeat("a", 161), TextOptions{Ref16: true}, CodingGSM7, []int{152, 9}, 7},
		{"306 septets in two", strings.Repeat("b", 306), TextOptions{}, CodingGSM7, []int{153, 153}, 6},
		{"70 UCS-2 units fit one", strings.Repeat("ã", 70), TextOptions{}, CodingUCS2, []int{70}, 0},
		{"71 UCS-2 units need two of 67", strings.Repeat("ã", 71), TextOptions{}, CodingUCS2, []int{67, 4}, 6},
		{"UCS-2 16-bit reference leaves 66", strings.Repeat("ã", 71), TextOptions{Ref16: true}, CodingUCS2, []int{66, 5}, 7},
		{"surrogate pair moves whole", strings.Repeat("ã", 66) + "😀" + "ããã", TextOptions{}, CodingUCS2, []int{66, 5}, 6},
		{"140 Latin-1 octets fit one", strings.Repeat("ç", 140), TextOptions{Latin1: true}, CodingLatin1, []int{140}, 0},
		{"141 Latin-1 octets need 134 + 7", strings.Repeat("ç", 141), TextOptions{Latin1: true}, CodingLatin1, []int{134, 7}, 6},
		{"Latin-1 16-bit reference leaves 133", strings.Repeat("ç", 141), TextOptions{Latin1: true, Ref16: true}, CodingLatin1, []int{133, 8}, 7},
		{"flash keeps the capacities", strings.Repeat("a", 161), TextOptions{Flash: true}, CodingGSM7Flash, []int{153, 8}, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := EncodeText(tc.text, 0x1234, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if enc.DataCoding != tc.coding {
				t.Errorf("coding got 0x%02x, want 0x%02x", enc.DataCoding, tc.coding)
			}
			if len(enc.Parts) != len(tc.partUnits) {
				t.Fatalf("parts got %d, want %d", len(enc.Parts), len(tc.partUnits))
			}
			if _, n := CountParts(tc.text, tc.o); n != len(tc.partUnits) {
				t.Errorf("CountParts got %d, want %d", n, len(tc.partUnits))
			}
			wantESM := uint8(0)
			if len(tc.partUnits) > 1 {
				wantESM = ESMUDHI
			}
			if enc.ESMClass != wantESM {
				t.Errorf("esm_class got 0x%02x, want 0x%02x", enc.ESMClass, wantESM)
			}
			unit := 1
			if tc.coding&^0x10 == CodingUCS2 {
				unit = 2
			}
			var joined strings.Builder
			for i, p := range enc.Parts {
				body := p
				if tc.udhLen > 0 {
					c, ok, rest, err := SplitUDH(p)
					if err != nil || !ok {
						t.Fatalf("part %d: SplitUDH got %v %v", i+1, ok, err)
					}
					wantRef := uint16(0x34)
					if tc.o.Ref16 {
						wantRef = 0x1234
					}
					if c != (Concat{Ref: wantRef, Total: uint8(len(enc.Parts)), Seq: uint8(i + 1)}) {
						t.Errorf("part %d: UDH got %+v", i+1, c)
					}
					if len(p)-len(rest) != tc.udhLen {
						t.Errorf("part %d: UDH length got %d, want %d", i+1, len(p)-len(rest), tc.udhLen)
					}
					body = rest
				}
				if got := len(body) / unit; got != tc.partUnits[i] {
					t.Errorf("part %d: units got %d, want %d", i+1, got, tc.partUnits[i])
				}
				if len(p) > MaxShortMessage {
					t.Errorf("part %d: %d octets, over short_message's %d", i+1, len(p), MaxShortMessage)
				}
				s, err := DecodeText(enc.DataCoding, body)
				if err != nil {
					t.Fatalf("part %d: DecodeText: %v", i+1, err)
				}
				if strings.ContainsRune(s, utf8.RuneError) {
					t.Errorf("part %d decodes with a broken character: %q", i+1, s)
				}
				joined.WriteString(s)
			}
			if joined.String() != tc.text {
				t.Errorf("parts decode to %q, want %q", joined.String(), tc.text)
			}
		})
	}
}

func TestEncodeTextLimits(t *testing.T) {
	if _, err := EncodeText("", 1, TextOptions{}); err != ErrEmptyText {
		t.Errorf("empty text got %v, want ErrEmptyText", err)
	}
	if _, err := EncodeText(strings.Repeat("ã", 67*255+1), 1, TextOptions{}); err == nil {
		t.Errorf("a text of 256 parts got no error")
	}
	if enc, err := EncodeText(strings.Repeat("ã", 67*255), 1, TextOptions{}); err != nil || len(enc.Parts) != 255 {
		t.Errorf("a text of 255 parts got %d parts, %v", len(enc.Parts), err)
	}
}

// Random texts over a mixed alphabet round-trip through every option, each
// part within capacity and decodable on its own.
func TestEncodeTextRoundTripsRandomTexts(t *testing.T) {
	alphabet := []rune("aZ 9@£\n\rçãé€[]{}~😀👍🏽ß\u0301ΩЖ中")
	rng := rand.New(rand.NewPCG(1, 2))
	opts := []TextOptions{{}, {Latin1: true}, {Ref16: true}, {Flash: true}, {Latin1: true, Ref16: true}}
	for i := 0; i < 400; i++ {
		n := 1 + rng.IntN(500)
		rs := make([]rune, n)
		for j := range rs {
			if rng.IntN(3) == 0 {
				rs[j] = alphabet[rng.IntN(len(alphabet))]
			} else {
				rs[j] = rune('a' + rng.IntN(26))
			}
		}
		text := string(rs)
		for _, o := range opts {
			enc, err := EncodeText(text, uint16(i), o)
			if err != nil {
				t.Fatalf("EncodeText(%q, %+v): %v", text, o, err)
			}
			if _, n := CountParts(text, o); n != len(enc.Parts) {
				t.Fatalf("CountParts got %d, EncodeText made %d", n, len(enc.Parts))
			}
			var b strings.Builder
			for _, p := range enc.Parts {
				body := p
				if len(enc.Parts) > 1 {
					_, _, body, _ = SplitUDH(p)
				}
				s, err := DecodeText(enc.DataCoding, body)
				if err != nil || strings.ContainsRune(s, utf8.RuneError) {
					t.Fatalf("a part of %q (%+v) decodes to %q, %v", text, o, s, err)
				}
				b.WriteString(s)
			}
			if b.String() != text {
				t.Fatalf("round trip with %+v got %q, want %q", o, b.String(), text)
			}
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name   string
		coding uint8
		in     []byte
		want   string
		err    bool
	}{
		{"GSM-7 basic", CodingGSM7, []byte{0x48, 0x69, 0x00, 0x05, 0x0A}, "Hi@é\n", false},
		{"GSM-7 extension read", CodingGSM7, []byte{0x1B, 0x65, 0x1B, 0x3C, 0x1B, 0x3E}, "€[]", false},
		{"GSM-7 unknown escape shows the basic character", CodingGSM7, []byte{0x1B, 0x41}, "A", false},
		{"GSM-7 trailing escape", CodingGSM7, []byte{0x41, 0x1B}, "A ", false},
		{"GSM-7 message class group", 0xF1, []byte{0x41}, "A", false},
		{"GSM-7 octet above 127", CodingGSM7, []byte{0x80}, "", true},
		{"Latin-1", CodingLatin1, []byte{0x53, 0xE3, 0x6F}, "São", false},
		{"SMPP Latin-1 value 3", 0x03, []byte{0xE7}, "ç", false},
		{"UCS-2 with a surrogate pair", CodingUCS2, []byte{0x00, 0x4F, 0xD8, 0x3D, 0xDE, 0x00}, "O😀", false},
		{"UCS-2 odd length", CodingUCS2, []byte{0x00}, "", true},
		{"flash UCS-2", CodingUCS2Flash, []byte{0x00, 0xE9}, "é", false},
		{"binary is refused", 0x04, []byte{1}, "", true},
	}
	for _, tc := range tests {
		got, err := DecodeText(tc.coding, tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q, error %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

func TestSplitUDH(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		c    Concat
		ok   bool
		rest string
		err  bool
	}{
		{"8-bit", []byte{5, 0, 3, 7, 2, 1, 'h', 'i'}, Concat{7, 2, 1}, true, "hi", false},
		{"16-bit", []byte{6, 8, 4, 1, 2, 3, 3, 'x'}, Concat{0x0102, 3, 3}, true, "x", false},
		{"other element skipped", []byte{8, 0x0A, 1, 0, 0, 3, 9, 2, 2, 'y'}, Concat{9, 2, 2}, true, "y", false},
		{"no concatenation element", []byte{3, 0x0A, 1, 0, 'z'}, Concat{}, false, "z", false},
		{"header longer than message", []byte{9, 0, 3}, Concat{}, false, "", true},
		{"truncated element", []byte{2, 0, 3}, Concat{}, false, "", true},
		{"part beyond total", []byte{5, 0, 3, 1, 2, 3}, Concat{}, false, "", true},
		{"empty", nil, Concat{}, false, "", true},
	}
	for _, tc := range tests {
		c, ok, rest, err := SplitUDH(tc.in)
		if (err != nil) != tc.err || ok != tc.ok || (ok && c != tc.c) || string(rest) != tc.rest {
			t.Errorf("%s: got %+v %v %q %v; want %+v %v %q error %v", tc.name, c, ok, rest, err, tc.c, tc.ok, tc.rest, tc.err)
		}
	}
}
