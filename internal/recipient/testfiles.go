package recipient

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// This file generates realistic upload files for tests and benchmarks here
// and in the whole-system benchmark. Same rows and seed give the same file.

var (
	genFirst = []string{"Ana", "João", "Maria", "José", "Antônio", "Francisca", "Luíza", "Paulo", "Conceição", "Márcio", "Letícia", "Sebastião", "Júlia", "Raimundo", "Cláudia", "Inês"}
	genLast  = []string{"Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Conceição", "Araújo", "Simões", "Magalhães"}
	genCity  = []string{"São Paulo", "Campinas", "Rio de Janeiro", "Belo Horizonte", "Porto Alegre", "Salvador", "Recife", "Fortaleza", "Brasília", "Curitiba", "Goiânia", "Belém", "Manaus", "São Luís", "Maceió", "Florianópolis"}
	genDDD   = []int{11, 11, 11, 19, 21, 21, 31, 41, 47, 48, 51, 61, 62, 71, 81, 85, 91, 92, 98, 27}
)

// testRow is one generated row: the phone cell, how an XLSX stores it
// (number or text) and the two other fields.
type testRow struct {
	phone   string
	numeric int64 // > 0: the XLSX cell is this number instead of text
	name    string
	city    string
}

// rowGenerator produces the mix of formats marketers' files really contain:
// mostly mobiles in a dozen spellings, with landlines, junk, Excel's
// scientific notation (intact and with lost digits) and ~3% duplicates.
type rowGenerator struct {
	r      *rand.Rand
	recent []int64
}

func newRowGenerator(seed int64) *rowGenerator {
	return &rowGenerator{r: rand.New(rand.NewPCG(uint64(seed), 0x5eed))}
}

func (g *rowGenerator) next() testRow {
	r := g.r
	row := testRow{
		name: genFirst[r.IntN(len(genFirst))] + " " + genLast[r.IntN(len(genLast))],
		city: genCity[r.IntN(len(genCity))],
	}
	ddd := genDDD[r.IntN(len(genDDD))]
	sub := 900000000 + r.Int64N(100000000)
	national := int64(ddd)*1_000_000_000 + sub
	if len(g.recent) > 0 && r.IntN(100) < 3 {
		national = g.recent[r.IntN(len(g.recent))]
		ddd, sub = int(national/1_000_000_000), national%1_000_000_000
	} else if len(g.recent) < 4096 {
		g.recent = append(g.recent, national)
	} else {
		g.recent[r.IntN(len(g.recent))] = national
	}
	d := strconv.Itoa(ddd)
	s := strconv.FormatInt(sub, 10)
	full := "55" + d + s
	switch p := r.IntN(1000); {
	case p < 280:
		row.phone = full
		row.numeric = 55_000_000_000_00 + national
	case p < 480:
		row.phone = "(" + d + ") " + s[:5] + "-" + s[5:]
	case p < 630:
		row.phone = "+55 " + d + " " + s[:5] + "-" + s[5:]
	case p < 730:
		row.phone = d + s
		row.numeric = national
	case p < 780:
		row.phone = d + " " + s[:5] + "." + s[5:]
	case p < 820:
		row.phone = "'" + full
	case p < 850:
		row.phone = "0" + d + s
	case p < 860:
		row.phone = "0xx" + d + " " + s[:5] + " " + s[5:]
	case p < 890:
		row.phone = fmt.Sprintf("(%s) %d-%04d", d, 2000+r.IntN(3000), r.IntN(10000))
	case p < 900:
		row.phone = "0800 " + strconv.Itoa(100+r.IntN(900)) + " " + strconv.Itoa(1000+r.IntN(9000))
	case p < 915:
		row.phone = []string{"", "não tem", "123", "sem telefone", "-"}[r.IntN(5)]
	case p < 925:
		row.phone = s
	case p < 940:
		row.phone = full[:1] + "," + full[1:] + "E+12"
	case p < 945:
		row.phone = full[:1] + "," + full[1:3] + "E+12"
	default:
		row.phone = "+55" + full[2:]
	}
	return row
}

// GenerateTestCSV writes a UTF-8 CSV with a header "nome;telefone;cidade"
// and rows realistic upload rows (see rowGenerator) to path.
func GenerateTestCSV(path string, rows int, seed int64) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("recipient: generate csv: %w", err)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	w := csv.NewWriter(bw)
	w.Comma = ';'
	_ = w.Write([]string{"nome", "telefone", "cidade"})
	g := newRowGenerator(seed)
	rec := make([]string, 3)
	for range rows {
		row := g.next()
		rec[0], rec[1], rec[2] = row.name, row.phone, row.city
		if err := w.Write(rec); err != nil {
			f.Close()
			return fmt.Errorf("recipient: generate csv: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("recipient: generate csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("recipient: generate csv: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("recipient: generate csv: %w", err)
	}
	return nil
}

// GenerateTestXLSX writes the same rows as GenerateTestCSV (same seed, same
// rows) to one sheet of a workbook with excelize's StreamWriter. Phones that
// were plain digits become numeric cells, as Excel stores them.
func GenerateTestXLSX(path string, rows int, seed int64) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return fmt.Errorf("recipient: generate xlsx: %w", err)
	}
	if err := sw.SetRow("A1", []any{"Nome", "Telefone", "Cidade"}); err != nil {
		return fmt.Errorf("recipient: generate xlsx: %w", err)
	}
	g := newRowGenerator(seed)
	vals := make([]any, 3)
	for i := range rows {
		row := g.next()
		vals[0], vals[2] = row.name, row.city
		if row.numeric > 0 {
			vals[1] = row.numeric
		} else {
			vals[1] = row.phone
		}
		cellName, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cellName, vals); err != nil {
			return fmt.Errorf("recipient: generate xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("recipient: generate xlsx: %w", err)
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("recipient: generate xlsx: %w", err)
	}
	return nil
}
