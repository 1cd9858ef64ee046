package areacode

import (
	"slices"
	"strconv"
)

// Area is one DDD.
type Area struct {
	DDD   int
	State string // the state's two-letter code (UF): "SP", "AM"
	// Zones are the IANA zones the area's numbers may be in; the first is
	// where most of them are.
	Zones []string
}

var areas = map[int]Area{}

// States are the 27 federative units, in the order of their codes' names.
var States = []string{"AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA", "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO"}

func init() {
	add := func(state string, zones []string, ddds ...int) {
		for _, d := range ddds {
			areas[d] = Area{DDD: d, State: state, Zones: zones}
		}
	}
	brasilia := []string{"America/Sao_Paulo"}
	add("SP", brasilia, 11, 12, 13, 14, 15, 16, 17, 18, 19)
	add("RJ", brasilia, 21, 22, 24)
	add("ES", brasilia, 27, 28)
	add("MG", brasilia, 31, 32, 33, 34, 35, 37, 38)
	add("PR", brasilia, 41, 42, 43, 44, 45, 46)
	add("SC", brasilia, 47, 48, 49)
	add("RS", brasilia, 51, 53, 54, 55)
	add("DF", brasilia, 61)
	add("GO", brasilia, 62, 64)
	add("TO", []string{"America/Araguaina"}, 63)
	add("MT", []string{"America/Cuiaba"}, 65, 66)
	add("MS", []string{"America/Campo_Grande"}, 67)
	add("AC", []string{"America/Rio_Branco"}, 68)
	add("RO", []string{"America/Porto_Velho"}, 69)
	add("BA", []string{"America/Bahia"}, 71, 73, 74, 75, 77)
	add("SE", []string{"America/Maceio"}, 79)
	add("PE", []string{"America/Recife", "America/Noronha"}, 81)
	add("PE", []string{"America/Recife"}, 87)
	add("AL", []string{"America/Maceio"}, 82)
	add("PB", []string{"America/Fortaleza"}, 83)
	add("RN", []string{"America/Fortaleza"}, 84)
	add("CE", []string{"America/Fortaleza"}, 85, 88)
	add("PI", []string{"America/Fortaleza"}, 86, 89)
	add("PA", []string{"America/Belem"}, 91, 94)
	add("PA", []string{"America/Santarem"}, 93)
	add("AM", []string{"America/Manaus"}, 92)
	add("AM", []string{"America/Manaus", "America/Eirunepe"}, 97)
	add("RR", []string{"America/Boa_Vista"}, 95)
	add("AP", []string{"America/Belem"}, 96)
	add("MA", []string{"America/Fortaleza"}, 98, 99)
}

// Lookup returns the area of a DDD.
func Lookup(ddd int) (Area, bool) {
	a, ok := areas[ddd]
	return a, ok
}

// FromPhone returns the area of a Brazilian number in E.164 digits
// ("5511987654321"); false for other countries and unknown DDDs.
func FromPhone(e164 string) (Area, bool) {
	if len(e164) < 12 || e164[0] != '5' || e164[1] != '5' {
		return Area{}, false
	}
	d, err := strconv.Atoi(e164[2:4])
	if err != nil {
		return Area{}, false
	}
	return Lookup(d)
}

// All returns every area, by DDD.
func All() []Area {
	out := make([]Area, 0, len(areas))
	for _, a := range areas {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Area) int { return a.DDD - b.DDD })
	return out
}

// DDDs returns the DDDs of a state (UF), in order; nil for an unknown one.
func DDDs(state string) []int {
	var out []int
	for _, a := range All() {
		if a.State == state {
			out = append(out, a.DDD)
		}
	}
	return out
}

// ValidState reports whether s is one of States.
func ValidState(s string) bool { return slices.Contains(States, s) }
