package recipienttest

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
)

// CampaignColumns is the header of GenerateCampaignCSV: a dozen columns, as
// the exports of a CRM that marketers upload usually have.
var CampaignColumns = []string{"nome", "telefone", "cidade", "uf", "bairro", "e-mail", "nascimento",
	"produto", "valor", "cupom", "loja", "observação"}

var (
	genUF      = []string{"SP", "SP", "SP", "SP", "RJ", "RJ", "MG", "PR", "SC", "SC", "RS", "DF", "GO", "BA", "PE", "CE", "PA", "AM", "MA", "ES"}
	genBairro  = []string{"Centro", "Jardim América", "Vila Mariana", "Copacabana", "Savassi", "Boa Viagem", "Água Verde", "Moinhos de Vento", "Itaim Bibi", "Pituba", "Meireles", "Asa Sul", "Setor Bueno", "Umarizal", "Adrianópolis", "Renascença"}
	genProduto = []string{"Cartão Ouro", "Conta Digital", "Seguro Residência", "Crédito Consignado", "Plano Família", "Pacote Fibra 500", "Assinatura Anual", "Promoção Verão"}
	genLoja    = []string{"Loja Paulista", "Loja Ipanema", "Loja Savassi", "Quiosque Shopping Recife", "Loja Batel", "Loja Goiânia Sul"}
	genObs     = []string{"", "", "", "cliente desde 2019", "prefere contato à tarde", "não ligar após às 20h", "indicação de amigo", "pagamento em atraso — não oferecer crédito", "ação: reativação"}
	// genDDDAll are the real area codes of Brazil, so numbers are spread
	// over the whole country's range (and so over the whole index).
	genDDDAll = []int{11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
		41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69,
		71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99}
)

// CampaignStats says what GenerateCampaignCSV wrote.
type CampaignStats struct {
	// Rows is the number of data rows; Bad of them have no usable mobile
	// number (junk, landlines, digits lost to Excel, toll-free) and
	// Duplicates repeat an earlier number in another spelling.
	Rows, Bad, Duplicates int
}

// Valid is how many distinct mobiles the file holds: what an import keeps.
func (s CampaignStats) Valid() int { return s.Rows - s.Bad - s.Duplicates }

// GenerateCampaignCSV writes a realistic campaign list: rows rows of the
// twelve CampaignColumns, ';'-separated UTF-8 with accents in most fields,
// mobiles drawn at random from every real DDD (so they arrive in no order
// at all), written in the spellings people use, about 5% bad rows and 1%
// duplicates. The same rows and seed always give the same file.
func GenerateCampaignCSV(path string, rows int, seed int64) (CampaignStats, error) {
	var st CampaignStats
	f, err := os.Create(path)
	if err != nil {
		return st, fmt.Errorf("recipienttest: generate campaign csv: %w", err)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	w := csv.NewWriter(bw)
	w.Comma = ';'
	_ = w.Write(CampaignColumns)
	r := rand.New(rand.NewPCG(uint64(seed), 0xca4a))
	seen := make(map[int64]struct{}, rows)
	recent := make([]int64, 0, 4096)
	rec := make([]string, len(CampaignColumns))
	for i := range rows {
		ddd := genDDDAll[r.IntN(len(genDDDAll))]
		national := int64(ddd)*1_000_000_000 + 900_000_000 + r.Int64N(100_000_000)
		dup := len(recent) > 0 && r.IntN(100) == 0
		if dup {
			national = recent[r.IntN(len(recent))]
		}
		phone, bad := campaignPhone(r, national)
		switch _, again := seen[national]; {
		case bad:
			st.Bad++
		case again:
			st.Duplicates++
		default:
			seen[national] = struct{}{}
			if len(recent) < cap(recent) {
				recent = append(recent, national)
			} else {
				recent[r.IntN(len(recent))] = national
			}
		}
		uf := genUF[r.IntN(len(genUF))]
		first, last := genFirst[r.IntN(len(genFirst))], genLast[r.IntN(len(genLast))]
		rec[0] = first + " " + last
		rec[1] = phone
		rec[2] = genCity[r.IntN(len(genCity))]
		rec[3] = uf
		rec[4] = genBairro[r.IntN(len(genBairro))]
		rec[5] = fmt.Sprintf("%s.%s%d@exemplo.com.br", asciiLower(first), asciiLower(last), i%997)
		rec[6] = fmt.Sprintf("%02d/%02d/%d", 1+r.IntN(28), 1+r.IntN(12), 1950+r.IntN(56))
		rec[7] = genProduto[r.IntN(len(genProduto))]
		rec[8] = "R$ " + strconv.Itoa(10+r.IntN(4990)) + "," + fmt.Sprintf("%02d", r.IntN(100))
		rec[9] = fmt.Sprintf("PROMO%05d", r.IntN(100000))
		rec[10] = genLoja[r.IntN(len(genLoja))]
		rec[11] = genObs[r.IntN(len(genObs))]
		if err := w.Write(rec); err != nil {
			f.Close()
			return st, fmt.Errorf("recipienttest: generate campaign csv: %w", err)
		}
		st.Rows++
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return st, fmt.Errorf("recipienttest: generate campaign csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return st, fmt.Errorf("recipienttest: generate campaign csv: %w", err)
	}
	if err := f.Close(); err != nil {
		return st, fmt.Errorf("recipienttest: generate campaign csv: %w", err)
	}
	return st, nil
}

// campaignPhone spells a national mobile number (DDD + 9 digits) the way
// people write them, or, one time in twenty, replaces it with something
// that is no mobile at all (bad is then true).
func campaignPhone(r *rand.Rand, national int64) (phone string, bad bool) {
	d := strconv.FormatInt(national/1_000_000_000, 10)
	s := strconv.FormatInt(national%1_000_000_000, 10)
	full := "55" + d + s
	switch p := r.IntN(1000); {
	case p < 20:
		return fmt.Sprintf("(%s) %d-%04d", d, 2000+r.IntN(3000), r.IntN(10000)), true // landline
	case p < 32:
		return []string{"", "não tem", "123", "sem telefone", "-", "n/d"}[r.IntN(6)], true
	case p < 40:
		return full[:1] + "," + full[1:3] + "E+12", true // Excel lost the digits
	case p < 45:
		return "0800 " + strconv.Itoa(100+r.IntN(900)) + " " + strconv.Itoa(1000+r.IntN(9000)), true
	case p < 50:
		return s, true // no DDD
	case p < 330:
		return full, false
	case p < 530:
		return "(" + d + ") " + s[:5] + "-" + s[5:], false
	case p < 680:
		return "+55 " + d + " " + s[:5] + "-" + s[5:], false
	case p < 780:
		return d + s, false
	case p < 830:
		return d + " " + s[:5] + "." + s[5:], false
	case p < 870:
		return "'" + full, false
	case p < 900:
		return "0" + d + s, false
	case p < 940:
		return full[:1] + "," + full[1:] + "E+12", false // Excel, digits intact
	default:
		return "+" + full, false
	}
}

// asciiLower lowers a name and drops its accents, for e-mail addresses.
func asciiLower(s string) string {
	out := make([]byte, 0, len(s))
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z':
			out = append(out, byte(c-'A'+'a'))
		case c >= 'a' && c <= 'z':
			out = append(out, byte(c))
		case c == 'á' || c == 'â' || c == 'ã' || c == 'à':
			out = append(out, 'a')
		case c == 'é' || c == 'ê':
			out = append(out, 'e')
		case c == 'í':
			out = append(out, 'i')
		case c == 'ó' || c == 'ô' || c == 'õ':
			out = append(out, 'o')
		case c == 'ú' || c == 'ü':
			out = append(out, 'u')
		case c == 'ç':
			out = append(out, 'c')
		}
	}
	return string(out)
}
