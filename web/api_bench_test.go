package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"arauto/internal/apitoken"
	"arauto/internal/user"
)

// BenchmarkAPISendMessage is the transactional send endpoint alone
// (authentication, checks, the durable write), over a real socket, one
// request after another: what one message costs the console before its
// answer.
func BenchmarkAPISendMessage(b *testing.B) {
	e := newTestServer(&testing.T{})
	e.addUser(&testing.T{}, marketer, user.Marketer)
	base := e.serve(&testing.T{})
	u, _ := e.store.UserByEmail(b.Context(), marketer)
	secret, hash := apitoken.NewSecret()
	if err := e.store.CreateToken(b.Context(), &apitoken.Token{Name: "bench", Role: user.Marketer, OwnerID: u.ID, RatePerMinute: apitoken.MaxPerMinute, CreatedAt: time.Now()}, hash); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{}
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	b.ResetTimer()
	for i := range b.N {
		body := fmt.Sprintf(`{"channel":"sms","to":"119%08d","text":"Pedido %d confirmado!","correlation_id":"p-%d"}`, 81000000+i%1000000, i, i)
		req, _ := http.NewRequest("POST", base+apiPrefix+"/messages", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprint("k-", i))
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 202 {
			b.Fatalf("got %d", resp.StatusCode)
		}
	}
	b.StopTimer()
	// CPU (user and system) of the whole process, client included, per
	// request: what the machine pays, whatever else runs on it.
	var after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) / time.Duration(b.N)
	b.ReportMetric(float64(cpu.Microseconds()), "cpu-µs/op")
}
