package smpp

import (
	"bytes"
	"fmt"
)

// Tag identifies an optional parameter (TLV, SMPP 3.4 §5.3).
type Tag uint16

// The optional parameters this package knows by name. Wavy's own tags
// (0x1400-0x3FFF is the SMSC-vendor range) are the four the seeds tabulate
// for delivery receipts, plus the one Arauto uses for the correlationId
// (see doc.go: the seeds name no tag for it).
const (
	TagReceiptedMessageID Tag = 0x001E // receipted_message_id: C-octet string <= 65
	TagUserMessageRef     Tag = 0x0204 // user_message_reference: 2 octets
	TagSourcePort         Tag = 0x020A // source_port: 2 octets
	TagDestinationPort    Tag = 0x020B // destination_port: 2 octets
	TagSARMsgRefNum       Tag = 0x020C // sar_msg_ref_num: 2 octets
	TagSARTotalSegments   Tag = 0x020E // sar_total_segments: 1 octet
	TagSARSegmentSeqnum   Tag = 0x020F // sar_segment_seqnum: 1 octet
	TagSCInterfaceVersion Tag = 0x0210 // sc_interface_version: 1 octet
	TagNetworkErrorCode   Tag = 0x0423 // network_error_code: 3 octets
	TagMessagePayload     Tag = 0x0424 // message_payload: octets
	TagMessageState       Tag = 0x0427 // message_state: 1 octet
	TagMoreMessagesToSend Tag = 0x0426 // more_messages_to_send: 1 octet

	// TagCorrelationID carries Arauto's correlationId on submit_sm (a
	// C-octet string of at most 64 characters). The seeds do not name a
	// tag; this is the first of the vendor range whose 0x1403-0x1406 the
	// seeds use. See doc.go.
	TagCorrelationID Tag = 0x1400
	// TagSentStatusCode is the first-level status code of a receipt ("2").
	TagSentStatusCode Tag = 0x1403
	// TagSentStatus is the first-level status name ("SENT_SUCCESS").
	TagSentStatus Tag = 0x1404
	// TagDeliveredStatusCode is the second-level status code ("4").
	TagDeliveredStatusCode Tag = 0x1405
	// TagDeliveredStatus is the second-level status name ("DELIVERED_SUCCESS").
	TagDeliveredStatus Tag = 0x1406
)

// tagLength gives the exact value length of fixed-size tags (0: variable).
var tagLength = map[Tag]int{
	TagUserMessageRef: 2, TagSourcePort: 2, TagDestinationPort: 2,
	TagSARMsgRefNum: 2, TagSARTotalSegments: 1, TagSARSegmentSeqnum: 1,
	TagSCInterfaceVersion: 1, TagNetworkErrorCode: 3, TagMessageState: 1,
	TagMoreMessagesToSend: 1,
}

// tagMax bounds the value length of variable-size tags this package names.
var tagMax = map[Tag]int{
	TagReceiptedMessageID:  65,
	TagCorrelationID:       65,
	TagSentStatusCode:      16,
	TagSentStatus:          65,
	TagDeliveredStatusCode: 16,
	TagDeliveredStatus:     65,
}

// TLV is one optional parameter. Value is the raw value; the helpers below
// build and read the common shapes.
type TLV struct {
	Tag   Tag
	Value []byte
}

// TLVs is the optional part of a PDU body, in wire order. Unknown tags are
// kept, as SMPP 3.4 requires receivers to ignore (not refuse) them.
type TLVs []TLV

// Get returns the value of the first TLV with the tag.
func (ts TLVs) Get(tag Tag) ([]byte, bool) {
	for _, t := range ts {
		if t.Tag == tag {
			return t.Value, true
		}
	}
	return nil, false
}

// Has reports whether a TLV with the tag is present.
func (ts TLVs) Has(tag Tag) bool {
	_, ok := ts.Get(tag)
	return ok
}

// Uint returns a TLV's value read as a big-endian unsigned integer of 1 to
// 8 octets.
func (ts TLVs) Uint(tag Tag) (uint64, bool) {
	v, ok := ts.Get(tag)
	if !ok || len(v) == 0 || len(v) > 8 {
		return 0, false
	}
	var n uint64
	for _, b := range v {
		n = n<<8 | uint64(b)
	}
	return n, true
}

// String returns a TLV's value as text, without the terminating NUL of a
// C-octet string.
func (ts TLVs) String(tag Tag) (string, bool) {
	v, ok := ts.Get(tag)
	if !ok {
		return "", false
	}
	if i := bytes.IndexByte(v, 0); i >= 0 {
		v = v[:i]
	}
	return string(v), true
}

// Code reads a status-code TLV (0x1403, 0x1405): decimal digits as text
// (with or without a NUL), or else a big-endian binary integer. The seeds
// show the values ("2", "104") but not their encoding, so both are read.
func (ts TLVs) Code(tag Tag) (int, bool) {
	v, ok := ts.Get(tag)
	if !ok || len(v) == 0 {
		return 0, false
	}
	txt := v
	if i := bytes.IndexByte(txt, 0); i >= 0 {
		txt = txt[:i]
	}
	if n, ok := decimal(txt); ok {
		return n, true
	}
	if len(v) > 4 {
		return 0, false
	}
	n := 0
	for _, b := range v {
		n = n<<8 | int(b)
	}
	return n, true
}

func decimal(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Set replaces the value of the first TLV with the tag, or appends one.
func (ts *TLVs) Set(tag Tag, value []byte) {
	for i := range *ts {
		if (*ts)[i].Tag == tag {
			(*ts)[i].Value = value
			return
		}
	}
	*ts = append(*ts, TLV{Tag: tag, Value: value})
}

// Uint8TLV builds a one-octet TLV.
func Uint8TLV(tag Tag, v uint8) TLV { return TLV{Tag: tag, Value: []byte{v}} }

// Uint16TLV builds a two-octet big-endian TLV.
func Uint16TLV(tag Tag, v uint16) TLV { return TLV{Tag: tag, Value: []byte{byte(v >> 8), byte(v)}} }

// CStringTLV builds a TLV holding s as a C-octet string (s and a NUL).
func CStringTLV(tag Tag, s string) TLV {
	v := make([]byte, len(s)+1)
	copy(v, s)
	return TLV{Tag: tag, Value: v}
}

// check validates a TLV's length against what its tag allows.
func (t TLV) check() error {
	if n, ok := tagLength[t.Tag]; ok && len(t.Value) != n {
		return fmt.Errorf("tlv 0x%04x has %d octets, want %d", uint16(t.Tag), len(t.Value), n)
	}
	if n, ok := tagMax[t.Tag]; ok && len(t.Value) > n {
		return fmt.Errorf("tlv 0x%04x has %d octets, at most %d allowed", uint16(t.Tag), len(t.Value), n)
	}
	if len(t.Value) > 0xFFFF {
		return fmt.Errorf("tlv 0x%04x has %d octets, at most 65535 allowed", uint16(t.Tag), len(t.Value))
	}
	return nil
}
