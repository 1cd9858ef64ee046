package door_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/config"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/door"
	"arauto/internal/i18n"
	"arauto/internal/sandbox"
	"arauto/internal/wavy"
)

const (
	user = "acme"
	pass = "s3cret"
)

// settings is a Settings over a map, as the store keeps them.
type settings struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *settings) Settings(context.Context) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]string, len(s.m))
	for k, v := range s.m {
		out[k] = v
	}
	return out, nil
}

func (s *settings) SaveSettings(_ context.Context, kv map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range kv {
		if v == "" {
			delete(s.m, k)
		} else {
			s.m[k] = v
		}
	}
	return nil
}

func (s *settings) get(k string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[k]
}

// receipts collects what the SMPP pool hands over.
type receipts struct {
	mu  sync.Mutex
	sts []wavy.SMSStatus
}

func (r *receipts) Statuses(_ context.Context, sts []wavy.SMSStatus) error {
	r.mu.Lock()
	r.sts = append(r.sts, sts...)
	r.mu.Unlock()
	return nil
}

func (r *receipts) MOs(context.Context, []wavy.SMSMO) error { return nil }

func (r *receipts) ids() map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]bool{}
	for _, st := range r.sts {
		out[st.ID] = true
	}
	return out
}

// rig is the sandbox serving HTTPS, SMPP and SFTP as Wavy would, and the
// doors over settings that point at it.
type rig struct {
	sb       *sandbox.Sandbox
	saved    *settings
	doors    *door.Doors
	inbound  *receipts
	hostKey  string
	smppAddr string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 4, Username: user, Token: pass, RateLimit: -1, StatusQueryRate: -1, ReplyRate: -1})
	srv := httptest.NewServer(sb)
	smppLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- sb.ServeSMPP(smppLn) }()
	sftpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	files, err := sb.ServeSFTP(sftpLn, sandbox.SFTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	smppHost, smppPort, _ := net.SplitHostPort(smppLn.Addr().String())
	sftpHost, sftpPort, _ := net.SplitHostPort(sftpLn.Addr().String())
	r := &rig{sb: sb, inbound: &receipts{}, hostKey: files.Fingerprint(), smppAddr: smppLn.Addr().String()}
	r.saved = &settings{m: map[string]string{
		config.SettingProvider: config.ProviderWavy, config.SettingWavyAPIURL: srv.URL, config.SettingWavyAPIGWURL: srv.URL,
		config.SettingWavyUsername: user, config.SettingWavyToken: pass,
		config.SettingSMPPHost: smppHost, config.SettingSMPPPort: smppPort, config.SettingSMPPTLS: "0",
		config.SettingSMPPSystemID: user, config.SettingSMPPPassword: pass,
		config.SettingSFTPHost: sftpHost, config.SettingSFTPPort: sftpPort, config.SettingSFTPUsername: user,
		config.SettingSFTPPassword: pass, config.SettingSFTPSubAccount: "PROJETO1",
	}}
	client := wavy.New(wavy.Config{APIURL: srv.URL, APIGWURL: srv.URL, Username: user, Token: pass, RequestsPerSecond: -1, StatusQueriesPerSecond: -1})
	https := wavysender.New(func(context.Context) (*wavy.Client, error) { return client, nil }, wavysender.Config{RequestsPerSecond: -1})
	r.doors = door.New(door.Config{Config: config.Config{Provider: config.ProviderWavy}, Settings: r.saved, HTTPS: https, Inbound: r.inbound})
	t.Cleanup(func() {
		r.doors.Close()
		files.Close()
		srv.Close()
		sb.Close()
		<-served
	})
	return r
}

// choose saves a door, as Settings does.
func (r *rig) choose(sms, wa string) {
	r.saved.SaveSettings(context.Background(), map[string]string{config.SettingDoor: sms, config.SettingDoorWhatsApp: wa})
	r.doors.Refresh()
}

func batch(campaignID int64, texts ...string) dispatch.Batch {
	b := dispatch.Batch{Campaign: dispatch.Campaign{ID: campaignID, Channel: "sms", Message: texts[0]}}
	for i, tx := range texts {
		b.Messages = append(b.Messages, dispatch.Message{ID: int64(100*campaignID) + int64(i) + 1, CampaignID: campaignID,
			Phone: fmt.Sprintf("55119%08d", 100*campaignID+int64(i)), Text: tx})
	}
	return b
}

func corrs(b dispatch.Batch) []string {
	var out []string
	for _, m := range b.Messages {
		out = append(out, dispatch.CorrelationID(m.CampaignID, m.ID))
	}
	return out
}

// TestSMPPDoor sends over the SMPP door: every part's id comes back as a
// link, the receipts arrive by the pool's Inbound naming those ids, the
// status search finds the messages by correlationId, and batches are
// sized by the pool's capacity.
func TestSMPPDoor(t *testing.T) {
	r := newRig(t)
	r.choose(config.DoorSMPP, config.DoorHTTPS)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	long := strings.Repeat("Promoção de verão com frete grátis! ", 6) // UCS-2, 216 characters: 4 parts
	b := batch(1, "Oi Ana, ofertas hoje", long)
	acc, err := r.doors.Send(ctx, b)
	if err != nil || len(acc) != 2 {
		t.Fatalf("Send got %+v, %v, want both accepted", acc, err)
	}
	if len(acc[0].Links) != 1 || len(acc[1].Links) != 4 || acc[1].Links[0] != acc[1].ProviderID {
		t.Errorf("links got %v and %v, want 1 and 4 (one per part, the first the provider id)", acc[0].Links, acc[1].Links)
	}
	if !r.doors.LinksProviderIDs() {
		t.Errorf("LinksProviderIDs got false over SMPP, want true")
	}
	if got := r.doors.MaxBatch(b.Campaign); got != 80 {
		t.Errorf("MaxBatch over 4 binds got %d, want 80 (a quarter second of 320/s)", got)
	}
	capa, err := r.doors.Capacity(ctx, dispatch.Campaign{Channel: "sms", Message: long})
	if err != nil || capa.Door != config.DoorSMPP || capa.MessagesPerSecond != 80 || capa.PartsPerMessage != 4 {
		t.Errorf("capacity of a 4-part text got %+v (%v), want 320 submit_sm/s = 80 messages/s", capa, err)
	}
	found, err := r.doors.Find(ctx, append(corrs(b), "a1-999"))
	if err != nil || len(found) != 2 || found["a1-999"] != "" {
		t.Errorf("Find got %v, %v, want the two sent and not the unknown one", found, err)
	}
	// Receipts come back over the pool's binds, naming every part.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ids := r.inbound.ids()
		all := true
		for _, a := range acc {
			for _, id := range a.Links {
				all = all && ids[id]
			}
		}
		if all {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("receipts got %v, want every part of %+v", ids, acc)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if p := r.doors.Pool(); !p.Running || p.Sending != 4 || p.Binds != 4 {
		t.Errorf("pool got %+v, want 4 of 4 binds up", p)
	}
	// WhatsApp never goes over SMPP.
	if got := door.Route(config.Doors{Door: config.DoorSMPP, WhatsApp: config.DoorHTTPS}, dispatch.Campaign{Channel: "whatsapp"}); got != config.DoorHTTPS {
		t.Errorf("WhatsApp under the SMPP door routes to %s, want https", got)
	}
}

// TestSFTPDoor sends SMS as a batch file, settles messages from the files
// and sends what files cannot carry (flash SMS) over HTTPS.
func TestSFTPDoor(t *testing.T) {
	r := newRig(t)
	r.choose(config.DoorSFTP, config.DoorHTTPS)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b := batch(2, "Oi Ana, ofertas hoje", "Oi Bia, ofertas hoje", "Oi Caio, ofertas hoje")
	if got := r.doors.MaxBatch(b.Campaign); got != door.FileRows {
		t.Errorf("MaxBatch over SFTP got %d, want %d", got, door.FileRows)
	}
	acc, err := r.doors.Send(ctx, b)
	if err != nil || len(acc) != 3 {
		t.Fatalf("Send got %+v, %v, want the file's three messages accepted", acc, err)
	}
	found, err := r.doors.Find(ctx, append(corrs(b), "a2-999"))
	if err != nil || len(found) != 3 {
		t.Errorf("Find got %v, %v, want the three in the file, not the one never sent", found, err)
	}
	if r.doors.LinksProviderIDs() {
		t.Errorf("LinksProviderIDs got true over SFTP, want false: statuses name the correlationId")
	}
	// Flash SMS have no place in the layout: they go over HTTPS.
	flash := batch(3, "Oi Dani, só hoje")
	flash.Campaign.Flash = true
	if got := door.Route(config.Doors{Door: config.DoorSFTP}, flash.Campaign); got != config.DoorHTTPS {
		t.Errorf("a flash campaign under the SFTP door routes to %s, want https", got)
	}
	if acc, err := r.doors.Send(ctx, flash); err != nil || len(acc) != 1 || acc[0].ProviderID == "" {
		t.Errorf("flash Send got %+v, %v, want accepted over HTTPS with a provider id", acc, err)
	}
	if l := r.sb.Ledger(); l.Accepted != 4 || l.DuplicateCorrelationIDs != 0 {
		t.Errorf("sandbox accepted %d (%d repeated), want 4 once each", l.Accepted, l.DuplicateCorrelationIDs)
	}
}

// TestIncompleteDoorPausesTheCampaign: a door chosen without its password
// sends nothing and says so as an account problem (the campaign pauses).
func TestIncompleteDoorPausesTheCampaign(t *testing.T) {
	r := newRig(t)
	r.saved.SaveSettings(context.Background(), map[string]string{config.SettingSMPPPassword: ""})
	r.choose(config.DoorSMPP, config.DoorHTTPS)
	_, err := r.doors.Send(context.Background(), batch(4, "Oi"))
	if !errors.Is(err, dispatch.ErrUnauthorized) || !strings.Contains(err.Error(), "door:") {
		t.Errorf("Send got %v, want dispatch.ErrUnauthorized naming the door", err)
	}
	if l := r.sb.Ledger(); l.Accepted != 0 {
		t.Errorf("sandbox accepted %d, want nothing sent", l.Accepted)
	}
}

// TestChecks tests each door as Settings' buttons do, in translation keys.
func TestChecks(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		saved   map[string]string
		check   func(context.Context) door.Check
		ok      bool
		key     string
		pinned  string // SFTP host key saved after the check
		showKey bool
	}{
		{"smpp works", nil, r.doors.CheckSMPP, true, "transport.check.smpp_ok", "", false},
		{"smpp password refused", map[string]string{config.SettingSMPPPassword: "nope"}, r.doors.CheckSMPP, false, "transport.check.smpp_refused", "", false},
		{"smpp port closed", map[string]string{config.SettingSMPPPort: "1"}, r.doors.CheckSMPP, false, "transport.check.refused_port", "", false},
		{"smpp incomplete", map[string]string{config.SettingSMPPSystemID: ""}, r.doors.CheckSMPP, false, "transport.check.smpp_incomplete", "", false},
		{"sftp pins on first use", nil, r.doors.CheckSFTP, true, "transport.check.sftp_ok", r.hostKey, true},
		{"sftp pinned key holds", nil, r.doors.CheckSFTP, true, "transport.check.sftp_ok", r.hostKey, true},
		{"sftp password refused", map[string]string{config.SettingSFTPPassword: "nope"}, r.doors.CheckSFTP, false, "transport.check.sftp_refused", r.hostKey, false},
		{"sftp another key", map[string]string{config.SettingSFTPHostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, r.doors.CheckSFTP, false, "transport.check.sftp_key_changed",
			"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			restore := map[string]string{}
			for k, v := range tt.saved {
				restore[k] = r.saved.get(k)
				r.saved.SaveSettings(ctx, map[string]string{k: v})
			}
			r.doors.Refresh()
			defer func() { r.saved.SaveSettings(ctx, restore); r.doors.Refresh() }()
			got := tt.check(ctx)
			if got.OK != tt.ok || got.Key != tt.key {
				t.Errorf("got %+v, want ok %v with %s", got, tt.ok, tt.key)
			}
			if k := r.saved.get(config.SettingSFTPHostKey); tt.pinned != "" && k != tt.pinned {
				t.Errorf("pinned key got %q, want %q", k, tt.pinned)
			}
			if tt.showKey && got.Fingerprint == "" {
				t.Errorf("the check shows no host key")
			}
			for _, a := range got.Args {
				if s, ok := a.(string); ok && strings.Contains(s, "nope") {
					t.Errorf("the check's words carry the password: %v", got.Args)
				}
			}
		})
	}
	if err := r.doors.ForgetHostKey(ctx); err != nil || r.saved.get(config.SettingSFTPHostKey) != "" {
		t.Errorf("ForgetHostKey left %q (%v), want none pinned", r.saved.get(config.SettingSFTPHostKey), err)
	}
}

// TestCheckKeysAreTranslated finds every key the checks can say and looks
// it up in both languages.
func TestCheckKeysAreTranslated(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`"(transport\.check\.[a-z_]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			for _, lang := range i18n.Languages {
				if !i18n.Has(lang, m[1]) {
					t.Errorf("%s says %q, missing from %s", f, m[1], lang)
				}
			}
		}
	}
	if n < 15 {
		t.Errorf("found %d check keys, want the scan to see them all", n)
	}
}
