package esme

import (
	"testing"
	"time"

	"arauto/internal/smpp"
	"arauto/internal/wavy"
)

func receipt(text string, tlvs ...smpp.TLV) *smpp.DeliverSM {
	return &smpp.DeliverSM{Message: smpp.Message{
		Source: smpp.Address{TON: 1, NPI: 1, Addr: "5511999990000"}, Dest: smpp.Address{Addr: "arauto"},
		ESMClass: smpp.ESMDeliveryReceipt, ShortMessage: []byte(text), TLVs: tlvs,
	}}
}

func TestStatusFromReceipt(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	done := time.Date(2026, 5, 1, 11, 59, 30, 0, time.UTC)
	const id = "5f0e1c2a-0d4e-4c1b-9e55-1f2a3b4c5d6e"
	text := func(stat, err string) string {
		return "id:" + id + " sub:001 dlvrd:000 submit date:260501115900 done date:260501115930 stat:" + stat + " err:" + err + " text:Oi"
	}
	tests := []struct {
		name string
		d    *smpp.DeliverSM
		want wavy.SMSStatus
		err  bool
	}{
		{"ACCEPTD from the text", receipt(text("ACCEPTD", "000")),
			wavy.SMSStatus{ID: id, Destination: "5511999990000", SentStatusCode: 2, SentStatus: "SENT_SUCCESS", SentAt: done}, false},
		{"DELIVRD from the text", receipt(text("DELIVRD", "000")),
			wavy.SMSStatus{ID: id, Destination: "5511999990000", SentStatusCode: 2, SentStatus: "SENT_SUCCESS",
				DeliveredStatusCode: 4, DeliveredStatus: "DELIVERED_SUCCESS", DeliveredAt: done}, false},
		{"UNDELIV from the text", receipt(text("UNDELIV", "104")),
			wavy.SMSStatus{ID: id, Destination: "5511999990000", SentStatusCode: 2, SentStatus: "SENT_SUCCESS",
				DeliveredStatusCode: 104, DeliveredStatus: "NOT_DELIVERED", DeliveredAt: done}, false},
		{"REJECTD 202 from the text", receipt(text("REJECTD", "202")),
			wavy.SMSStatus{ID: id, Destination: "5511999990000", SentStatusCode: 202, SentStatus: "INVALID_DESTINATION_NUMBER", SentAt: done}, false},
		{"EXPIRED from the text", receipt(text("EXPIRED", "101")),
			wavy.SMSStatus{ID: id, Destination: "5511999990000", SentStatusCode: 101, SentStatus: "EXPIRED", SentAt: done}, false},
		{"UNKNOWN 301 from the text", receipt(text("UNKNOWN", "301")),
			wavy.SMSStatus{ID: id, Destination: "5511999990000", SentStatusCode: 301, SentStatus: "INTERNAL_ERROR", SentAt: done}, false},
		{"TLVs win over the text", receipt(text("REJECTD", "000"),
			smpp.CStringTLV(smpp.TagSentStatusCode, "204"), smpp.CStringTLV(smpp.TagSentStatus, "DESTINATION_BLOCKED_BY_OPTOUT")),
			wavy.SMSStatus{ID: id, Destination: "5511999990000", SentStatusCode: 204, SentStatus: "DESTINATION_BLOCKED_BY_OPTOUT", SentAt: done}, false},
		{"second-level TLVs, binary codes, names from the catalogue", receipt(text("DELIVRD", "000"),
			smpp.TLV{Tag: smpp.TagSentStatusCode, Value: []byte{2}}, smpp.TLV{Tag: smpp.TagDeliveredStatusCode, Value: []byte{0, 4}}),
			wavy.SMSStatus{ID: id, Destination: "5511999990000", SentStatusCode: 2, SentStatus: "SENT_SUCCESS",
				DeliveredStatusCode: 4, DeliveredStatus: "DELIVERED_SUCCESS", DeliveredAt: done}, false},
		{"receipted_message_id and correlationId TLVs, no text", receipt("",
			smpp.CStringTLV(smpp.TagReceiptedMessageID, "abc"), smpp.CStringTLV(smpp.TagCorrelationID, "a1-2"),
			smpp.CStringTLV(smpp.TagDeliveredStatus, "NOT_DELIVERED")),
			wavy.SMSStatus{ID: "abc", CorrelationID: "a1-2", Destination: "5511999990000", SentStatusCode: 2, SentStatus: "SENT_SUCCESS",
				DeliveredStatusCode: 104, DeliveredStatus: "NOT_DELIVERED", DeliveredAt: now}, false},
		{"no id anywhere", receipt("stat:DELIVRD err:000"), wavy.SMSStatus{}, true},
		{"id but no status", receipt("", smpp.CStringTLV(smpp.TagReceiptedMessageID, "abc")), wavy.SMSStatus{}, true},
	}
	for _, tc := range tests {
		got, err := StatusFromReceipt(tc.d, smpp.TagCorrelationID, now)
		if (err != nil) != tc.err {
			t.Errorf("%s: error got %v, want error %v", tc.name, err, tc.err)
			continue
		}
		if !tc.err && got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
	if _, err := StatusFromReceipt(receipt(text("ENROUTE", "000")), smpp.TagCorrelationID, now); err != errIntermediate {
		t.Errorf("ENROUTE got %v, want errIntermediate", err)
	}
}

func TestMOFromDeliver(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.FixedZone("BRT", -3*3600))
	d := &smpp.DeliverSM{Message: smpp.Message{Source: smpp.Address{Addr: "5511999990000"}, Dest: smpp.Address{Addr: "arauto"},
		TLVs: smpp.TLVs{smpp.CStringTLV(smpp.TagReceiptedMessageID, "mo-1")}}}
	got := MOFromDeliver(d, "SAIR", now)
	want := wavy.SMSMO{ID: "mo-1", Source: "5511999990000", ShortCode: "arauto", MessageText: "SAIR", ReceivedAt: now.UTC()}
	if got.ID != want.ID || got.Source != want.Source || got.ShortCode != want.ShortCode || got.MessageText != want.MessageText ||
		!got.ReceivedAt.Equal(want.ReceivedAt) || got.ReceivedAt.Location() != time.UTC || got.MT != nil {
		t.Errorf("got %+v, want %+v", got, want)
	}
	d.TLVs = nil
	a, b := MOFromDeliver(d, "x", now), MOFromDeliver(d, "x", now)
	if len(a.ID) != 36 || a.ID == b.ID {
		t.Errorf("MOs without an SMSC id got ids %q and %q, want two distinct UUIDs", a.ID, b.ID)
	}
}

func TestAssemblerJoinsPartsInAnyOrder(t *testing.T) {
	var a assembler
	now := time.Now()
	if _, ok := a.add("k", smpp.Concat{Ref: 7, Total: 3, Seq: 3}, "!", now); ok {
		t.Fatal("complete after one part of three")
	}
	if _, ok := a.add("k", smpp.Concat{Ref: 7, Total: 3, Seq: 1}, "Quero ", now); ok {
		t.Fatal("complete after two parts of three")
	}
	if _, ok := a.add("other", smpp.Concat{Ref: 7, Total: 3, Seq: 2}, "x", now); ok {
		t.Fatal("a part of another sender completed the message")
	}
	got, ok := a.add("k", smpp.Concat{Ref: 7, Total: 3, Seq: 2}, "saber mais", now)
	if !ok || got != "Quero saber mais!" {
		t.Fatalf("got %q %v", got, ok)
	}
	// Stale parts expire; the table never grows past its bound.
	a.add("old", smpp.Concat{Ref: 1, Total: 2, Seq: 1}, "a", now)
	if _, ok := a.add("old", smpp.Concat{Ref: 1, Total: 2, Seq: 2}, "b", now.Add(partialMOTTL+time.Second)); ok {
		t.Error("a part older than the TTL completed a message")
	}
	for i := 0; i < maxPartialMOs+50; i++ {
		a.add("k", smpp.Concat{Ref: uint16(i), Total: 2, Seq: 1}, "a", now.Add(time.Duration(i)))
	}
	if n := len(a.partial); n > maxPartialMOs {
		t.Errorf("partial table has %d entries, want at most %d", n, maxPartialMOs)
	}
}
