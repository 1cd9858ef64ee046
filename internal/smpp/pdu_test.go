package smpp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// unhex decodes a hex string with spaces, for byte vectors written by hand
// from the SMPP 3.4 field tables.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// The byte vectors below were written from the field tables of SMPP 3.4
// §4, not produced by this package.
var wireCases = []struct {
	name string
	pdu  PDU
	hex  string
}{
	{"enquire_link", PDU{Seq: 1, Body: &EnquireLink{}},
		"00000010 00000015 00000000 00000001"},
	{"enquire_link_resp", PDU{Seq: 0x7fffffff, Body: &EnquireLinkResp{}},
		"00000010 80000015 00000000 7fffffff"},
	{"unbind", PDU{Seq: 9, Body: &Unbind{}}, "00000010 00000006 00000000 00000009"},
	{"unbind_resp", PDU{Seq: 9, Body: &UnbindResp{}}, "00000010 80000006 00000000 00000009"},
	{"generic_nack", PDU{Status: StatusInvalidCmdID, Seq: 5, Body: &GenericNack{}},
		"00000010 80000000 00000003 00000005"},
	{"bind_transceiver", PDU{Seq: 2, Body: &Bind{Kind: BindTransceiver, SystemID: "arauto", Password: "secret",
		SystemType: "MovileSMSC", InterfaceVersion: 0x34, AddrTON: 1, AddrNPI: 1}},
		"0000002d 00000009 00000000 00000002" +
			"6172 6175 746f 00" + // system_id "arauto"
			"7365 6372 6574 00" + // password "secret"
			"4d6f 7669 6c65 534d 5343 00" + // system_type "MovileSMSC"
			"34 01 01 00"}, // interface_version, addr_ton, addr_npi, address_range ""
	{"bind_transmitter", PDU{Seq: 3, Body: &Bind{Kind: BindTransmitter, SystemID: "a", Password: "b", InterfaceVersion: 0x34}},
		"00000019 00000002 00000000 00000003 6100 6200 00 34 00 00 00"},
	{"bind_receiver", PDU{Seq: 4, Body: &Bind{Kind: BindReceiver, SystemID: "a", Password: "b", InterfaceVersion: 0x34}},
		"00000019 00000001 00000000 00000004 6100 6200 00 34 00 00 00"},
	{"bind_transceiver_resp with sc_interface_version", PDU{Seq: 2, Body: &BindResp{Kind: BindTransceiver, SystemID: "SMSC",
		TLVs: TLVs{Uint8TLV(TagSCInterfaceVersion, 0x34)}}},
		"0000001a 80000009 00000000 00000002 534d534300 0210 0001 34"},
	{"bind_transmitter_resp refused without body", PDU{Status: StatusInvalidPassword, Seq: 3, Body: &BindResp{Kind: BindTransmitter}},
		"00000010 80000002 0000000e 00000003"},
	{"bind_receiver_resp", PDU{Seq: 4, Body: &BindResp{Kind: BindReceiver, SystemID: "S"}},
		"00000012 80000001 00000000 00000004 5300"},
	{"submit_sm", PDU{Seq: 7, Body: &SubmitSM{Message{
		Source: Address{TON: 1, NPI: 1, Addr: "arauto"}, Dest: Address{TON: 1, NPI: 1, Addr: "5511999990000"},
		ValidityPeriod: "000001000000000R", RegisteredDelivery: 1, DataCoding: CodingGSM7,
		ShortMessage: []byte("Oi"), TLVs: TLVs{CStringTLV(TagCorrelationID, "a1-2")}}}},
		"0000004f 00000004 00000000 00000007" +
			"00" + // service_type ""
			"01 01 6172 6175 746f 00" + // source ton, npi, "arauto"
			"01 01 3535 3131 3939 3939 3930 3030 3000" + // dest ton, npi, "5511999990000"
			"00 00 00" + // esm_class, protocol_id, priority_flag
			"00" + // schedule_delivery_time ""
			"3030 3030 3031 3030 3030 3030 3030 3052 00" + // validity_period
			"01 00 00 00" + // registered_delivery, replace_if_present, data_coding, sm_default_msg_id
			"02 4f69" + // sm_length, short_message
			"1400 0005 6131 2d32 00"}, // correlationId TLV
	{"submit_sm_resp", PDU{Seq: 7, Body: &SubmitSMResp{MessageID: "9f1c"}},
		"00000015 80000004 00000000 00000007 3966 3163 00"},
	{"submit_sm_resp throttled without body", PDU{Status: StatusThrottled, Seq: 8, Body: &SubmitSMResp{}},
		"00000010 80000004 00000058 00000008"},
	{"deliver_sm receipt", PDU{Seq: 1, Body: &DeliverSM{Message{
		Source: Address{TON: 1, NPI: 1, Addr: "55"}, Dest: Address{TON: 1, NPI: 1, Addr: "a"},
		ESMClass: ESMDeliveryReceipt, ShortMessage: []byte("id:x stat:DELIVRD"),
		TLVs: TLVs{CStringTLV(TagReceiptedMessageID, "x"), Uint8TLV(TagMessageState, StateDelivered),
			CStringTLV(TagSentStatusCode, "2"), CStringTLV(TagDeliveredStatusCode, "4")}}}},
		"0000004c 00000005 00000000 00000001" +
			"00 0101 353500 0101 6100 04 00 00 00 00 00 00 00 00" +
			"11 69643a78 20737461 743a4445 4c495652 44" +
			"001e 0002 7800 0427 0001 02 1403 0002 3200 1405 0002 3400"},
	{"deliver_sm_resp", PDU{Seq: 1, Body: &DeliverSMResp{}}, "00000011 80000005 00000000 00000001 00"},
	{"deliver_sm_resp temporary error", PDU{Status: StatusTempAppError, Seq: 1, Body: &DeliverSMResp{}},
		"00000010 80000005 00000064 00000001"},
}

func TestMarshalMatchesSpecificationBytes(t *testing.T) {
	for _, tc := range wireCases {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.hex)
			got, err := Marshal(tc.pdu)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Marshal got\n% x\nwant\n% x", got, want)
			}
		})
	}
}

func TestUnmarshalSpecificationBytes(t *testing.T) {
	for _, tc := range wireCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Unmarshal(unhex(t, tc.hex))
			if err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if !reflect.DeepEqual(got, tc.pdu) {
				t.Errorf("Unmarshal got %+v, want %+v", got, tc.pdu)
			}
		})
	}
}

func TestUnmarshalRefusesBadPDUs(t *testing.T) {
	tests := []struct {
		name       string
		hex        string
		framing    bool
		wantStatus Status
		wantField  string
	}{
		{"too short for a header", "00000010 00000015", true, 0, ""},
		{"command_length below 16", "0000000f 00000015 00000000 00000001", true, 0, ""},
		{"command_length above MaxLength", "00100000 00000015 00000000 00000001", true, 0, ""},
		{"command_length disagrees with the octets", "00000011 00000015 00000000 00000001", true, 0, ""},
		{"unknown command", "00000010 00000099 00000000 00000001", false, StatusInvalidCmdID, "command_id"},
		{"enquire_link with a body", "00000011 00000015 00000000 00000001 00", false, StatusInvalidCmdLen, "command_length"},
		{"bind without NUL", "00000013 00000009 00000000 00000001 616263", false, StatusInvalidCmdLen, "system_id"},
		{"system_id of 16 characters", "00000031 00000009 00000000 00000001 " + strings.Repeat("61", 16) + "00 00 00 34 00 00 00 " + strings.Repeat("00", 10),
			false, StatusInvalidSystemID, "system_id"},
		{"password of 9 characters", "00000021 00000009 00000000 00000001 6100 " + strings.Repeat("62", 9) + "00 00 34 00 00 00",
			false, StatusInvalidPassword, "password"},
		{"bind missing interface_version", "00000015 00000009 00000000 00000001 6100 6200 00", false, StatusInvalidCmdLen, "interface_version"},
		{"submit_sm with sm_length past the end", "00000025 00000004 00000000 00000001 00 0101 6100 0101 3500 00 00 00 00 00 01 00 00 00 05 4142",
			false, StatusInvalidMsgLen, "short_message"},
		{"submit_sm with a 15-character validity", "00000032 00000004 00000000 00000001 00 0101 6100 0101 3500 00 00 00 00 " + strings.Repeat("30", 15) + "00 01 00 00 00 00",
			false, StatusInvalidExpiry, "validity_period"},
		{"submit_sm with a stray octet after the TLVs", "00000026 00000004 00000000 00000001 00 0101 6100 0101 3500 00 00 00 00 00 01 00 00 00 00 000102",
			false, StatusInvalidTLVStream, "tlv"},
		{"submit_sm with a TLV longer than the PDU", "00000028 00000004 00000000 00000001 00 0101 6100 0101 3500 00 00 00 00 00 01 00 00 00 00 0424 0009 41",
			false, StatusInvalidTLVStream, "tlv 0x0424"},
		{"sar_total_segments of two octets", "00000029 00000004 00000000 00000001 00 0101 6100 0101 3500 00 00 00 00 00 01 00 00 00 00 020e 0002 0102",
			false, StatusInvalidTLVLength, "tlv 0x020e"},
		{"short_message and message_payload together", "00000029 00000004 00000000 00000001 00 0101 6100 0101 3500 00 00 00 00 00 01 00 00 00 01 41 0424 0001 42",
			false, StatusTLVNotAllowed, "message_payload"},
		{"submit_sm_resp OK without message_id", "00000010 80000004 00000000 00000001", false, StatusInvalidCmdLen, "message_id"},
		{"destination of 21 characters", "00000037 00000004 00000000 00000001 00 0101 6100 0101 " + strings.Repeat("35", 21) + "00 00 00 00 00 00 01 00 00 00 00",
			false, StatusInvalidDestAddr, "destination_addr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Unmarshal(unhex(t, tc.hex))
			if err == nil {
				t.Fatal("Unmarshal got no error, want one")
			}
			if tc.framing {
				if !errors.Is(err, ErrFraming) {
					t.Errorf("Unmarshal got %v, want a framing error", err)
				}
				return
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Unmarshal got %T %v, want *Error", err, err)
			}
			if pe.Status != tc.wantStatus || pe.Field != tc.wantField {
				t.Errorf("Unmarshal got status %s field %q, want %s %q (%v)", pe.Status, pe.Field, tc.wantStatus, tc.wantField, err)
			}
			if pe.Header.Seq != 1 && pe.Header.Seq != 0 {
				t.Errorf("Error header seq got %d, want the PDU's", pe.Header.Seq)
			}
		})
	}
}

func TestMarshalRefusesWhatTheWireCannotCarry(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct {
		name string
		body Body
		want string
	}{
		{"system_id over 15", &Bind{SystemID: strings.Repeat("s", 16)}, "system_id"},
		{"password over 8", &Bind{Password: "123456789"}, "password"},
		{"system_type over 12", &Bind{SystemType: "MovileSMSC-xyz"}, "system_type"},
		{"NUL inside a string", &Bind{SystemID: "a\x00b"}, "contains a NUL"},
		{"destination over 20", &SubmitSM{Message{Dest: Address{Addr: strings.Repeat("5", 21)}}}, "destination_addr"},
		{"short_message over 254", &SubmitSM{Message{ShortMessage: []byte(long[:255])}}, "short_message"},
		{"validity not 16 characters", &SubmitSM{Message{ValidityPeriod: "1d"}}, "validity_period"},
		{"payload and short_message", &SubmitSM{Message{ShortMessage: []byte("a"), TLVs: TLVs{{Tag: TagMessagePayload, Value: []byte("b")}}}}, "both set"},
		{"fixed-size TLV of the wrong size", &SubmitSM{Message{TLVs: TLVs{{Tag: TagSARSegmentSeqnum, Value: []byte{1, 2}}}}}, "tlv 0x020f"},
		{"correlationId TLV over 64", &SubmitSM{Message{TLVs: TLVs{CStringTLV(TagCorrelationID, strings.Repeat("c", 65))}}}, "tlv 0x1400"},
		{"message_id over 64", &SubmitSMResp{MessageID: strings.Repeat("i", 65)}, "message_id"},
		{"PDU over MaxLength", &SubmitSM{Message{TLVs: TLVs{{Tag: TagMessagePayload, Value: make([]byte, MaxLength)}}}}, "more than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := []byte("keep")
			got, err := Append(dst, PDU{Seq: 1, Body: tc.body})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Append got error %v, want one mentioning %q", err, tc.want)
			}
			if string(got) != "keep" {
				t.Errorf("Append after an error got dst %q, want it unchanged", got)
			}
		})
	}
}

func TestReadStream(t *testing.T) {
	var stream []byte
	for _, tc := range wireCases {
		stream = append(stream, unhex(t, tc.hex)...)
	}
	// A PDU with an unknown command is skipped whole: the next one reads.
	stream = append(stream, unhex(t, "00000014 00000077 00000000 00000042 01020304")...)
	stream = append(stream, unhex(t, wireCases[0].hex)...)
	r := bytes.NewReader(stream)
	for _, tc := range wireCases {
		p, err := Read(r)
		if err != nil {
			t.Fatalf("Read %s: %v", tc.name, err)
		}
		if p.ID() != tc.pdu.ID() || p.Seq != tc.pdu.Seq {
			t.Fatalf("Read got %s seq %d, want %s seq %d", p.ID(), p.Seq, tc.pdu.ID(), tc.pdu.Seq)
		}
	}
	_, err := Read(r)
	var pe *Error
	if !errors.As(err, &pe) || pe.Header.Seq != 0x42 || pe.Status != StatusInvalidCmdID {
		t.Fatalf("Read of an unknown command got %v, want *Error for seq 0x42", err)
	}
	if p, err := Read(r); err != nil || p.ID() != EnquireLinkID {
		t.Fatalf("Read after the unknown command got %v %v, want enquire_link", p, err)
	}
	if _, err := Read(r); err != io.EOF {
		t.Fatalf("Read at the end got %v, want io.EOF", err)
	}
	if _, err := Read(bytes.NewReader(unhex(t, "00000020 00000015 00000000 00000001"))); err != io.ErrUnexpectedEOF {
		t.Fatalf("Read of a truncated PDU got %v, want io.ErrUnexpectedEOF", err)
	}
	if _, err := Read(bytes.NewReader(unhex(t, "ffffffff 00000015 00000000 00000001"))); !errors.Is(err, ErrFraming) {
		t.Fatalf("Read of an absurd length got %v, want ErrFraming", err)
	}
}

func TestTLVHelpers(t *testing.T) {
	ts := TLVs{
		Uint16TLV(TagSARMsgRefNum, 0x1234),
		CStringTLV(TagReceiptedMessageID, "abc"),
		CStringTLV(TagSentStatusCode, "104"),
		{Tag: TagDeliveredStatusCode, Value: []byte{0x00, 0x04}},
		{Tag: TagSentStatus, Value: []byte("SENT_SUCCESS")},
	}
	if v, ok := ts.Uint(TagSARMsgRefNum); !ok || v != 0x1234 {
		t.Errorf("Uint got %x %v, want 1234", v, ok)
	}
	if v, ok := ts.String(TagReceiptedMessageID); !ok || v != "abc" {
		t.Errorf("String got %q %v, want abc", v, ok)
	}
	if v, ok := ts.String(TagSentStatus); !ok || v != "SENT_SUCCESS" {
		t.Errorf("String without NUL got %q %v, want SENT_SUCCESS", v, ok)
	}
	if v, ok := ts.Code(TagSentStatusCode); !ok || v != 104 {
		t.Errorf("Code of text got %d %v, want 104", v, ok)
	}
	if v, ok := ts.Code(TagDeliveredStatusCode); !ok || v != 4 {
		t.Errorf("Code of binary got %d %v, want 4", v, ok)
	}
	if _, ok := ts.Code(TagDeliveredStatus); ok {
		t.Errorf("Code of a missing tag got ok")
	}
	ts.Set(TagSARMsgRefNum, []byte{0, 1})
	ts.Set(TagMessageState, []byte{StateDelivered})
	if v, _ := ts.Uint(TagSARMsgRefNum); v != 1 || len(ts) != 6 {
		t.Errorf("Set got %x with %d TLVs, want 1 with 6", v, len(ts))
	}
}

func TestStatusClasses(t *testing.T) {
	tests := []struct {
		s                     Status
		name                  string
		temporary, credential bool
	}{
		{StatusThrottled, "ESME_RTHROTTLED", true, false},
		{StatusMsgQueueFull, "ESME_RMSGQFUL", true, false},
		{StatusSystemError, "ESME_RSYSERR", true, false},
		{StatusTempAppError, "ESME_RX_T_APPN", true, false},
		{StatusInvalidDestAddr, "ESME_RINVDSTADR", false, false},
		{StatusSubmitFailed, "ESME_RSUBMITFAIL", false, false},
		{StatusInvalidPassword, "ESME_RINVPASWD", false, true},
		{StatusInvalidSystemID, "ESME_RINVSYSID", false, true},
		{StatusInvalidSystemType, "ESME_RINVSYSTYP", false, true},
		{Status(0x400), "status 0x00000400", false, false},
	}
	for _, tc := range tests {
		if tc.s.String() != tc.name || tc.s.Temporary() != tc.temporary || tc.s.Credentials() != tc.credential {
			t.Errorf("%#x got %s temporary %v credentials %v, want %s %v %v", uint32(tc.s), tc.s, tc.s.Temporary(), tc.s.Credentials(),
				tc.name, tc.temporary, tc.credential)
		}
	}
	var err error = StatusThrottled
	if !errors.Is(err, StatusThrottled) || err.Error() != "smpp: ESME_RTHROTTLED" {
		t.Errorf("Status as error got %v", err)
	}
}
