package smpp

import (
	"reflect"
	"testing"
	"time"
)

// FuzzUnmarshal feeds arbitrary octets to the decoder: it must never
// panic, and whatever it accepts must encode again and decode to the same
// PDU. The seed corpus in testdata/fuzz/FuzzUnmarshal holds one PDU of
// every kind plus broken ones.
func FuzzUnmarshal(f *testing.F) {
	for _, tc := range wireCases {
		f.Add(unhex(f, tc.hex))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Unmarshal(b)
		if err != nil {
			return
		}
		out, err := Marshal(p)
		if err != nil {
			t.Fatalf("decoded %+v but cannot encode it: %v", p, err)
		}
		again, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("re-decoding % x: %v", out, err)
		}
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("round trip changed the PDU:\n%+v\n%+v", p, again)
		}
	})
}

// FuzzDeliverSMText runs what a receiver does with an incoming deliver_sm
// body (UDH, text decoding, receipt parsing) on arbitrary octets.
func FuzzDeliverSMText(f *testing.F) {
	f.Add(uint8(0), uint8(0), []byte("id:1 sub:001 dlvrd:001 submit date:2401311030 done date:2401311031 stat:DELIVRD err:000 text:x"))
	f.Add(uint8(ESMUDHI), CodingUCS2, []byte{5, 0, 3, 1, 2, 1, 0, 'A'})
	f.Add(uint8(ESMUDHI), CodingGSM7, []byte{6, 8, 4, 0, 1, 2, 2, 0x1B, 0x65})
	f.Fuzz(func(t *testing.T, esm, coding uint8, sm []byte) {
		body := sm
		if esm&ESMUDHI != 0 {
			var err error
			if _, _, body, err = SplitUDH(sm); err != nil {
				return
			}
		}
		text, err := DecodeText(coding, body)
		if err != nil {
			return
		}
		if r, err := ParseReceipt(text); err == nil {
			_ = r.String()
		}
		_, _ = ParseTime(text, time.Time{})
	})
}
