package recipient

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"arauto/internal/recipient/recipienttest"
)

// slowNormalize is the reference: libphonenumber alone on the trimmed input,
// mapped to reasons exactly as the fallback does.
func slowNormalize(raw, region string) (uint64, Reason) {
	s := trimPhone(raw)
	if s == "" {
		return 0, ReasonEmpty
	}
	return fallback(s, region)
}

// diffCase builds one phone spelling from random parts: every national
// prefix form (none, +55, 55, 0, 0+carrier, 0xx), valid and invalid DDDs,
// subscriber numbers of 7 to 10 digits with any first digit, and assorted
// punctuation; plus random digit strings and foreign numbers.
func diffCase(r *rand.Rand) string {
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		return b.String()
	}
	switch r.IntN(10) {
	case 0: // random digits, maybe with '+'
		s := digits(1 + r.IntN(17))
		if r.IntN(3) == 0 {
			s = "+" + s
		}
		return s
	case 1: // foreign numbers
		cc := []string{"1", "44", "351", "54", "34", "49", "33", "598", "595", "56", "57", "52", "39", "7", "86", "91"}[r.IntN(16)]
		return "+" + cc + " " + digits(6+r.IntN(7))
	case 2: // special services
		return []string{"0800", "0300", "0500", "0900", "4004", "4003", "3003", "800", "0303"}[r.IntN(9)] + digits(4+r.IntN(4))
	}
	ddd := strconv.Itoa(10 + r.IntN(90))
	if r.IntN(4) > 0 {
		ddd = strconv.Itoa([]int{11, 19, 21, 27, 31, 41, 47, 51, 55, 61, 71, 79, 81, 85, 91, 99}[r.IntN(16)])
	}
	var sub string
	switch r.IntN(6) {
	case 0:
		sub = digits(7 + r.IntN(4))
	case 1, 2:
		sub = strconv.Itoa(2+r.IntN(8)) + digits(7) // 8 digits, first 2-9
	default:
		sub = "9" + digits(8)
	}
	var prefix string
	switch r.IntN(9) {
	case 0:
		prefix = "+55 "
	case 1:
		prefix = "55"
	case 2:
		prefix = "0"
	case 3:
		prefix = "0" + []string{"12", "14", "15", "21", "23", "25", "31", "41", "43", "55", "65", "99", "17", "33", "00"}[r.IntN(15)] + " "
	case 4:
		prefix = "0xx"
	case 5:
		prefix = "+55"
	}
	switch r.IntN(5) {
	case 0:
		return prefix + "(" + ddd + ") " + sub[:len(sub)-4] + "-" + sub[len(sub)-4:]
	case 1:
		return prefix + ddd + " " + sub
	case 2:
		return prefix + ddd + "." + sub[:len(sub)/2] + "." + sub[len(sub)/2:]
	default:
		return prefix + ddd + sub
	}
}

func TestFastPathAgreesWithPhonenumbers(t *testing.T) {
	n, seed := 150_000, uint64(1)
	if testing.Short() {
		n = 15_000
	}
	// RECIPIENT_DIFF_CASES=5000000 RECIPIENT_DIFF_SEED=7 runs a longer soak.
	if v, err := strconv.Atoi(os.Getenv("RECIPIENT_DIFF_CASES")); err == nil && v > 0 {
		n = v
	}
	if v, err := strconv.ParseUint(os.Getenv("RECIPIENT_DIFF_SEED"), 10, 64); err == nil {
		seed = v
	}
	r := rand.New(rand.NewPCG(seed, 2))
	fast, disagreements := 0, 0
	for range n {
		raw := diffCase(r)
		regions := []string{"BR"}
		if strings.HasPrefix(raw, "+") {
			regions = append(regions, "PT") // '+55' takes the fast path anywhere
		}
		for _, region := range regions {
			usedFallback := false
			gotKey, gotReason := normalizeWith(raw, region, func(s, region string) (uint64, Reason) {
				usedFallback = true
				return fallback(s, region)
			})
			if !usedFallback {
				fast++
			}
			wantKey, wantReason := slowNormalize(raw, region)
			if gotKey != wantKey || gotReason != wantReason {
				disagreements++
				if disagreements <= 20 {
					t.Errorf("normalize(%q, %s) = %d %q, libphonenumber says %d %q (fast path: %v)",
						raw, region, gotKey, gotReason, wantKey, wantReason, !usedFallback)
				}
			}
		}
	}
	if disagreements > 0 {
		t.Errorf("%d of %d cases disagree", disagreements, n)
	}
	// The comparison is only worth something if the fast path decided most
	// of the cases it is meant for.
	if fast < n/2 {
		t.Errorf("fast path decided %d of %d cases, want at least half", fast, n)
	}
	t.Logf("%d cases, %d decided by the fast path", n, fast)
}

// TestFastPathAgreesOnGeneratedFiles runs the mix the test files contain.
func TestFastPathAgreesOnGeneratedFiles(t *testing.T) {
	g := recipienttest.NewGenerator(99)
	for range 20_000 {
		raw := g.Next().Phone
		if strings.ContainsAny(raw, "eE") {
			continue // scientific notation is ours alone
		}
		gotKey, gotReason := normalize(raw, "BR")
		wantKey, wantReason := slowNormalize(strings.TrimPrefix(raw, "'"), "BR")
		if wantReason == ReasonInvalid && gotReason == ReasonInvalid {
			continue
		}
		if gotKey != wantKey || gotReason != wantReason {
			t.Errorf("normalize(%q) = %d %q, libphonenumber says %d %q", raw, gotKey, gotReason, wantKey, wantReason)
		}
	}
}
