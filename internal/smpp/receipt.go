package smpp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Receipt is the text of a delivery receipt (SMPP 3.4 Appendix B):
// "id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm
// stat:DDDDDDD err:EEE text:...". Wavy sends the first-level status
// (ACCEPTD, REJECTD, EXPIRED, UNKNOWN) and then, for accepted messages on
// carriers that report it, the second level (DELIVRD, UNDELIV); err is the
// status code of the seeds' table ("000" for success).
type Receipt struct {
	ID         string
	Sub, Dlvrd int
	SubmitDate time.Time
	DoneDate   time.Time
	Stat       string
	Err        string
	Text       string
}

// The stat values of SMPP 3.4 Appendix B.
const (
	StatDelivered     = "DELIVRD"
	StatExpired       = "EXPIRED"
	StatDeleted       = "DELETED"
	StatUndeliverable = "UNDELIV"
	StatAccepted      = "ACCEPTD"
	StatUnknown       = "UNKNOWN"
	StatRejected      = "REJECTD"
	StatEnroute       = "ENROUTE"
)

// message_state values (SMPP 3.4 §5.2.28), sent in TagMessageState.
const (
	StateEnroute       uint8 = 1
	StateDelivered     uint8 = 2
	StateExpired       uint8 = 3
	StateDeleted       uint8 = 4
	StateUndeliverable uint8 = 5
	StateAccepted      uint8 = 6
	StateUnknown       uint8 = 7
	StateRejected      uint8 = 8
)

// StateOf returns the message_state that matches a stat value.
func StateOf(stat string) uint8 {
	switch stat {
	case StatEnroute:
		return StateEnroute
	case StatDelivered:
		return StateDelivered
	case StatExpired:
		return StateExpired
	case StatDeleted:
		return StateDeleted
	case StatUndeliverable:
		return StateUndeliverable
	case StatAccepted:
		return StateAccepted
	case StatRejected:
		return StateRejected
	}
	return StateUnknown
}

// receiptDate is the date layout of receipts with seconds; the 10-digit
// form without seconds is read too. Wavy's server time is UTC.
const receiptDate = "0601021504"

// String renders the receipt with dates to the second (YYMMDDhhmmss) in
// UTC and the text cut to 20 characters, as Appendix B suggests.
func (r Receipt) String() string {
	text := []rune(r.Text)
	if len(text) > 20 {
		text = text[:20]
	}
	return fmt.Sprintf("id:%s sub:%03d dlvrd:%03d submit date:%s done date:%s stat:%s err:%s text:%s",
		r.ID, r.Sub, r.Dlvrd, formatReceiptDate(r.SubmitDate), formatReceiptDate(r.DoneDate), r.Stat, r.Err, string(text))
}

func formatReceiptDate(t time.Time) string {
	if t.IsZero() {
		return "0000000000"
	}
	return t.UTC().Format(receiptDate + "05")
}

// receiptKeys are the fields in the order Appendix B gives them.
var receiptKeys = []string{"id:", "sub:", "dlvrd:", "submit date:", "done date:", "stat:", "err:", "text:"}

// ParseReceipt reads a receipt text. Keys are matched without regard to
// case and may come in any order; id and stat are required, the others
// optional. Dates are read as UTC with or without seconds.
func ParseReceipt(s string) (Receipt, error) {
	lower := asciiLower(s) // byte for byte, so offsets in lower are offsets in s
	type span struct{ key, start int }
	var found []span
	for k, key := range receiptKeys {
		for from := 0; ; {
			i := strings.Index(lower[from:], key)
			if i < 0 {
				break
			}
			i += from
			if i == 0 || lower[i-1] == ' ' {
				found = append(found, span{k, i})
				break
			}
			from = i + 1
		}
	}
	value := func(k int) (string, bool) {
		for _, f := range found {
			if f.key != k {
				continue
			}
			v := s[f.start+len(receiptKeys[k]):]
			if k == len(receiptKeys)-1 {
				return v, true // text runs to the end
			}
			end := len(v)
			for _, g := range found {
				if g.start > f.start && g.start-f.start-len(receiptKeys[k]) < end {
					end = g.start - f.start - len(receiptKeys[k])
				}
			}
			return strings.TrimSpace(v[:end]), true
		}
		return "", false
	}
	var r Receipt
	var ok bool
	if r.ID, ok = value(0); !ok || r.ID == "" {
		return Receipt{}, errors.New("smpp: receipt: no id")
	}
	if r.Stat, ok = value(5); !ok || r.Stat == "" {
		return Receipt{}, errors.New("smpp: receipt: no stat")
	}
	r.Stat = strings.ToUpper(r.Stat)
	r.Err, _ = value(6)
	r.Text, _ = value(7)
	var err error
	for k, dst := range map[int]*int{1: &r.Sub, 2: &r.Dlvrd} {
		if v, ok := value(k); ok && v != "" {
			if *dst, err = strconv.Atoi(v); err != nil {
				return Receipt{}, fmt.Errorf("smpp: receipt: %s %q is not a number", strings.TrimSuffix(receiptKeys[k], ":"), v)
			}
		}
	}
	for k, dst := range map[int]*time.Time{3: &r.SubmitDate, 4: &r.DoneDate} {
		if v, ok := value(k); ok && v != "" && strings.Trim(v, "0") != "" {
			if *dst, err = parseReceiptDate(v); err != nil {
				return Receipt{}, fmt.Errorf("smpp: receipt: %s: %w", strings.TrimSuffix(receiptKeys[k], ":"), err)
			}
		}
	}
	return r, nil
}

// asciiLower lowers ASCII letters only, keeping every byte where it was.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func parseReceiptDate(v string) (time.Time, error) {
	switch len(v) {
	case 10:
		return time.ParseInLocation(receiptDate, v, time.UTC)
	case 12:
		return time.ParseInLocation(receiptDate+"05", v, time.UTC)
	}
	return time.Time{}, fmt.Errorf("%q is not YYMMDDhhmm[ss]", v)
}
