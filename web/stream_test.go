package web

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestEventStreamsReachTheSocketLive: the first frame of an event stream
// reaches a real client while the stream is still open. (The request log
// used to ask for the response body's size, which made fasthttp drain the
// whole stream first: nothing arrived until the stream ended.)
func TestEventStreamsReachTheSocketLive(t *testing.T) {
	e := newReportEnv(t)
	b := e.browser(t)
	b.signIn("viewer@example.com")
	base := e.serve(t)
	req, _ := http.NewRequest("GET", base+e.path("/events"), nil)
	var cs []string
	for k, v := range b.cookies {
		cs = append(cs, k+"="+v)
	}
	req.Header.Set("Cookie", strings.Join(cs, "; "))
	client := &http.Client{Timeout: 0}
	type line struct {
		text string
		err  error
	}
	got := make(chan line, 1)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			got <- line{err: err}
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			got <- line{text: resp.Status}
			return
		}
		l, err := bufio.NewReader(resp.Body).ReadString('\n')
		got <- line{l, err}
	}()
	select {
	case l := <-got:
		if l.err != nil || !strings.HasPrefix(l.text, ": open") {
			t.Fatalf("first line of the report stream got %q (%v), want the opening comment", l.text, l.err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no frame of the report stream reached the socket within 3s while the stream was open")
	}
	if !strings.Contains(e.logs.String(), "streamed=true") {
		t.Errorf("the request log does not mark the streamed answer:\n%s", e.logs.String())
	}
}
