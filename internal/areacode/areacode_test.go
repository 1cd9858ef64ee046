package areacode

import (
	"slices"
	"testing"
	"time"

	_ "time/tzdata"
)

// TestZonesAreRight checks the DDDs whose clock differs from Brasília and a
// few that do not, by the offset their zones really have on a day of 2026
// (Brazil keeps no summer time since 2019).
func TestZonesAreRight(t *testing.T) {
	at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		ddd     int
		state   string
		offsets []int // hours from UTC of each zone
	}{
		{11, "SP", []int{-3}},
		{61, "DF", []int{-3}},
		{68, "AC", []int{-5}},
		{92, "AM", []int{-4}},
		{97, "AM", []int{-4, -5}},
		{95, "RR", []int{-4}},
		{69, "RO", []int{-4}},
		{65, "MT", []int{-4}},
		{66, "MT", []int{-4}},
		{67, "MS", []int{-4}},
		{81, "PE", []int{-3, -2}},
		{87, "PE", []int{-3}},
		{93, "PA", []int{-3}},
		{96, "AP", []int{-3}},
		{63, "TO", []int{-3}},
		{71, "BA", []int{-3}},
		{85, "CE", []int{-3}},
		{99, "MA", []int{-3}},
	}
	for _, tt := range tests {
		a, ok := Lookup(tt.ddd)
		if !ok {
			t.Errorf("DDD %d: not found", tt.ddd)
			continue
		}
		if a.State != tt.state {
			t.Errorf("DDD %d: state got %s, want %s", tt.ddd, a.State, tt.state)
		}
		var got []int
		for _, z := range a.Zones {
			loc, err := time.LoadLocation(z)
			if err != nil {
				t.Fatalf("DDD %d: zone %s: %v", tt.ddd, z, err)
			}
			_, off := at.In(loc).Zone()
			got = append(got, off/3600)
		}
		if !slices.Equal(got, tt.offsets) {
			t.Errorf("DDD %d: offsets got %v, want %v", tt.ddd, got, tt.offsets)
		}
	}
}

func TestEveryDDDIsKnownOnce(t *testing.T) {
	all := All()
	if len(all) != 67 {
		t.Errorf("got %d DDDs, want the 67 of Anatel's plan", len(all))
	}
	perState := map[string]int{}
	for _, a := range all {
		perState[a.State]++
		if len(a.Zones) == 0 {
			t.Errorf("DDD %d has no zone", a.DDD)
		}
	}
	for _, s := range States {
		if perState[s] == 0 {
			t.Errorf("state %s has no DDD", s)
		}
	}
	if len(perState) != 27 {
		t.Errorf("got %d states, want 27", len(perState))
	}
	for _, bad := range []int{10, 20, 23, 25, 26, 29, 30, 36, 39, 40, 50, 52, 56, 60, 70, 72, 76, 78, 80, 90} {
		if _, ok := Lookup(bad); ok {
			t.Errorf("DDD %d is not in use but was found", bad)
		}
	}
}

func TestFromPhone(t *testing.T) {
	tests := []struct {
		phone string
		ddd   int
		ok    bool
	}{
		{"5568999887766", 68, true},
		{"556832241234", 68, true},
		{"5511987654321", 11, true},
		{"5520987654321", 0, false},
		{"14155550100", 0, false},
		{"55", 0, false},
	}
	for _, tt := range tests {
		a, ok := FromPhone(tt.phone)
		if ok != tt.ok || a.DDD != tt.ddd {
			t.Errorf("FromPhone(%s) got %d %v, want %d %v", tt.phone, a.DDD, ok, tt.ddd, tt.ok)
		}
	}
	if got := DDDs("AM"); !slices.Equal(got, []int{92, 97}) {
		t.Errorf("DDDs(AM) got %v, want [92 97]", got)
	}
}
