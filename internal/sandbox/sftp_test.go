package sandbox

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"arauto/internal/wavysftp"
)

func startTestSFTP(t *testing.T, s *Sandbox, o SFTPOptions) (*SFTPServer, *wavysftp.Client) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := s.ServeSFTP(ln, o)
	if err != nil {
		t.Fatal(err)
	}
	c, err := wavysftp.New(wavysftp.Config{Addr: ln.Addr().String(), Username: DefaultUsername, Password: DefaultToken, PollInterval: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); srv.Close() })
	return srv, c
}

func uploadAndWait(t *testing.T, c *wavysftp.Client, name, data string) wavysftp.Fate {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Upload(ctx, name, []byte(data)); err != nil {
		t.Fatal(err)
	}
	f, err := c.Wait(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The same messages get the same carriers, outcomes and status webhooks
// whether they come by HTTPS or in an SFTP file.
func TestSFTPFilesHaveTheFatesOfHTTPSSends(t *testing.T) {
	const n = 300
	viaAPI := newTestSandbox(t, Options{Seed: 11})
	wantCode(t, call(t, viaAPI, "POST", "/v1/send-bulk-sms", bulkBody(n, "f")), 200)
	hooks := newHookServer(t, 0, 0)
	viaFile := newTestSandbox(t, Options{Seed: 11, StatusURL: hooks.URL + "/status"})
	_, c := startTestSFTP(t, viaFile, SFTPOptions{})
	var file strings.Builder
	file.WriteString("numero;texto;correlationId;\n")
	for i := range n {
		fmt.Fprintf(&file, "55119%08d;Promoção de outono: 20%% off;f-%d;\n", i, i)
	}
	file.WriteString("EOF\n")
	if f := uploadAndWait(t, c, "PROJETO1.20250301.1.txt", file.String()); f.Place != wavysftp.Succeeded {
		t.Fatalf("fate got %+v, want success", f)
	}
	a, b := viaAPI.Messages(), viaFile.Messages()
	if len(a) != n || len(b) != n {
		t.Fatalf("ledgers got %d and %d messages, want %d", len(a), len(b), n)
	}
	for i := range a {
		if a[i].CorrelationID != b[i].CorrelationID || a[i].Carrier != b[i].Carrier || a[i].SentStatusCode != b[i].SentStatusCode ||
			a[i].DeliveredStatusCode != b[i].DeliveredStatusCode || a[i].Text != b[i].Text {
			t.Fatalf("message %d: HTTPS %+v, file %+v, want the same fate", i, a[i], b[i])
		}
		if b[i].SubAccount != "PROJETO1" {
			t.Fatalf("message %d sub-account got %q, want PROJETO1 from the file name", i, b[i].SubAccount)
		}
	}
	waitFor(t, "the sent-status webhooks of the file", func() bool { return viaFile.Ledger().WebhookEvents >= n })
	if got := strings.Join(hooks.got("/status"), ""); !strings.Contains(got, `"correlationId":"f-0"`) {
		t.Errorf("webhooks got %.200s..., want statuses carrying the file's correlationIds", got)
	}
}

func TestSFTPWhatsAppFile(t *testing.T) {
	s := newTestSandbox(t, Options{Seed: 3})
	srv, c := startTestSFTP(t, s, SFTPOptions{})
	ok := "2020-01-21;16:00;16:00;TEMPLATE;chatclub_welcome;whatsapp:hsm:ecommerce:movile;pt_BR;DETERMINISTIC;nome|empresa\n" +
		"IMAGE;URL;https://upload.wikimedia.org/wikipedia/en/d/d2/Imagem_logo.png;PNG\nphone;nome;empresa;correlationId\n" +
		"5519981560597;Nome1;Wavy;w-1\n5511981560598;Nome2;Wavy;w-2\n"
	if f := uploadAndWait(t, c, "3486.20200121.1.txt", ok); f.Place != wavysftp.Succeeded {
		t.Fatalf("fate got %+v, want success", f)
	}
	msgs := s.Messages()
	if len(msgs) != 2 || msgs[1].Channel != "whatsapp" || msgs[1].CorrelationID != "w-2" || msgs[1].Text != "[template whatsapp:hsm:ecommerce:movile/chatclub_welcome]" {
		t.Errorf("ledger got %+v, want two WhatsApp template messages with their correlationIds", msgs)
	}
	bad := strings.Replace(ok, "pt_BR", "xx_XX", 1)
	f := uploadAndWait(t, c, "3486.20200121.2.txt", bad)
	if f.Place != wavysftp.Failed || !strings.Contains(f.Detail, "languageCode") {
		t.Errorf("unknown language got %+v, want error naming languageCode", f)
	}
	if got := srv.Files("/error"); len(got) != 2 {
		t.Errorf("error holds %v, want the file and its note", got)
	}
}

func TestSFTPMisnamedFileGoesThroughTheDefaultSubAccount(t *testing.T) {
	s := newTestSandbox(t, Options{})
	_, c := startTestSFTP(t, s, SFTPOptions{})
	f := uploadAndWait(t, c, "campanha-maio.txt", "numero;texto;correlationId;\n5511900000001;oi;m-1;\nEOF\n")
	if m := s.Messages(); f.Place != wavysftp.Succeeded || len(m) != 1 || m[0].SubAccount != "" {
		t.Errorf("got %+v and %+v, want it sent under the default sub-account", f, m)
	}
}

func TestRunServesSFTP(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"--addr", "127.0.0.1:0", "--sftp-addr", "127.0.0.1:0", "--username", "u", "--token", "t"}, &stdout, &stderr)
	}()
	re := regexp.MustCompile(`SFTP listening on (127\.0\.0\.1:\d+) \(host key (SHA256:\S+)\)`)
	var m []string
	waitFor(t, "the SFTP listening line", func() bool { m = re.FindStringSubmatch(stdout.String()); return m != nil })
	c, err := wavysftp.New(wavysftp.Config{Addr: m[1], Username: "u", Password: "t", HostKey: m[2]})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Check(ctx); err != nil {
		t.Errorf("check against the printed host key got %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run got %v, want a clean stop", err)
	}
}
