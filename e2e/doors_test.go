package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"arauto/internal/campaign"
	"arauto/internal/config"
	"arauto/internal/recipient/recipienttest"
	"arauto/internal/report"
	"arauto/store"
)

// chooseDoor picks the SMS door on the Settings page and saves it.
func chooseDoor(t *testing.T, page playwright.Page, s *server, name string) {
	t.Helper()
	goTo(t, page, s.URL+"/settings#transport")
	must(t, page.GetByRole("group", playwright.PageGetByRoleOptions{Name: "Porta do SMS"}).
		GetByRole("radio", playwright.LocatorGetByRoleOptions{Name: regexp.MustCompile("^" + regexp.QuoteMeta(name))}).Check())
	click(t, page, "button", "Salvar portas")
	must(t, expect.Locator(page.GetByText("Portas de envio salvas.")).ToBeVisible())
}

// checkedList uploads n generated recipients, imports them and runs the
// carrier check (SMPP receipts name no carrier: the check tells which
// numbers are OI or Sercomtel, whose carriers send no delivery report).
// It returns the list's option label and its valid count.
func checkedList(t *testing.T, page playwright.Page, s *server, n int, name string) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "base.csv")
	if err := recipienttest.GenerateCSV(path, n, 5); err != nil {
		t.Fatal(err)
	}
	uploadFile(t, page, s, path, name)
	click(t, page, "button", "Importar contatos")
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Resultado da importação"})).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(60000)}))
	valid := statInt(t, stat(page, "valid"))
	click(t, page, "button", "Verificar operadoras")
	checked := page.GetByText(regexp.MustCompile(`Verificado em .*: \d+ (número não pertence|números não pertencem) à operadora indicada\.`))
	for i := 0; i < 120; i++ {
		if ok, _ := checked.IsVisible(); ok {
			break
		}
		time.Sleep(250 * time.Millisecond)
		_, err := page.Reload()
		must(t, err)
	}
	must(t, expect.Locator(checked).ToBeVisible())
	return fmt.Sprintf("%s — %s contatos válidos", name, thousands(valid)), valid
}

// sendNow creates an SMS campaign on the list, with the message, and
// launches it at once from the review page.
func sendNow(t *testing.T, page playwright.Page, s *server, name, listOption, body string) {
	t.Helper()
	newSMSCampaign(t, page, s, name)
	chooseListAndWrite(t, page, listOption, body)
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.GetByText("Mensagem salva.")).ToBeVisible())
	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.GetByText("Tudo certo: a campanha pode ser enviada.")).ToBeVisible())
	click(t, page, "button", "Confirmar e enviar agora")
}

// reportComplete waits until every recipient of the campaign shown has
// an outcome in its report: delivered, sent without receipt (OI,
// Sercomtel) or failed.
func reportComplete(t *testing.T, page playwright.Page, s *server, n int, within time.Duration) (delivered, noReceipt, failed int) {
	t.Helper()
	click(t, page, "link", "Relatório de entrega")
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Funil de entrega"})).ToBeVisible())
	deadline := time.Now().Add(within)
	for {
		delivered, noReceipt, failed = kpi(t, page, "delivered"), kpi(t, page, "noreceipt"), kpi(t, page, "failed")
		// Some messages run out of time at the carrier (the sandbox
		// draws expiries too): an outcome as final as the others.
		if delivered+noReceipt+failed+funnelN(t, page, report.StageExpired) == n {
			return
		}
		if time.Now().After(deadline) {
			shot(t, page, "report-incomplete-"+t.Name())
			t.Fatalf("report stuck at delivered %d + no receipt %d + failed %d of %d; log:\n%s", delivered, noReceipt, failed, n, s.Log())
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// builtinLedger asks the console's built-in sandbox what it accepted.
func builtinLedger(t *testing.T, s *server) (accepted, dups int64) {
	t.Helper()
	url, token := s.builtinSandbox(t)
	req, _ := http.NewRequest("GET", url+"/_sandbox/ledger", nil)
	req.Header.Set("UserName", "sandbox")
	req.Header.Set("AuthenticationToken", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var l struct{ Accepted, DuplicateCorrelationIDs int64 }
	if err := json.NewDecoder(resp.Body).Decode(&l); err != nil {
		t.Fatal(err)
	}
	return l.Accepted, l.DuplicateCorrelationIDs
}

// TestSettingsDoors is the Settings section on the doors, at both sizes:
// each door tested in plain words against the built-in sandbox, the SFTP
// host key shown, a refused form saying which field is wrong, and a
// password never shown back.
func TestSettingsDoors(t *testing.T) {
	s := startServer(t, "ARAUTO_ADMIN_EMAIL="+adminEmail, "ARAUTO_ADMIN_PASSWORD="+adminPassword)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	goTo(t, page, s.URL+"/settings#transport")
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Porta de envio"})).ToBeVisible())
	must(t, expect.Locator(page.GetByRole("radio", playwright.PageGetByRoleOptions{Name: regexp.MustCompile("^HTTPS")}).First()).ToBeChecked())

	click(t, page, "button", "Testar conexão SMPP")
	must(t, expect.Locator(page.Locator("#smpp-check")).ToContainText("Conexão funcionando: o simulador SMPP aceitou a ligação. O envio usa 4 ligações."))
	click(t, page, "button", "Testar conexão SFTP")
	must(t, expect.Locator(page.Locator("#sftp-check")).ToContainText("Conexão funcionando: o simulador SFTP"))
	fp := page.Locator("#sftp [data-fingerprint]")
	must(t, expect.Locator(fp).ToHaveText(regexp.MustCompile(`^SHA256:\S{40,}$`)))
	pinned, err := fp.TextContent()
	must(t, err)
	must(t, expect.Locator(page.Locator("#sftp-check .fingerprint")).ToHaveText(pinned))

	// The Wavy SMPP connection: a password longer than SMPP allows is
	// refused on its field, and nothing is echoed back.
	fill(t, page, "Usuário SMPP (system_id)", "acme_smpp")
	fill(t, page, "Senha SMPP", "muito-longa")
	click(t, page, "button", "Salvar SMPP")
	must(t, expect.Locator(page.Locator("#smpp .field-error")).ToHaveText("A senha SMPP tem até 8 caracteres, sem espaços nem acentos."))
	must(t, expect.Locator(page.GetByLabel("Senha SMPP")).ToHaveValue(""))
	fill(t, page, "Senha SMPP", "s3gredo")
	click(t, page, "button", "Salvar SMPP")
	must(t, expect.Locator(page.GetByText("Conexão SMPP salva.")).ToBeVisible())
	must(t, expect.Locator(page.Locator("#smpp_password-hint")).ToHaveText("Senha salva. Deixe em branco para manter."))
	if html, _ := page.Content(); strings.Contains(html, "s3gredo") {
		t.Errorf("the page shows the saved SMPP password back")
	}
	st, err := store.Open(filepath.Join(s.DataDir, store.FileName))
	must(t, err)
	raw, err := st.Setting(context.Background(), config.SettingSMPPSystemID)
	st.Close()
	if err != nil || raw != "acme_smpp" {
		t.Errorf("saved system_id got %q, %v, want acme_smpp", raw, err)
	}
	if b, _ := os.ReadFile(filepath.Join(s.DataDir, store.FileName)); bytes.Contains(b, []byte("s3gredo")) {
		t.Errorf("the SMPP password is stored in clear")
	}

	section := page.Locator("#transport")
	must(t, section.ScrollIntoViewIfNeeded())
	if _, err := section.Screenshot(playwright.LocatorScreenshotOptions{Path: playwright.String(filepath.Join(shotDir, "settings-doors-1280.png"))}); err != nil {
		t.Fatal(err)
	}
	must(t, page.SetViewportSize(390, 844))
	_, err = page.Reload()
	must(t, err)
	if _, err := page.Locator("#transport").Screenshot(playwright.LocatorScreenshotOptions{Path: playwright.String(filepath.Join(shotDir, "settings-doors-390.png"))}); err != nil {
		t.Fatal(err)
	}
	if v, err := page.Evaluate(`() => document.documentElement.scrollWidth <= window.innerWidth`); err != nil || v != true {
		t.Errorf("the Settings page scrolls sideways at 390 px")
	}
}

// TestCampaignOverSMPP sends a campaign through the built-in sandbox's
// SMPP door: the progress names the door's ceiling, receipts come back as
// deliver_sm and the report completes like an HTTPS campaign's.
func TestCampaignOverSMPP(t *testing.T) {
	s := sendServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	chooseDoor(t, page, s, "SMPP")
	list, valid := checkedList(t, page, s, 2500, "Base SMPP")

	sendNow(t, page, s, "Ofertas por SMPP", list, "Oi {{nome}}, ofertas de {{cidade}} só hoje!")
	start := time.Now()
	must(t, expect.Locator(progressStat(page, "door")).ToContainText("Porta SMPP: até 320 msg/s com 4 ligações", playwright.LocatorAssertionsToContainTextOptions{Timeout: playwright.Float(20000)}))
	topShot(t, page, "campaign-running-smpp")
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(90000)}))
	took := time.Since(start)
	must(t, expect.Locator(progressStat(page, "remaining")).ToHaveText("0"))
	t.Logf("%d recipients over SMPP (4 binds) in %s: %.0f msg/s", valid, took.Round(time.Millisecond), float64(valid)/took.Seconds())

	delivered, noReceipt, failed := reportComplete(t, page, s, valid, 60*time.Second)
	t.Logf("report: delivered %d, no receipt %d, failed %d", delivered, noReceipt, failed)
	if noReceipt == 0 || delivered == 0 {
		t.Errorf("report got delivered %d and no receipt %d, want both (the carrier check names OI numbers)", delivered, noReceipt)
	}
	shot(t, page, "report-smpp")
	if accepted, dups := builtinLedger(t, s); accepted < int64(valid) || dups != 0 {
		t.Errorf("sandbox accepted %d submit_sm with %d repeated correlationIds, want at least %d (one per part) and none repeated", accepted, dups, valid)
	}
	if !strings.Contains(s.Log(), `msg="esme: bound"`) {
		t.Errorf("the console never bound over SMPP; log:\n%s", s.Log())
	}
}

// TestCampaignAsSFTPFile sends a campaign through the built-in sandbox's
// SFTP door as batch files, downloads the file an operator would upload,
// and watches the report complete.
func TestCampaignAsSFTPFile(t *testing.T) {
	s := sendServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	chooseDoor(t, page, s, "Arquivos SFTP")
	list, valid := checkedList(t, page, s, 3000, "Base SFTP")

	sendNow(t, page, s, "Ofertas por arquivo", list, "Oi {{nome}}, ofertas de {{cidade}} só hoje!")
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(60000)}))
	must(t, expect.Locator(figure(page, "submitted")).ToHaveText(thousands(valid)))

	// The file Arauto uploaded, as the operator downloads it.
	dl, err := page.ExpectDownload(func() error {
		return page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Arquivo SFTP"}).Click()
	})
	must(t, err)
	if name := dl.SuggestedFilename(); !regexp.MustCompile(`^ARAUTO\.\d{8}\.\d+\.txt$`).MatchString(name) {
		t.Errorf("file name got %q, want ARAUTO.<YYYYMMDD>.<SEQ>.txt", name)
	}
	path, err := dl.Path()
	must(t, err)
	b, err := os.ReadFile(path)
	must(t, err)
	lines := strings.Split(strings.TrimRight(string(b), "\r\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], "\r")
	}
	if lines[0] != "numero;texto;correlationId;" || lines[len(lines)-1] != "EOF" || len(lines) != valid+2 {
		t.Errorf("file got header %q, last line %q and %d lines, want the SMS layout with %d rows and EOF", lines[0], lines[len(lines)-1], len(lines), valid)
	}
	row := regexp.MustCompile(`^55\d{10,11};Oi [^;]+, ofertas de [^;]+ só hoje!;a[0-9a-z]+-[0-9a-z]+;$`)
	for _, l := range lines[1 : len(lines)-1] {
		if !row.MatchString(l) {
			t.Errorf("row %q does not follow numero;texto;correlationId;", l)
			break
		}
	}

	delivered, noReceipt, failed := reportComplete(t, page, s, valid, 60*time.Second)
	t.Logf("report: delivered %d, no receipt %d, failed %d", delivered, noReceipt, failed)
	shot(t, page, "report-sftp")
	if accepted, dups := builtinLedger(t, s); accepted != int64(valid) || dups != 0 {
		t.Errorf("sandbox accepted %d messages with %d repeated correlationIds, want %d exactly once", accepted, dups, valid)
	}
}

// freePort returns a loopback address nobody listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// seedDoor saves door settings into a console's data before it starts
// (in clear: the console seals the passwords when it starts).
func seedDoor(t testing.TB, dir string, kv map[string]string) {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SaveSettings(context.Background(), kv); err != nil {
		t.Fatal(err)
	}
}

// TestKillDuringSMPPSendingThenRestart kills the console with SIGKILL
// while a campaign goes out over SMPP (binds dropped now and then, every
// answer late, so submit_sm are in flight at the kill), starts it again
// and checks with the provider that every recipient was accepted exactly
// once: what was in flight is looked up by correlationId before anything
// is sent again.
func TestKillDuringSMPPSendingThenRestart(t *testing.T) {
	const n = 3000
	smppAddr := freePort(t)
	sb := startSandbox(t, "--delay-scale", "0", "--reply-rate", "-1", "--smpp-addr", smppAddr,
		"--smpp-resp-delay", "40ms", "--smpp-drop-rate", "0.002")
	dir := t.TempDir()
	id := seedCampaign(t, dir, n)
	host, port, _ := net.SplitHostPort(smppAddr)
	seedDoor(t, dir, map[string]string{config.SettingDoor: config.DoorSMPP, config.SettingSMPPHost: host, config.SettingSMPPPort: port,
		config.SettingSMPPTLS: "0", config.SettingSMPPSystemID: "sandbox", config.SettingSMPPPassword: "sandbox"})
	env := []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_PROVIDER=wavy", "ARAUTO_WAVY_API_URL=" + sb.URL,
		"ARAUTO_WAVY_APIGW_URL=" + sb.URL, "ARAUTO_WAVY_USERNAME=sandbox", "ARAUTO_WAVY_TOKEN=sandbox", "ARAUTO_RECONCILE_AFTER=1s"}

	first := startProcess(t, nil, env, listeningRE)
	deadline := time.Now().Add(60 * time.Second)
	for {
		accepted, _ := sandboxLedger(t, sb)
		if accepted >= n/3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sending did not start; console log:\n%s", first.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	first.cmd.Process.Signal(syscall.SIGKILL)
	first.cmd.Wait()
	before, _ := sandboxLedger(t, sb)
	counts, state := campaignCounts(t, dir, id)
	t.Logf("killed with the provider holding %d messages; console had %v (%s)", before, counts, state)
	if before >= n {
		t.Fatalf("the campaign finished before the kill; make it slower")
	}
	if counts["submitting"] == 0 || before <= counts["accepted"] {
		t.Fatalf("nothing was in flight at the kill (provider %d, console accepted %d): the test proves nothing; make answers slower", before, counts["accepted"])
	}

	second := startProcess(t, nil, env, listeningRE)
	deadline = time.Now().Add(90 * time.Second)
	for {
		counts, state = campaignCounts(t, dir, id)
		if state == campaign.Completed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign did not complete after the restart: %v (%s); log:\n%s", counts, state, second.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
	accepted, dups := sandboxLedger(t, sb)
	if accepted != n || dups != 0 {
		t.Errorf("provider accepted %d messages with %d repeated correlationIds, want %d exactly once", accepted, dups, n)
	}
	if counts["accepted"] != n || counts["queued"] != 0 || counts["submitting"] != 0 {
		t.Errorf("console counts got %v, want all %d accepted", counts, n)
	}
	if !strings.Contains(second.Log(), `msg="dispatch: reconciled"`) {
		t.Errorf("the restart sent again without looking up what was in flight; log:\n%s", second.Log())
	}
}
