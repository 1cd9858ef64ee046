package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// benchBodies pre-builds send-bulk-sms bodies of 1000 personalised messages.
func benchBodies(n int) []string {
	bodies := make([]string, n)
	for j := range bodies {
		var b strings.Builder
		b.WriteString(`{"messages":[`)
		for i := range 1000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"destination":"55%02d9%08d","correlationId":"camp42-%d-%d","messageText":"Olá Cliente %d, sua fatura de março vence amanhã. Pague com Pix e ganhe 5%% de desconto."}`,
				11+i%80, j*1000+i, j, i, i)
		}
		b.WriteString(`],"campaignAlias":"marco"}`)
		bodies[j] = b.String()
	}
	return bodies
}

func benchRequest(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/v1/send-bulk-sms", strings.NewReader(body))
	req.Header.Set("UserName", DefaultUsername)
	req.Header.Set("AuthenticationToken", DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// BenchmarkSendBulk1000 measures messages per second through ServeHTTP with
// zero delays, 1000 personalised messages per request.
func BenchmarkSendBulk1000(b *testing.B) {
	bodies := benchBodies(32)
	s := New(Options{RateLimit: -1})
	defer s.Close()
	b.SetBytes(int64(len(bodies[0])))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, benchRequest(bodies[i%len(bodies)]))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkSendBulk1000Parallel is the same with concurrent clients, as the
// dispatcher runs them.
func BenchmarkSendBulk1000Parallel(b *testing.B) {
	bodies := benchBodies(32)
	s := New(Options{RateLimit: -1})
	defer s.Close()
	b.SetBytes(int64(len(bodies[0])))
	b.ReportAllocs()
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, benchRequest(bodies[next.Add(1)%int64(len(bodies))]))
			if rec.Code != http.StatusOK {
				b.Errorf("status %d", rec.Code)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkSendBulk1000Webhooks adds webhook scheduling (to a URL nobody
// serves quickly) to show the send path does not wait on delivery.
func BenchmarkSendBulk1000Webhooks(b *testing.B) {
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer hooks.Close()
	bodies := benchBodies(32)
	s := New(Options{RateLimit: -1, StatusURL: hooks.URL, MOURL: hooks.URL})
	defer s.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, benchRequest(bodies[i%len(bodies)]))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "msgs/s")
}
