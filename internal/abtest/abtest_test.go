package abtest

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestZTestKnownValues checks the z-test against values computed by hand
// (pooled standard error, two-sided p from the normal distribution).
func TestZTestKnownValues(t *testing.T) {
	tests := []struct {
		name           string
		x1, n1, x2, n2 int64
		z, p           float64
		ok             bool
	}{
		{"20% vs 25% of 1000", 200, 1000, 250, 1000, 2.677397763008329, 0.007419649261025693, true},
		{"45% vs 55% of 100", 45, 100, 55, 100, 1.4142135623730956, 0.15729920705028505, true},
		{"equal rates", 10, 50, 10, 50, 0, 1, true},
		{"7.5% of 400 vs 12.7% of 410", 30, 400, 52, 410, 2.444932622232523, 0.014487920525268799, true},
		{"worse second side", 250, 1000, 200, 1000, -2.677397763008329, 0.007419649261025693, true},
		{"empty side", 0, 0, 5, 10, 0, 1, false},
		{"both empty", 0, 0, 0, 0, 0, 1, false},
		{"none on either side", 0, 100, 0, 100, 0, 1, false},
		{"all on both sides", 100, 100, 80, 80, 0, 1, false},
		{"more successes than base", 11, 10, 5, 10, 0, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z, p, ok := ZTest(tt.x1, tt.n1, tt.x2, tt.n2)
			if ok != tt.ok || math.Abs(z-tt.z) > 1e-9 || math.Abs(p-tt.p) > 1e-9 {
				t.Errorf("ZTest = z %.12f p %.12f ok %v, want z %.12f p %.12f ok %v", z, p, ok, tt.z, tt.p, tt.ok)
			}
		})
	}
}

func TestConfidenceOf(t *testing.T) {
	tests := []struct {
		p    float64
		ok   bool
		want Confidence
	}{
		{0.0074, true, Likely99},
		{0.0144, true, Likely95},
		{0.049999, true, Likely95},
		{0.05, true, Inconclusive},
		{0.157, true, Inconclusive},
		{0.001, false, Inconclusive},
	}
	for _, tt := range tests {
		if got := ConfidenceOf(tt.p, tt.ok); got != tt.want {
			t.Errorf("ConfidenceOf(%v, %v) = %s, want %s", tt.p, tt.ok, got, tt.want)
		}
	}
}

func TestWinner(t *testing.T) {
	tests := []struct {
		name string
		vs   []Stats
		c    Criterion
		best int
		tie  bool
	}{
		{"clear delivery winner", []Stats{{Sent: 100, Delivered: 80}, {Sent: 100, Delivered: 90}}, Delivery, 1, false},
		{"reply winner differs", []Stats{{Sent: 100, Delivered: 80, Replied: 9}, {Sent: 100, Delivered: 90, Replied: 3}}, Reply, 0, false},
		{"tie goes to the larger base", []Stats{{Sent: 100, Delivered: 50}, {Sent: 200, Delivered: 100}}, Delivery, 1, true},
		{"tie with equal bases goes to the first", []Stats{{Sent: 100, Delivered: 50}, {Sent: 100, Delivered: 50}, {Sent: 100, Delivered: 40}}, Delivery, 0, true},
		{"a later better rate ends a tie", []Stats{{Sent: 10, Delivered: 5}, {Sent: 10, Delivered: 5}, {Sent: 10, Delivered: 9}}, Delivery, 2, false},
		{"no base loses to a base", []Stats{{}, {Sent: 10, Delivered: 0}}, Delivery, 1, false},
		{"nothing sent anywhere", []Stats{{}, {}, {}}, Delivery, 0, true},
		{"four variants", []Stats{{Sent: 50, Delivered: 40}, {Sent: 50, Delivered: 41}, {Sent: 50, Delivered: 45}, {Sent: 50, Delivered: 44}}, Delivery, 2, false},
		{"none", nil, Delivery, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			best, tie := Winner(tt.vs, tt.c)
			if best != tt.best || tie != tt.tie {
				t.Errorf("Winner = %d tie %v, want %d tie %v", best, tie, tt.best, tt.tie)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	rows := Compare([]Stats{{Sent: 1000, Delivered: 200}, {Sent: 1000, Delivered: 250}, {}}, Delivery)
	if !rows[1].Best || rows[0].Best || rows[2].Best {
		t.Fatalf("best flags = %v %v %v, want only the second", rows[0].Best, rows[1].Best, rows[2].Best)
	}
	if math.Abs(rows[0].Diff-(-5)) > 1e-9 || math.Abs(rows[0].P-0.007419649261025693) > 1e-9 || rows[0].Confidence != Likely99 {
		t.Errorf("first beside the best = diff %.3f p %.6f %s, want -5 points, p 0.007420, likely99", rows[0].Diff, rows[0].P, rows[0].Confidence)
	}
	if rows[2].HasRate || rows[2].Confidence != Inconclusive {
		t.Errorf("variant without a base = has rate %v, %s; want no rate, inconclusive", rows[2].HasRate, rows[2].Confidence)
	}
	if rows[1].Diff != 0 || rows[1].Confidence != Inconclusive {
		t.Errorf("best against itself = diff %v %s, want 0 and no verdict", rows[1].Diff, rows[1].Confidence)
	}
}

func TestSplitEvenReproducibleAndShuffled(t *testing.T) {
	rows := make([]int64, 10_001)
	for i := range rows {
		rows[i] = int64(i + 2)
	}
	a, err := Split(42, rows, 20, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 2000 {
		t.Fatalf("test share = %d recipients, want 2000 (20%% of 10001, rounded)", len(a))
	}
	sizes := make([]int, 3)
	seen := map[int64]bool{}
	for i, x := range a {
		sizes[x.Variant]++
		if seen[x.Row] {
			t.Fatalf("row %d assigned twice", x.Row)
		}
		seen[x.Row] = true
		if i > 0 && a[i-1].Row >= x.Row {
			t.Fatalf("assignments not in row order at %d", i)
		}
	}
	for v, n := range sizes {
		if n < 666 || n > 667 {
			t.Errorf("variant %d has %d recipients, want 666 or 667", v, n)
		}
	}
	// Random, not the first rows: the chosen rows spread over the list.
	var firstHalf int
	for _, x := range a {
		if x.Row < 5000 {
			firstHalf++
		}
	}
	if firstHalf < 900 || firstHalf > 1100 {
		t.Errorf("%d of 2000 test rows in the first half of the list, want about 1000", firstHalf)
	}
	// The same seed gives the same split whatever the order of the rows;
	// another seed, another split.
	shuffled := append([]int64(nil), rows...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b, _ := Split(42, shuffled, 20, 3)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("split differs at %d with the rows shuffled: %+v vs %+v", i, a[i], b[i])
		}
	}
	c, _ := Split(43, rows, 20, 3)
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same > 200 {
		t.Errorf("seeds 42 and 43 agree on %d of 2000 assignments, want different splits", same)
	}
}

func TestSplitBoundsAndSmallLists(t *testing.T) {
	rows := []int64{2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	tests := []struct {
		name     string
		rows     []int64
		share, k int
		wantLen  int
		wantErr  bool
	}{
		{"share below 5%", rows, 4, 2, 0, true},
		{"share above 50%", rows, 51, 2, 0, true},
		{"one variant", rows, 20, 1, 0, true},
		{"five variants", rows, 20, 5, 0, true},
		{"small list gets one per variant", rows, 5, 4, 4, false},
		{"fewer rows than variants", rows[:3], 50, 4, 3, false},
		{"empty list", nil, 20, 2, 0, false},
		{"half of ten", rows, 50, 2, 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Split(7, tt.rows, tt.share, tt.k)
			if (err != nil) != tt.wantErr || len(a) != tt.wantLen {
				t.Errorf("Split = %d assignments, err %v; want %d, error %v", len(a), err, tt.wantLen, tt.wantErr)
			}
		})
	}
}
