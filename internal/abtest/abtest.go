package abtest

import (
	"errors"
	"math"
	"slices"
)

// Bounds of a test.
const (
	MinVariants = 2
	MaxVariants = 4
	// MinShare and MaxShare bound the test share of the audience, in
	// percent.
	MinShare = 5
	MaxShare = 50
)

// ErrBounds is a share or a number of variants out of bounds.
var ErrBounds = errors.New("abtest: share or variants out of bounds")

// Assignment is one recipient's part in the test: its list row and the
// variant (0-based) it tests.
type Assignment struct {
	Row     int64
	Variant int
}

// Split chooses the test recipients among rows: sharePct percent of them
// (rounded, at least one per variant when there are enough rows), split
// evenly among k variants, at random but reproducibly from seed. It
// returns the test assignments in row order; every other row is the
// remainder, which gets the winner.
func Split(seed uint64, rows []int64, sharePct, k int) ([]Assignment, error) {
	if sharePct < MinShare || sharePct > MaxShare || k < MinVariants || k > MaxVariants {
		return nil, ErrBounds
	}
	type keyed struct {
		key uint64
		row int64
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		ks[i] = keyed{mix(seed ^ mix(uint64(r))), r}
	}
	// The order of rows given must not matter: sort by the key, then the
	// row (keys collide only by chance).
	slices.SortFunc(ks, func(a, b keyed) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		case a.row < b.row:
			return -1
		case a.row > b.row:
			return 1
		}
		return 0
	})
	m := int(math.Round(float64(len(rows)) * float64(sharePct) / 100))
	if m < k {
		m = min(k, len(rows))
	}
	out := make([]Assignment, m)
	for i := range m {
		out[i] = Assignment{Row: ks[i].row, Variant: i % k}
	}
	slices.SortFunc(out, func(a, b Assignment) int {
		switch {
		case a.Row < b.Row:
			return -1
		case a.Row > b.Row:
			return 1
		}
		return 0
	})
	return out, nil
}

// mix is SplitMix64's finaliser: a bijection that spreads nearby values.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Stats are one variant's counts.
type Stats struct {
	// Sent are the variant's messages the provider accepted: the base of
	// every rate. Delivered, Replied and Clicked count those messages.
	Sent, Delivered, Replied, Clicked int64
}

// Criterion is how a winner is judged: a rate of the variants' Stats.
type Criterion struct {
	// Name identifies it (for storage and translation keys).
	Name string
	// Count and Base give the rate's numerator and denominator.
	Count, Base func(Stats) int64
}

// The criteria. A click criterion is Criterion{"click", clicked, sent}
// once clicks are counted per message.
var (
	Delivery = Criterion{Name: "delivery", Count: func(s Stats) int64 { return s.Delivered }, Base: func(s Stats) int64 { return s.Sent }}
	Reply    = Criterion{Name: "reply", Count: func(s Stats) int64 { return s.Replied }, Base: func(s Stats) int64 { return s.Sent }}
)

// Criteria lists the criteria offered, in order.
var Criteria = []Criterion{Delivery, Reply}

// CriterionByName finds a criterion of Criteria.
func CriterionByName(name string) (Criterion, bool) {
	for _, c := range Criteria {
		if c.Name == name {
			return c, true
		}
	}
	return Criterion{}, false
}

// Rate is a variant's rate under c: 0 and false when its base is 0.
func (c Criterion) Rate(s Stats) (float64, bool) {
	n := c.Base(s)
	if n <= 0 {
		return 0, false
	}
	return float64(c.Count(s)) / float64(n), true
}

// Winner returns the variant with the best rate under c. Between equal
// rates the larger base wins (more evidence), then the first variant; a
// variant with no base loses to any with one. tie reports that the best
// rate was shared (the choice then fell to the base or the order). With
// no variants it returns -1.
func Winner(vs []Stats, c Criterion) (best int, tie bool) {
	best = -1
	var bestRate float64
	var bestOK bool
	for i, s := range vs {
		r, ok := c.Rate(s)
		switch {
		case best == -1:
			best, bestRate, bestOK = i, r, ok
		case ok && !bestOK:
			best, bestRate, bestOK, tie = i, r, ok, false
		case !ok && bestOK:
		case !ok && !bestOK:
			tie = true
		case r > bestRate:
			best, bestRate, tie = i, r, false
		case r == bestRate:
			tie = true
			if c.Base(s) > c.Base(vs[best]) {
				best = i
			}
		}
	}
	return best, tie
}

// ZTest compares two proportions x1/n1 and x2/n2 with the pooled
// two-proportion z-test: z is (p2 - p1) over the pooled standard error,
// p the two-sided p-value. ok is false when the test says nothing: an
// empty side, or a pooled rate of 0 or 1 (no variance).
func ZTest(x1, n1, x2, n2 int64) (z, p float64, ok bool) {
	if n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2 {
		return 0, 1, false
	}
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	pool := float64(x1+x2) / float64(n1+n2)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 0, 1, false
	}
	z = (p2 - p1) / se
	return z, math.Erfc(math.Abs(z) / math.Sqrt2), true
}

// Confidence is how likely a difference is to be real, in plain words.
type Confidence string

// The confidences, read from a p-value.
const (
	Likely99     Confidence = "likely99"
	Likely95     Confidence = "likely95"
	Inconclusive Confidence = "inconclusive"
)

// ConfidenceOf reads a p-value: below 0.01 likely (99%), below 0.05
// likely (95%), else still inconclusive.
func ConfidenceOf(p float64, ok bool) Confidence {
	switch {
	case !ok:
		return Inconclusive
	case p < 0.01:
		return Likely99
	case p < 0.05:
		return Likely95
	}
	return Inconclusive
}

// Row is one variant beside the best in a side-by-side comparison.
type Row struct {
	Stats Stats
	// Rate is the variant's rate (HasRate false without a base).
	Rate    float64
	HasRate bool
	// Diff is the rate minus the best's, in percentage points (0 for the
	// best itself); P and Confidence compare it with the best.
	Diff       float64
	P          float64
	Confidence Confidence
	Best       bool
}

// Compare lays the variants side by side under c: each one's rate, its
// difference to the best (Winner) and whether that difference is likely
// real.
func Compare(vs []Stats, c Criterion) []Row {
	best, _ := Winner(vs, c)
	out := make([]Row, len(vs))
	if best < 0 {
		return out
	}
	bestRate, _ := c.Rate(vs[best])
	for i, s := range vs {
		r, ok := c.Rate(s)
		row := Row{Stats: s, Rate: r, HasRate: ok, Best: i == best, P: 1, Confidence: Inconclusive}
		if i != best && ok {
			row.Diff = (r - bestRate) * 100
			_, p, tested := ZTest(c.Count(vs[best]), c.Base(vs[best]), c.Count(s), c.Base(s))
			row.P, row.Confidence = p, ConfidenceOf(p, tested)
		}
		out[i] = row
	}
	return out
}
