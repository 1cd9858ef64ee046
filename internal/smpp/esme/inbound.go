package esme

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"arauto/internal/smpp"
	"arauto/internal/wavy"
)

// Inbound is where receipts and MOs arriving as deliver_sm go, converted
// to the values the HTTPS webhooks produce, so that whatever stores and
// reports them does not care which door a message used. A call that
// returns an error is answered ESME_RX_T_APPN, and the SMSC delivers the
// same deliver_sm again later: the sink must be idempotent (the event
// store is). Calls come from one goroutine per receiving bind.
type Inbound interface {
	// Statuses receives delivery receipts as status events.
	Statuses(ctx context.Context, sts []wavy.SMSStatus) error
	// MOs receives replies.
	MOs(ctx context.Context, mos []wavy.SMSMO) error
}

// errIntermediate marks a receipt that carries no status (ENROUTE).
var errIntermediate = errors.New("esme: intermediate receipt without a status")

// StatusFromReceipt converts a delivery receipt into the status the
// HTTPS callback (first level) or DLR (second level) would carry:
//
//   - ID is receipted_message_id, or the receipt text's id.
//   - The codes come from the seeds' TLVs when present (0x1403/0x1404
//     sent code and name, 0x1405/0x1406 delivered code and name). Without
//     them they follow the seeds' table from stat and err: ACCEPTD is
//     2 SENT_SUCCESS; DELIVRD is 2 then 4 DELIVERED_SUCCESS; UNDELIV is 2
//     then err (104 NOT_DELIVERED); REJECTD, EXPIRED and UNKNOWN are the
//     first-level code err (202, 101, 301 ...). Missing names come from
//     the status catalogue.
//   - SentAt (first level) or DeliveredAt (second level) is the done
//     date, UTC; the receipt does not carry the other level's time.
//   - Destination is the handset (the receipt's source_addr);
//     CorrelationID is the correlationTag TLV when the SMSC echoes it,
//     else empty (see doc.go). Carrier fields are empty: the seeds put
//     no carrier in SMPP receipts.
func StatusFromReceipt(d *smpp.DeliverSM, correlationTag smpp.Tag, now time.Time) (wavy.SMSStatus, error) {
	var st wavy.SMSStatus
	text, err := smpp.DecodeText(d.DataCoding, d.Payload())
	if err != nil {
		text = string(d.Payload()) // receipts are ASCII whatever data_coding says
	}
	r, perr := smpp.ParseReceipt(text)
	id, _ := d.TLVs.String(smpp.TagReceiptedMessageID)
	if id == "" {
		if perr != nil {
			return st, fmt.Errorf("esme: receipt without receipted_message_id: %w", perr)
		}
		id = r.ID
	}
	st.ID = id
	st.Destination = d.Source.Addr
	if c, ok := d.TLVs.String(correlationTag); ok {
		st.CorrelationID = c
	}
	at := r.DoneDate
	if at.IsZero() {
		at = now.UTC()
	}
	sentCode, okSC := d.TLVs.Code(smpp.TagSentStatusCode)
	sentName, okSN := d.TLVs.String(smpp.TagSentStatus)
	dlrCode, okDC := d.TLVs.Code(smpp.TagDeliveredStatusCode)
	dlrName, okDN := d.TLVs.String(smpp.TagDeliveredStatus)
	switch {
	case okDC || okDN:
		if !okSC && !okSN {
			sentCode = 2
		}
	case okSC || okSN:
	default:
		if perr != nil {
			return st, fmt.Errorf("esme: receipt for %s: no status TLVs and %w", id, perr)
		}
		errCode, _ := strconv.Atoi(strings.TrimLeft(r.Err, "0"))
		switch r.Stat {
		case smpp.StatEnroute:
			return st, errIntermediate
		case smpp.StatAccepted:
			sentCode = 2
		case smpp.StatDelivered:
			sentCode, dlrCode, okDC = 2, 4, true
		case smpp.StatUndeliverable:
			sentCode, dlrCode, okDC = 2, orDefault(errCode, 104), true
		case smpp.StatExpired:
			sentCode = orDefault(errCode, 101)
		case smpp.StatRejected, smpp.StatDeleted:
			sentCode = orDefault(errCode, 301)
		default:
			sentCode = orDefault(errCode, 301)
		}
	}
	if sentName == "" {
		if sc, ok := wavy.LookupStatus(sentCode); ok {
			sentName = sc.Name
		}
	}
	if sentCode == 0 {
		if sc, ok := wavy.LookupStatusName(sentName); ok {
			sentCode = sc.Code
		}
	}
	st.SentStatusCode, st.SentStatus = sentCode, sentName
	if okDC || okDN {
		if dlrName == "" {
			if sc, ok := wavy.LookupStatus(dlrCode); ok {
				dlrName = sc.Name
			}
		}
		if dlrCode == 0 {
			if sc, ok := wavy.LookupStatusName(dlrName); ok {
				dlrCode = sc.Code
			}
		}
		st.DeliveredStatusCode, st.DeliveredStatus, st.DeliveredAt = dlrCode, dlrName, at
	} else {
		st.SentAt = at
	}
	return st, nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// MOFromDeliver converts a reply into the MO the HTTPS webhook would
// carry: Source is the handset, ShortCode the address it wrote to (our
// system_id), ReceivedAt the arrival (deliver_sm has no date). ID is the
// SMSC's id when it sends one in receipted_message_id, otherwise a new
// UUID. The MT link and campaign alias are not in SMPP MOs.
func MOFromDeliver(d *smpp.DeliverSM, text string, now time.Time) wavy.SMSMO {
	id, _ := d.TLVs.String(smpp.TagReceiptedMessageID)
	if id == "" {
		id = uuid.NewString()
	}
	return wavy.SMSMO{ID: id, Source: d.Source.Addr, ShortCode: d.Dest.Addr, MessageText: text, ReceivedAt: now.UTC()}
}

// Reassembly of concatenated MOs.
const (
	maxPartialMOs = 1000
	partialMOTTL  = 10 * time.Minute
)

// assembler joins the parts of concatenated MOs, which may arrive on
// different binds. It keeps at most maxPartialMOs incomplete messages for
// partialMOTTL each.
type assembler struct {
	mu      sync.Mutex
	partial map[string]*partialMO
}

type partialMO struct {
	first time.Time
	parts map[uint8]string
	total uint8
}

// add records one part and returns the whole text once every part is in.
func (a *assembler) add(key string, c smpp.Concat, text string, now time.Time) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.partial == nil {
		a.partial = map[string]*partialMO{}
	}
	for k, p := range a.partial {
		if now.Sub(p.first) > partialMOTTL {
			delete(a.partial, k)
		}
	}
	k := key + "|" + strconv.Itoa(int(c.Ref)) + "|" + strconv.Itoa(int(c.Total))
	p := a.partial[k]
	if p == nil {
		if len(a.partial) >= maxPartialMOs {
			oldest, at := "", now
			for k2, p2 := range a.partial {
				if p2.first.Before(at) {
					oldest, at = k2, p2.first
				}
			}
			delete(a.partial, oldest)
		}
		p = &partialMO{first: now, parts: map[uint8]string{}, total: c.Total}
		a.partial[k] = p
	}
	p.parts[c.Seq] = text
	if len(p.parts) < int(p.total) {
		return "", false
	}
	delete(a.partial, k)
	seqs := make([]int, 0, len(p.parts))
	for s := range p.parts {
		seqs = append(seqs, int(s))
	}
	sort.Ints(seqs)
	var b strings.Builder
	for _, s := range seqs {
		b.WriteString(p.parts[uint8(s)])
	}
	return b.String(), true
}
