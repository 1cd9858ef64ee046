package delivery

import (
	"net/url"
	"testing"
	"time"

	"arauto/internal/wavy"
)

// TestSMSMOFromQuery: a reply forwarded by GET reads exactly like the
// POST form of the same reply.
func TestSMSMOFromQuery(t *testing.T) {
	post := `{"id":"25950050-7362-11e6-be62-001b7843e7d4","subAccount":"Marketing","campaignAlias":"Promo","carrierId":1,` +
		`"carrierName":"VIVO","source":"5516981562820","shortCode":"28128","messageText":"Eu quero pizza","receivedAt":1473088405588,` +
		`"receivedDate":"2016-09-05T12:13:25Z","mt":{"id":"8be584fd-2554-439b-9ba9-aab507278992","correlationId":"a7-2s","username":"iFoodCS"}}`
	want, err := wavy.ParseSMSMO([]byte(post))
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"id": {"25950050-7362-11e6-be62-001b7843e7d4"}, "subAccount": {"Marketing"}, "campaignAlias": {"Promo"},
		"carrierId": {"1"}, "carrierName": {"VIVO"}, "source": {"5516981562820"}, "shortCode": {"28128"},
		"messageText": {"Eu quero pizza"}, "receivedAt": {"1473088405588"}, "receivedDate": {"2016-09-05T12:13:25Z"},
		"mt.id": {"8be584fd-2554-439b-9ba9-aab507278992"}, "mt[correlationId]": {"a7-2s"}, "mt.username": {"iFoodCS"}, "other": {"x"}}
	body, err := SMSMOFromQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	kind, items, err := Classify("sms-mo", body)
	if err != nil || kind != KindSMSMO || items != 1 {
		t.Fatalf("Classify(%s) = %s %d %v, want one SMS reply", body, kind, items, err)
	}
	got, err := wavy.ParseSMSMO(body)
	if err != nil || len(got) != 1 {
		t.Fatalf("parse %s: %v", body, err)
	}
	g, w := got[0], want[0]
	if g.ID != w.ID || g.Source != w.Source || g.MessageText != w.MessageText || !g.ReceivedAt.Equal(w.ReceivedAt) ||
		g.CarrierName != w.CarrierName || g.MT == nil || g.MT.CorrelationID != "a7-2s" || g.ShortCode != w.ShortCode {
		t.Errorf("GET reply got %+v, want %+v", g, w)
	}
	if !g.ReceivedAt.Equal(time.UnixMilli(1473088405588)) {
		t.Errorf("received at %v", g.ReceivedAt)
	}
	// A bare correlationId names the message too; an empty query is refused.
	if b, _ := SMSMOFromQuery(url.Values{"source": {"5511999990000"}, "messageText": {"SAIR"}, "correlationId": {"a7-2t"}}); b == nil {
		t.Errorf("a reply with a bare correlationId was refused")
	} else if mo, _ := wavy.ParseSMSMO(b); len(mo) != 1 || mo[0].MT == nil || mo[0].MT.CorrelationID != "a7-2t" {
		t.Errorf("bare correlationId got %+v", mo)
	}
	if _, err := SMSMOFromQuery(url.Values{"foo": {"bar"}}); err == nil {
		t.Errorf("a query without a reply was accepted")
	}
}
