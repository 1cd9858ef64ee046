package wavy

import "testing"

// statusBenchBody is one SMS delivery report as the console's webhook
// receiver stores it (the applier reads two statuses per message).
var statusBenchBody = []byte(`{"id":"6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f","correlationId":"a1-3kf9","carrierId":5,"carrierName":"VIVO",` +
	`"destination":"5511987654321","sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentAt":1764768000000,"sentDate":"2025-12-03T12:00:00Z",` +
	`"deliveredStatusCode":4,"deliveredStatus":"DELIVERED_SUCCESS","deliveredAt":1764768001000,"deliveredDate":"2025-12-03T12:00:01Z","campaignId":"1"}`)

// BenchmarkParseSMSStatus reads the report as the applier does (the fast
// path for flat bodies).
func BenchmarkParseSMSStatus(b *testing.B) {
	for b.Loop() {
		if _, err := ParseSMSStatus(statusBenchBody); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseSMSStatusGeneral reads it through encoding/json, as every
// body was read before the fast path (the reference for the ratio).
func BenchmarkParseSMSStatusGeneral(b *testing.B) {
	for b.Loop() {
		if _, err := parseSMSStatusGeneral(statusBenchBody); err != nil {
			b.Fatal(err)
		}
	}
}
