// Package recipienttest generates realistic recipient files for tests and
// benchmarks: the mix of phone spellings, landlines, junk, Excel damage
// and duplicates that marketers' files really contain. The same rows and
// seed always give the same file.
package recipienttest

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/xuri/excelize/v2"
)

var (
	genFirst = []string{"Ana", "João", "Maria", "José", "Antônio", "Francisca", "Luíza", "Paulo", "Conceição", "Márcio", "Letícia", "Sebastião", "Júlia", "Raimundo", "Cláudia", "Inês"}
	genLast  = []string{"Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Conceição", "Araújo", "Simões", "Magalhães"}
	genCity  = []string{"São Paulo", "Campinas", "Rio de Janeiro", "Belo Horizonte", "Porto Alegre", "Salvador", "Recife", "Fortaleza", "Brasília", "Curitiba", "Goiânia", "Belém", "Manaus", "São Luís", "Maceió", "Florianópolis"}
	genDDD   = []int{11, 11, 11, 19, 21, 21, 31, 41, 47, 48, 51, 61, 62, 71, 81, 85, 91, 92, 98, 27}
)

// Row is one generated row: the phone cell, how an XLSX stores it
// (number or text) and the two other fields.
type Row struct {
	Phone   string
	Numeric int64 // > 0: the XLSX cell is this number instead of text
	Name    string
	City    string
}

// Generator produces the mix of formats marketers' files really contain:
// mostly mobiles in a dozen spellings, with landlines, junk, Excel's
// scientific notation (intact and with lost digits) and ~3% duplicates.
type Generator struct {
	r      *rand.Rand
	recent []int64
}

// NewGenerator returns a generator of the rows of seed.
func NewGenerator(seed int64) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(uint64(seed), 0x5eed))}
}

// Next returns the next row.
func (g *Generator) Next() Row {
	r := g.r
	row := Row{
		Name: genFirst[r.IntN(len(genFirst))] + " " + genLast[r.IntN(len(genLast))],
		City: genCity[r.IntN(len(genCity))],
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
		row.Phone = full
		row.Numeric = 55_000_000_000_00 + national
	case p < 480:
		row.Phone = "(" + d + ") " + s[:5] + "-" + s[5:]
	case p < 630:
		row.Phone = "+55 " + d + " " + s[:5] + "-" + s[5:]
	case p < 730:
		row.Phone = d + s
		row.Numeric = national
	case p < 780:
		row.Phone = d + " " + s[:5] + "." + s[5:]
	case p < 820:
		row.Phone = "'" + full
	case p < 850:
		row.Phone = "0" + d + s
	case p < 860:
		row.Phone = "0xx" + d + " " + s[:5] + " " + s[5:]
	case p < 890:
		row.Phone = fmt.Sprintf("(%s) %d-%04d", d, 2000+r.IntN(3000), r.IntN(10000))
	case p < 900:
		row.Phone = "0800 " + strconv.Itoa(100+r.IntN(900)) + " " + strconv.Itoa(1000+r.IntN(9000))
	case p < 915:
		row.Phone = []string{"", "não tem", "123", "sem telefone", "-"}[r.IntN(5)]
	case p < 925:
		row.Phone = s
	case p < 940:
		row.Phone = full[:1] + "," + full[1:] + "E+12"
	case p < 945:
		row.Phone = full[:1] + "," + full[1:3] + "E+12"
	default:
		row.Phone = "+55" + full[2:]
	}
	return row
}

// GenerateCSV writes a UTF-8 CSV with a header "nome;telefone;cidade"
// and rows realistic upload rows (see Generator) to path.
func GenerateCSV(path string, rows int, seed int64) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("recipienttest: generate csv: %w", err)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	w := csv.NewWriter(bw)
	w.Comma = ';'
	_ = w.Write([]string{"nome", "telefone", "cidade"})
	g := NewGenerator(seed)
	rec := make([]string, 3)
	for range rows {
		row := g.Next()
		rec[0], rec[1], rec[2] = row.Name, row.Phone, row.City
		if err := w.Write(rec); err != nil {
			f.Close()
			return fmt.Errorf("recipienttest: generate csv: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("recipienttest: generate csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("recipienttest: generate csv: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("recipienttest: generate csv: %w", err)
	}
	return nil
}

// GenerateXLSX writes the same rows as GenerateCSV (same seed, same
// rows) to one sheet of a workbook with excelize's StreamWriter. Phones that
// were plain digits become numeric cells, as Excel stores them.
func GenerateXLSX(path string, rows int, seed int64) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return fmt.Errorf("recipienttest: generate xlsx: %w", err)
	}
	if err := sw.SetRow("A1", []any{"Nome", "Telefone", "Cidade"}); err != nil {
		return fmt.Errorf("recipienttest: generate xlsx: %w", err)
	}
	g := NewGenerator(seed)
	vals := make([]any, 3)
	for i := range rows {
		row := g.Next()
		vals[0], vals[2] = row.Name, row.City
		if row.Numeric > 0 {
			vals[1] = row.Numeric
		} else {
			vals[1] = row.Phone
		}
		cellName, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cellName, vals); err != nil {
			return fmt.Errorf("recipienttest: generate xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("recipienttest: generate xlsx: %w", err)
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("recipienttest: generate xlsx: %w", err)
	}
	return nil
}
