package smpp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// HeaderLen is the size of the PDU header: command_length, command_id,
// command_status and sequence_number, four octets each.
const HeaderLen = 16

// MaxLength bounds command_length. SMPP 3.4 sets no limit; a submit_sm of
// 254 octets with every optional parameter fits in far less, and a bound
// keeps a hostile peer from making us allocate what it announces.
const MaxLength = 8192

// Field limits of SMPP 3.4 §5.2, in octets including the terminating NUL.
const (
	maxSystemID     = 16
	maxPassword     = 9
	maxSystemType   = 13
	maxAddressRange = 41
	maxServiceType  = 6
	maxAddr         = 21
	maxTime         = 17
	maxMessageID    = 65
	// MaxShortMessage is the largest short_message (sm_length is one octet
	// and SMPP 3.4 stops at 254).
	MaxShortMessage = 254
)

// InterfaceVersion is the SMPP version this package speaks (3.4).
const InterfaceVersion = 0x34

// Header is the fixed start of every PDU.
type Header struct {
	Length uint32
	ID     CommandID
	Status Status
	Seq    uint32
}

// ErrFraming reports a command_length that cannot be trusted: the stream
// cannot be resynchronised and the connection must be closed.
var ErrFraming = errors.New("smpp: bad command_length")

// Error is a PDU that was framed correctly but could not be decoded. The
// header is known, so the peer can be told with a generic_nack or a
// response carrying Status.
type Error struct {
	Header Header
	// Status is what to answer: ESME_RINVCMDID for an unknown command,
	// ESME_RINVCMDLEN for a body of the wrong size, ESME_RINVPARLEN and
	// friends for a bad field.
	Status Status
	// Field names what was wrong.
	Field string
	Err   error
}

func (e *Error) Error() string {
	return fmt.Sprintf("smpp: %s: %s: %v", e.Header.ID, e.Field, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Body is the typed body of a PDU; every operation of this package has one
// (an empty struct for bodiless PDUs such as enquire_link).
type Body interface {
	// CommandID is the operation the body belongs to.
	CommandID() CommandID
	appendBody(dst []byte, status Status) ([]byte, error)
	decodeBody(d *decoder)
}

// PDU is one protocol data unit.
type PDU struct {
	Status Status
	Seq    uint32
	Body   Body
}

// ID returns the command id of the PDU's body.
func (p PDU) ID() CommandID { return p.Body.CommandID() }

// Append encodes p after dst. Fields over their limit, strings holding a
// NUL and a PDU longer than MaxLength are refused with an error naming the
// field.
func Append(dst []byte, p PDU) ([]byte, error) {
	if p.Body == nil {
		return dst, errors.New("smpp: encode: nil body")
	}
	start := len(dst)
	dst = append(dst, make([]byte, HeaderLen)...)
	out, err := p.Body.appendBody(dst, p.Status)
	if err != nil {
		return dst[:start], fmt.Errorf("smpp: encode %s: %w", p.Body.CommandID(), err)
	}
	n := len(out) - start
	if n > MaxLength {
		return dst[:start], fmt.Errorf("smpp: encode %s: %d octets, more than %d", p.Body.CommandID(), n, MaxLength)
	}
	h := out[start:]
	binary.BigEndian.PutUint32(h[0:], uint32(n))
	binary.BigEndian.PutUint32(h[4:], uint32(p.Body.CommandID()))
	binary.BigEndian.PutUint32(h[8:], uint32(p.Status))
	binary.BigEndian.PutUint32(h[12:], p.Seq)
	return out, nil
}

// Marshal encodes p into a new slice.
func Marshal(p PDU) ([]byte, error) { return Append(nil, p) }

// ParseHeader reads the header at the start of b.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, fmt.Errorf("%w: %d octets, a header has %d", ErrFraming, len(b), HeaderLen)
	}
	h := Header{
		Length: binary.BigEndian.Uint32(b[0:]),
		ID:     CommandID(binary.BigEndian.Uint32(b[4:])),
		Status: Status(binary.BigEndian.Uint32(b[8:])),
		Seq:    binary.BigEndian.Uint32(b[12:]),
	}
	if h.Length < HeaderLen || h.Length > MaxLength {
		return h, fmt.Errorf("%w: %d", ErrFraming, h.Length)
	}
	return h, nil
}

// Unmarshal decodes one whole PDU (header included; len(b) must equal its
// command_length). Strings and octets are copied, so b may be reused. A
// framing problem wraps ErrFraming; a PDU with a good header but a bad
// body is an *Error.
func Unmarshal(b []byte) (PDU, error) {
	h, err := ParseHeader(b)
	if err != nil {
		return PDU{}, err
	}
	if int(h.Length) != len(b) {
		return PDU{}, fmt.Errorf("%w: command_length %d but %d octets given", ErrFraming, h.Length, len(b))
	}
	body := newBody(h.ID)
	if body == nil {
		return PDU{}, &Error{Header: h, Status: StatusInvalidCmdID, Field: "command_id", Err: fmt.Errorf("unknown command 0x%08x", uint32(h.ID))}
	}
	d := decoder{b: b[HeaderLen:], status: h.Status}
	body.decodeBody(&d)
	if d.err == nil && d.off != len(d.b) {
		d.fail("command_length", StatusInvalidCmdLen, fmt.Errorf("%d octets after the last field", len(d.b)-d.off))
	}
	if d.err != nil {
		return PDU{}, &Error{Header: h, Status: d.errStatus, Field: d.errField, Err: d.err}
	}
	return PDU{Status: h.Status, Seq: h.Seq, Body: body}, nil
}

// Read reads one PDU from r. An error wrapping ErrFraming or an I/O error
// means the stream is lost; an *Error means the PDU was skipped whole and
// the next one can be read.
func Read(r io.Reader) (PDU, error) {
	var hb [HeaderLen]byte
	if _, err := io.ReadFull(r, hb[:]); err != nil {
		return PDU{}, err
	}
	h, err := ParseHeader(hb[:])
	if err != nil {
		return PDU{}, err
	}
	b := make([]byte, h.Length)
	copy(b, hb[:])
	if _, err := io.ReadFull(r, b[HeaderLen:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return PDU{}, err
	}
	return Unmarshal(b)
}

// newBody returns an empty body for a command id, or nil when unknown.
func newBody(id CommandID) Body {
	switch id {
	case BindTransceiverID:
		return &Bind{Kind: BindTransceiver}
	case BindTransmitterID:
		return &Bind{Kind: BindTransmitter}
	case BindReceiverID:
		return &Bind{Kind: BindReceiver}
	case BindTransceiverRespID:
		return &BindResp{Kind: BindTransceiver}
	case BindTransmitterRespID:
		return &BindResp{Kind: BindTransmitter}
	case BindReceiverRespID:
		return &BindResp{Kind: BindReceiver}
	case SubmitSMID:
		return &SubmitSM{}
	case SubmitSMRespID:
		return &SubmitSMResp{}
	case DeliverSMID:
		return &DeliverSM{}
	case DeliverSMRespID:
		return &DeliverSMResp{}
	case EnquireLinkID:
		return &EnquireLink{}
	case EnquireLinkRespID:
		return &EnquireLinkResp{}
	case UnbindID:
		return &Unbind{}
	case UnbindRespID:
		return &UnbindResp{}
	case GenericNackID:
		return &GenericNack{}
	}
	return nil
}

// BindKind is the kind of session a bind asks for.
type BindKind uint8

// The three binds of SMPP 3.4. The seeds recommend the transceiver.
const (
	BindTransceiver BindKind = iota + 1
	BindTransmitter
	BindReceiver
)

// Request returns the command id of the bind.
func (k BindKind) Request() CommandID {
	switch k {
	case BindTransmitter:
		return BindTransmitterID
	case BindReceiver:
		return BindReceiverID
	}
	return BindTransceiverID
}

// String returns transceiver, transmitter or receiver.
func (k BindKind) String() string {
	switch k {
	case BindTransmitter:
		return "transmitter"
	case BindReceiver:
		return "receiver"
	}
	return "transceiver"
}

// CanSend reports whether the bind may submit messages.
func (k BindKind) CanSend() bool { return k != BindReceiver }

// CanReceive reports whether the bind gets deliver_sm.
func (k BindKind) CanReceive() bool { return k != BindTransmitter }

// Bind is the body of bind_transceiver, bind_transmitter and bind_receiver.
type Bind struct {
	Kind             BindKind
	SystemID         string // <= 15 characters
	Password         string // <= 8 characters
	SystemType       string // <= 12 characters; Wavy wants MovileSMSC
	InterfaceVersion uint8  // 0x34
	AddrTON, AddrNPI uint8
	AddressRange     string // <= 40 characters
}

// CommandID implements Body.
func (b *Bind) CommandID() CommandID { return b.Kind.Request() }

func (b *Bind) appendBody(dst []byte, _ Status) ([]byte, error) {
	var err error
	if dst, err = appendCString(dst, "system_id", b.SystemID, maxSystemID); err != nil {
		return dst, err
	}
	if dst, err = appendCString(dst, "password", b.Password, maxPassword); err != nil {
		return dst, err
	}
	if dst, err = appendCString(dst, "system_type", b.SystemType, maxSystemType); err != nil {
		return dst, err
	}
	dst = append(dst, b.InterfaceVersion, b.AddrTON, b.AddrNPI)
	return appendCString(dst, "address_range", b.AddressRange, maxAddressRange)
}

func (b *Bind) decodeBody(d *decoder) {
	b.SystemID = d.cstring("system_id", maxSystemID)
	b.Password = d.cstring("password", maxPassword)
	b.SystemType = d.cstring("system_type", maxSystemType)
	b.InterfaceVersion = d.u8("interface_version")
	b.AddrTON = d.u8("addr_ton")
	b.AddrNPI = d.u8("addr_npi")
	b.AddressRange = d.cstring("address_range", maxAddressRange)
}

// BindResp is the body of the three bind responses. With a non-OK status
// the body may be empty (SMPP 3.4 §4.1.2).
type BindResp struct {
	Kind     BindKind
	SystemID string // the SMSC's id
	TLVs     TLVs   // sc_interface_version
}

// CommandID implements Body.
func (b *BindResp) CommandID() CommandID { return b.Kind.Request().Response() }

func (b *BindResp) appendBody(dst []byte, status Status) ([]byte, error) {
	if status != StatusOK && b.SystemID == "" && len(b.TLVs) == 0 {
		return dst, nil
	}
	dst, err := appendCString(dst, "system_id", b.SystemID, maxSystemID)
	if err != nil {
		return dst, err
	}
	return appendTLVs(dst, b.TLVs)
}

func (b *BindResp) decodeBody(d *decoder) {
	if d.empty() && d.status != StatusOK {
		return
	}
	b.SystemID = d.cstring("system_id", maxSystemID)
	b.TLVs = d.tlvs()
}

// Address is a TON, an NPI and an address (<= 20 characters).
type Address struct {
	TON, NPI uint8
	Addr     string
}

// ESM class bits used here (SMPP 3.4 §5.2.12).
const (
	// ESMUDHI marks a short_message that starts with a user data header.
	ESMUDHI = 0x40
	// ESMReceiptMask selects the message type bits of a deliver_sm.
	ESMReceiptMask = 0x3C
	// ESMDeliveryReceipt is the message type of an SMSC delivery receipt.
	ESMDeliveryReceipt = 0x04
)

// Message is the body shared by submit_sm and deliver_sm.
type Message struct {
	ServiceType          string // <= 5 characters
	Source               Address
	Dest                 Address
	ESMClass             uint8
	ProtocolID           uint8
	PriorityFlag         uint8
	ScheduleDeliveryTime string // "" or 16 characters (see FormatAbsolute)
	ValidityPeriod       string // "" or 16 characters
	RegisteredDelivery   uint8
	ReplaceIfPresent     uint8
	DataCoding           uint8
	SMDefaultMsgID       uint8
	ShortMessage         []byte // <= 254 octets; longer texts go in message_payload
	TLVs                 TLVs
}

func (m *Message) appendBody(dst []byte, _ Status) ([]byte, error) {
	var err error
	if dst, err = appendCString(dst, "service_type", m.ServiceType, maxServiceType); err != nil {
		return dst, err
	}
	dst = append(dst, m.Source.TON, m.Source.NPI)
	if dst, err = appendCString(dst, "source_addr", m.Source.Addr, maxAddr); err != nil {
		return dst, err
	}
	dst = append(dst, m.Dest.TON, m.Dest.NPI)
	if dst, err = appendCString(dst, "destination_addr", m.Dest.Addr, maxAddr); err != nil {
		return dst, err
	}
	dst = append(dst, m.ESMClass, m.ProtocolID, m.PriorityFlag)
	if dst, err = appendTime(dst, "schedule_delivery_time", m.ScheduleDeliveryTime); err != nil {
		return dst, err
	}
	if dst, err = appendTime(dst, "validity_period", m.ValidityPeriod); err != nil {
		return dst, err
	}
	dst = append(dst, m.RegisteredDelivery, m.ReplaceIfPresent, m.DataCoding, m.SMDefaultMsgID)
	if len(m.ShortMessage) > MaxShortMessage {
		return dst, fmt.Errorf("short_message: %d octets, at most %d (use message_payload)", len(m.ShortMessage), MaxShortMessage)
	}
	if len(m.ShortMessage) > 0 && m.TLVs.Has(TagMessagePayload) {
		return dst, errors.New("short_message and message_payload are both set")
	}
	dst = append(dst, byte(len(m.ShortMessage)))
	dst = append(dst, m.ShortMessage...)
	return appendTLVs(dst, m.TLVs)
}

func (m *Message) decodeBody(d *decoder) {
	m.ServiceType = d.cstring("service_type", maxServiceType)
	m.Source.TON = d.u8("source_addr_ton")
	m.Source.NPI = d.u8("source_addr_npi")
	m.Source.Addr = d.cstring("source_addr", maxAddr)
	m.Dest.TON = d.u8("dest_addr_ton")
	m.Dest.NPI = d.u8("dest_addr_npi")
	m.Dest.Addr = d.cstring("destination_addr", maxAddr)
	m.ESMClass = d.u8("esm_class")
	m.ProtocolID = d.u8("protocol_id")
	m.PriorityFlag = d.u8("priority_flag")
	m.ScheduleDeliveryTime = d.time("schedule_delivery_time")
	m.ValidityPeriod = d.time("validity_period")
	m.RegisteredDelivery = d.u8("registered_delivery")
	m.ReplaceIfPresent = d.u8("replace_if_present_flag")
	m.DataCoding = d.u8("data_coding")
	m.SMDefaultMsgID = d.u8("sm_default_msg_id")
	n := int(d.u8("sm_length"))
	if d.err == nil && n > MaxShortMessage {
		d.fail("sm_length", StatusInvalidMsgLen, fmt.Errorf("%d, at most %d", n, MaxShortMessage))
	}
	m.ShortMessage = d.octets("short_message", n)
	m.TLVs = d.tlvs()
	if d.err == nil && len(m.ShortMessage) > 0 && m.TLVs.Has(TagMessagePayload) {
		d.fail("message_payload", StatusTLVNotAllowed, errors.New("short_message and message_payload are both set"))
	}
}

// Payload returns the message's user data: short_message, or the
// message_payload TLV when short_message is empty.
func (m *Message) Payload() []byte {
	if len(m.ShortMessage) == 0 {
		if v, ok := m.TLVs.Get(TagMessagePayload); ok {
			return v
		}
	}
	return m.ShortMessage
}

// SubmitSM is the body of submit_sm: a message from us to a handset.
type SubmitSM struct{ Message }

// CommandID implements Body.
func (*SubmitSM) CommandID() CommandID { return SubmitSMID }

// DeliverSM is the body of deliver_sm: an MO or a delivery receipt.
type DeliverSM struct{ Message }

// CommandID implements Body.
func (*DeliverSM) CommandID() CommandID { return DeliverSMID }

// IsReceipt reports whether the deliver_sm is an SMSC delivery receipt
// (esm_class message type 0x04) rather than an MO.
func (d *DeliverSM) IsReceipt() bool { return d.ESMClass&ESMReceiptMask == ESMDeliveryReceipt }

// SubmitSMResp is the body of submit_sm_resp. With a non-OK status the
// body is usually absent and MessageID empty.
type SubmitSMResp struct {
	MessageID string // the SMSC's id; a UUID at Wavy
}

// CommandID implements Body.
func (*SubmitSMResp) CommandID() CommandID { return SubmitSMRespID }

func (r *SubmitSMResp) appendBody(dst []byte, status Status) ([]byte, error) {
	if status != StatusOK && r.MessageID == "" {
		return dst, nil
	}
	return appendCString(dst, "message_id", r.MessageID, maxMessageID)
}

func (r *SubmitSMResp) decodeBody(d *decoder) {
	if d.empty() {
		if d.status == StatusOK {
			d.fail("message_id", StatusInvalidCmdLen, errors.New("missing"))
		}
		return
	}
	r.MessageID = d.cstring("message_id", maxMessageID)
}

// DeliverSMResp is the body of deliver_sm_resp (message_id is unused and
// normally empty).
type DeliverSMResp struct {
	MessageID string
}

// CommandID implements Body.
func (*DeliverSMResp) CommandID() CommandID { return DeliverSMRespID }

func (r *DeliverSMResp) appendBody(dst []byte, status Status) ([]byte, error) {
	if status != StatusOK && r.MessageID == "" {
		return dst, nil
	}
	return appendCString(dst, "message_id", r.MessageID, maxMessageID)
}

func (r *DeliverSMResp) decodeBody(d *decoder) {
	if d.empty() {
		return
	}
	r.MessageID = d.cstring("message_id", maxMessageID)
}

// empty is the body of the PDUs that have none.
type empty struct{}

func (empty) appendBody(dst []byte, _ Status) ([]byte, error) { return dst, nil }
func (empty) decodeBody(*decoder)                             {}

// EnquireLink is the keep-alive request.
type EnquireLink struct{ empty }

// CommandID implements Body.
func (*EnquireLink) CommandID() CommandID { return EnquireLinkID }

// EnquireLinkResp answers enquire_link.
type EnquireLinkResp struct{ empty }

// CommandID implements Body.
func (*EnquireLinkResp) CommandID() CommandID { return EnquireLinkRespID }

// Unbind asks the peer to end the session.
type Unbind struct{ empty }

// CommandID implements Body.
func (*Unbind) CommandID() CommandID { return UnbindID }

// UnbindResp answers unbind.
type UnbindResp struct{ empty }

// CommandID implements Body.
func (*UnbindResp) CommandID() CommandID { return UnbindRespID }

// GenericNack refuses a PDU that could not be decoded (its status says why).
type GenericNack struct{ empty }

// CommandID implements Body.
func (*GenericNack) CommandID() CommandID { return GenericNackID }

// appendCString appends s and a NUL, refusing NULs inside s and strings
// longer than max-1 octets.
func appendCString(dst []byte, field, s string, max int) ([]byte, error) {
	if len(s) > max-1 {
		return dst, fmt.Errorf("%s: %d octets, at most %d", field, len(s), max-1)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return dst, fmt.Errorf("%s: contains a NUL", field)
	}
	dst = append(dst, s...)
	return append(dst, 0), nil
}

// appendTime appends an SMPP time field: empty or exactly 16 characters.
func appendTime(dst []byte, field, s string) ([]byte, error) {
	if s != "" && len(s) != maxTime-1 {
		return dst, fmt.Errorf("%s: %q has %d characters, want 16 or none", field, s, len(s))
	}
	return appendCString(dst, field, s, maxTime)
}

func appendTLVs(dst []byte, ts TLVs) ([]byte, error) {
	for _, t := range ts {
		if err := t.check(); err != nil {
			return dst, err
		}
		dst = binary.BigEndian.AppendUint16(dst, uint16(t.Tag))
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(t.Value)))
		dst = append(dst, t.Value...)
	}
	return dst, nil
}

// decoder reads body fields and remembers the first error.
type decoder struct {
	b         []byte
	off       int
	status    Status // the PDU's command_status
	err       error
	errField  string
	errStatus Status
}

func (d *decoder) fail(field string, st Status, err error) {
	if d.err == nil {
		d.err, d.errField, d.errStatus = err, field, st
	}
}

func (d *decoder) empty() bool { return d.off >= len(d.b) }

func (d *decoder) u8(field string) uint8 {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.b) {
		d.fail(field, StatusInvalidCmdLen, io.ErrUnexpectedEOF)
		return 0
	}
	v := d.b[d.off]
	d.off++
	return v
}

func (d *decoder) octets(field string, n int) []byte {
	if d.err != nil || n == 0 {
		return nil
	}
	if d.off+n > len(d.b) {
		d.fail(field, StatusInvalidMsgLen, fmt.Errorf("%d octets announced, %d left", n, len(d.b)-d.off))
		return nil
	}
	v := make([]byte, n)
	copy(v, d.b[d.off:])
	d.off += n
	return v
}

// cstring reads a NUL-terminated string of at most max octets, the NUL
// included.
func (d *decoder) cstring(field string, max int) string {
	if d.err != nil {
		return ""
	}
	rest := d.b[d.off:]
	limit := min(len(rest), max)
	for i := 0; i < limit; i++ {
		if rest[i] == 0 {
			d.off += i + 1
			return string(rest[:i])
		}
	}
	if len(rest) < max {
		d.fail(field, StatusInvalidCmdLen, errors.New("no terminating NUL before the end of the PDU"))
	} else {
		st, ok := fieldStatus[field]
		if !ok {
			st = StatusInvalidTLVLength
		}
		d.fail(field, st, fmt.Errorf("longer than %d octets", max-1))
	}
	return ""
}

// fieldStatus is the specific status for an over-long mandatory field;
// others get ESME_RINVPARLEN.
var fieldStatus = map[string]Status{
	"system_id":        StatusInvalidSystemID,
	"password":         StatusInvalidPassword,
	"system_type":      StatusInvalidSystemType,
	"service_type":     StatusInvalidServiceType,
	"source_addr":      StatusInvalidSourceAddr,
	"destination_addr": StatusInvalidDestAddr,
	"message_id":       StatusInvalidMessageID,
}

// time reads an SMPP time field: empty or 16 characters.
func (d *decoder) time(field string) string {
	s := d.cstring(field, maxTime)
	if d.err == nil && s != "" && len(s) != maxTime-1 {
		st := StatusInvalidExpiry
		if field == "schedule_delivery_time" {
			st = StatusInvalidSchedule
		}
		d.fail(field, st, fmt.Errorf("%q has %d characters, want 16 or none", s, len(s)))
	}
	return s
}

// tlvs reads optional parameters up to the end of the body.
func (d *decoder) tlvs() TLVs {
	var ts TLVs
	for d.err == nil && d.off < len(d.b) {
		if len(d.b)-d.off < 4 {
			d.fail("tlv", StatusInvalidTLVStream, fmt.Errorf("%d stray octets after the last parameter", len(d.b)-d.off))
			return nil
		}
		tag := Tag(binary.BigEndian.Uint16(d.b[d.off:]))
		n := int(binary.BigEndian.Uint16(d.b[d.off+2:]))
		d.off += 4
		if d.off+n > len(d.b) {
			d.fail(fmt.Sprintf("tlv 0x%04x", uint16(tag)), StatusInvalidTLVStream, fmt.Errorf("%d octets announced, %d left", n, len(d.b)-d.off))
			return nil
		}
		t := TLV{Tag: tag, Value: make([]byte, n)}
		copy(t.Value, d.b[d.off:])
		d.off += n
		if err := t.check(); err != nil {
			d.fail(fmt.Sprintf("tlv 0x%04x", uint16(tag)), StatusInvalidTLVLength, err)
			return nil
		}
		ts = append(ts, t)
	}
	return ts
}
