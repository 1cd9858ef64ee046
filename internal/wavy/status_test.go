package wavy

import (
	"errors"
	"slices"
	"testing"
)

func TestStatusCatalogueCodes(t *testing.T) {
	cases := []struct {
		code                             int
		name                             string
		phase                            Phase
		final, success, billed, suppress bool
	}{
		{2, "SENT_SUCCESS", PhaseSent, false, true, true, false},
		{101, "EXPIRED", PhaseSent, true, false, false, false},
		{102, "CARRIER_COMMUNICATION_ERROR", PhaseSent, true, false, false, false},
		{103, "REJECTED_BY_CARRIER", PhaseSent, true, false, false, false},
		{201, "NO_CREDIT", PhaseSent, true, false, false, false},
		{202, "INVALID_DESTINATION_NUMBER", PhaseSent, true, false, false, false},
		{203, "BLACKLISTED", PhaseSent, true, false, false, true},
		{204, "DESTINATION_BLOCKED_BY_OPTOUT", PhaseSent, true, false, false, true},
		{205, "DESTINATION_MESSAGE_LIMIT_REACHED", PhaseSent, true, false, false, false},
		{207, "INVALID_MESSAGE_TEXT", PhaseSent, true, false, false, false},
		{209, "INVALID_CONTENT", PhaseSent, true, false, false, false},
		{210, "INVALID_SESSION", PhaseSent, true, false, false, false},
		{213, "COUNTRY_NOT_ALLOWED_FOR_CUSTOMER", PhaseSent, true, false, false, false},
		{214, "INVALID_CUSTOMER_CONFIGURATION", PhaseSent, true, false, false, false},
		{215, "CUSTOMER_QUOTA_BLOCKED", PhaseSent, true, false, false, false},
		{301, "INTERNAL_ERROR", PhaseSent, true, false, false, false},
		{4, "DELIVERED_SUCCESS", PhaseDelivered, true, true, true, false},
		{104, "NOT_DELIVERED", PhaseDelivered, true, false, true, false},
		{105, "WA_MO_MEDIA_UNRETRYABLE_EXCEPTION", PhaseDelivered, true, false, true, false},
		{401, "MESSAGE_SPLIT", PhaseDelivered, false, false, true, false},
	}
	for _, tc := range cases {
		sc, ok := LookupStatus(tc.code)
		if !ok {
			t.Errorf("LookupStatus(%d) not found", tc.code)
			continue
		}
		if sc.Name != tc.name || sc.Phase != tc.phase || sc.Final != tc.final || sc.Success != tc.success ||
			sc.Billed != tc.billed || sc.Suppress != tc.suppress {
			t.Errorf("LookupStatus(%d) = %+v, want name %s phase %v final %v success %v billed %v suppress %v",
				tc.code, sc, tc.name, tc.phase, tc.final, tc.success, tc.billed, tc.suppress)
		}
		if sc.MeaningPT == "" || sc.MeaningEN == "" {
			t.Errorf("LookupStatus(%d) lacks a meaning: %+v", tc.code, sc)
		}
		byName, ok := LookupStatusName(tc.name)
		if !ok || byName != sc {
			t.Errorf("LookupStatusName(%q) = %+v, %v, want %+v", tc.name, byName, ok, sc)
		}
	}
	if got := len(StatusCodes()); got != len(cases)+1 {
		t.Errorf("catalogue has %d entries, want %d (the codes plus READ_SUCCESS)", got, len(cases)+1)
	}
}

// TestAccountLimitStatuses checks that exactly NO_CREDIT and the quota
// code concern the account, and what their error matches.
func TestAccountLimitStatuses(t *testing.T) {
	for _, sc := range StatusCodes() {
		want := sc.Code == 201 || sc.Code == 215
		if sc.AccountLimit != want {
			t.Errorf("%d %s AccountLimit = %v, want %v", sc.Code, sc.Name, sc.AccountLimit, want)
		}
		err := sc.Err()
		if (err != nil) != want {
			t.Errorf("%d %s Err() = %v, want an error %v", sc.Code, sc.Name, err, want)
			continue
		}
		if !want {
			continue
		}
		if !errors.Is(err, ErrAccountLimit) || !errors.Is(err, ErrTryLater) || errors.Is(err, ErrRejected) {
			t.Errorf("%d Err() = %v, want it to match ErrAccountLimit and ErrTryLater only", sc.Code, err)
		}
		if got := Classify(err); got != TryLater {
			t.Errorf("Classify(%d Err()) = %v, want try-later", sc.Code, got)
		}
		if sc.Billed {
			t.Errorf("%d is billed, want not: nothing was sent", sc.Code)
		}
	}
}

func TestStatusReadSuccess(t *testing.T) {
	sc, ok := LookupStatusName("READ_SUCCESS")
	if !ok || sc.Phase != PhaseRead || !sc.Success || !sc.Final || sc.Code != 0 {
		t.Errorf("READ_SUCCESS = %+v, %v, want read phase, success, final, code 0", sc, ok)
	}
	if _, ok := LookupStatus(0); ok {
		t.Errorf("LookupStatus(0) found an entry, want none")
	}
}

func TestStatusLookupMisses(t *testing.T) {
	for _, code := range []int{-1, 1, 3, 200, 206, 999} {
		if sc, ok := LookupStatus(code); ok {
			t.Errorf("LookupStatus(%d) = %+v, want not found", code, sc)
		}
	}
	for _, name := range []string{"", "SENT", "sent status", "DELIVERED"} {
		if sc, ok := LookupStatusName(name); ok {
			t.Errorf("LookupStatusName(%q) = %+v, want not found", name, sc)
		}
	}
}

func TestStatusNameNormalisation(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"sent_success", 2},
		{" Delivered_Success ", 4},
		{"CARRIER COMMUNICATION ERROR", 102},
		{"rejected-by-carrier", 103},
		{"EXPIREDINVALID_DESTINATION_NUMBER", 202},
	}
	for _, tc := range cases {
		sc, ok := LookupStatusName(tc.in)
		if !ok || sc.Code != tc.want {
			t.Errorf("LookupStatusName(%q) = %d, %v, want %d, true", tc.in, sc.Code, ok, tc.want)
		}
	}
}

func TestStatusCodesOrderAndCopy(t *testing.T) {
	all := StatusCodes()
	sorted := slices.IsSortedFunc(all, func(a, b StatusCode) int {
		if a.Phase != b.Phase {
			return int(a.Phase) - int(b.Phase)
		}
		return a.Code - b.Code
	})
	if !sorted {
		t.Errorf("StatusCodes() is not ordered by phase then code")
	}
	suppress := 0
	seen := map[string]bool{}
	for _, sc := range all {
		if seen[sc.Name] {
			t.Errorf("duplicate name %s", sc.Name)
		}
		seen[sc.Name] = true
		if sc.Suppress {
			suppress++
		}
		if sc.Phase.String() == "unknown" {
			t.Errorf("%s has no phase", sc.Name)
		}
	}
	if suppress != 2 {
		t.Errorf("%d suppressing codes, want 2 (203 and 204)", suppress)
	}
	all[0].Name = "CHANGED"
	if sc, _ := LookupStatus(all[0].Code); sc.Name == "CHANGED" {
		t.Errorf("StatusCodes() returned the catalogue itself, want a copy")
	}
	if got := Phase(0).String(); got != "unknown" {
		t.Errorf("Phase(0).String() = %q, want unknown", got)
	}
}
