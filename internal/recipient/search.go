package recipient

import (
	"slices"
	"strings"
)

// MinSearchDigits is the fewest digits a search by the end of a number
// needs: the last four are what every way of writing a number has in
// common, and what the stores index.
const MinSearchDigits = 4

// NumberSearch is what someone typed to find numbers, read as digits.
type NumberSearch struct {
	// Digits are what to match, formatting and trunk zeros dropped.
	Digits string
	// AreaPrefix says the digits are the start of the numbers: 55 and a
	// DDD, or part of a number after them ("5511", "+55 21", "+55 (19)
	// 99771"). Otherwise they are the end of the numbers: the whole
	// number with or without 55, without the DDD, or its last digits.
	AreaPrefix bool
}

// Suffix reports whether the search is by the end of the numbers with
// enough digits for the index of their last four.
func (n NumberSearch) Suffix() bool { return !n.AreaPrefix && len(n.Digits) >= MinSearchDigits }

// ParseNumberSearch reads a search for a number: "5574959143577",
// "+55 (74) 95914-3577", "74959143577", "(74) 95914-3577", "0xx74 95914
// 3577", "95914-3577" and "3577" all find 5574959143577; "5574" finds the
// numbers of DDD 74. ok is false when the text is not a number (it has
// letters, or no digit but zeros).
func ParseNumberSearch(q string) (n NumberSearch, ok bool) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(q) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("+ ()-./xX", r):
		default:
			return n, false
		}
	}
	d := strings.TrimLeft(b.String(), "0")
	// A whole number has 10 or 11 digits with its DDD (DDD 55 is Rio
	// Grande do Sul's), 12 or 13 with the country code; shorter ones
	// starting with 55 name an area (or the start of a number).
	return NumberSearch{Digits: d, AreaPrefix: strings.HasPrefix(d, "55") && len(d) < 10}, d != ""
}

// NumberIndex gathers, as a list is imported, the entries of the index
// that finds its rows by the last four digits of their numbers, so the
// store writes them once, sorted, without reading the rows back. It costs
// 8 bytes a row. The zero value is ready; it is not safe for concurrent
// use.
type NumberIndex struct {
	keys []uint64 // last four digits << 32 | row
	// partial is set when a row could not be indexed from here (a number
	// shorter than four digits, a row beyond 32 bits): the store then
	// reads the rows instead.
	partial bool
}

// Add records a row's number (E.164 digits).
func (x *NumberIndex) Add(phone string, row int) {
	if len(phone) < MinSearchDigits || row < 0 || row > 1<<32-1 {
		x.partial = true
		return
	}
	last4 := 0
	for _, c := range phone[len(phone)-MinSearchDigits:] {
		if c < '0' || c > '9' {
			x.partial = true
			return
		}
		last4 = last4*10 + int(c-'0')
	}
	x.keys = append(x.keys, uint64(last4)<<32|uint64(row))
}

// Entries returns the entries in index order (last four digits, then row)
// as last4<<32 | row, and whether every row added is among them.
func (x *NumberIndex) Entries() (entries []uint64, complete bool) {
	slices.Sort(x.keys)
	return x.keys, !x.partial
}
