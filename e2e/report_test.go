package e2e

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/xuri/excelize/v2"
)

// kpi reads one of the report's live numbers.
func kpi(t *testing.T, page playwright.Page, name string) int {
	t.Helper()
	s, err := page.Locator(`.kpis [data-figure="` + name + `"]`).TextContent()
	must(t, err)
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), ".", ""))
	if err != nil {
		t.Fatalf("kpi %s %q is not a number", name, s)
	}
	return n
}

// funnelN reads one line of the report's funnel.
func funnelN(t *testing.T, page playwright.Page, stage string) int {
	t.Helper()
	s, err := page.Locator(`[data-stage="` + stage + `"] [data-n]`).TextContent()
	must(t, err)
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), ".", ""))
	if err != nil {
		t.Fatalf("funnel %s %q is not a number", stage, s)
	}
	return n
}

// TestReportFollowsSandboxLive sends a seeded campaign through the
// built-in sandbox, watches its report reach the sandbox's outcomes
// without reloading, and exports the per-recipient results.
func TestReportFollowsSandboxLive(t *testing.T) {
	const n = 600
	dir := t.TempDir()
	id := seedCampaign(t, dir, n)
	s := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_ADMIN_EMAIL=" + adminEmail,
		"ARAUTO_ADMIN_PASSWORD=" + adminPassword, "ARAUTO_SANDBOX_DELAY_SCALE=0"}, listeningRE)
	s.DataDir = dir
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report", s.URL, id))
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Funil de entrega"})).ToBeVisible())
	_, err := page.Evaluate(`() => { window.__noReload = true; }`)
	must(t, err)

	// Every recipient reaches an outcome: delivered, sent without receipt
	// (OI/Sercomtel) or failed.
	deadline := time.Now().Add(60 * time.Second)
	var delivered, noReceipt, failed, expired, sent int
	for {
		delivered, noReceipt, failed, sent = kpi(t, page, "delivered"), kpi(t, page, "noreceipt"), kpi(t, page, "failed"), kpi(t, page, "sent")
		expired = funnelN(t, page, "expired")
		if delivered+noReceipt+failed+expired == n && sent > 0 {
			break
		}
		if time.Now().After(deadline) {
			shot(t, page, "report-timeout")
			t.Fatalf("report stuck at delivered %d + no receipt %d + failed %d of %d; log:\n%s", delivered, noReceipt, failed, n, s.Log())
		}
		time.Sleep(300 * time.Millisecond)
	}
	if v, err := page.Evaluate(`() => window.__noReload === true`); err != nil || v != true {
		t.Errorf("the report page reloaded to show the numbers")
	}
	// The funnel: delivered + failed after the carrier took it + no
	// receipt = sent (the sandbox's expired messages never reach a carrier).
	failedSent := 0
	for _, f := range []string{"104", "105"} {
		if c, _ := page.Locator(`[data-code="` + f + `"] .failure-n`).Count(); c > 0 {
			txt, _ := page.Locator(`[data-code="` + f + `"] .failure-n`).TextContent()
			v, _ := strconv.Atoi(strings.ReplaceAll(strings.Fields(txt)[0], ".", ""))
			failedSent += v
		}
	}
	if delivered+failedSent+noReceipt != sent {
		t.Errorf("delivered %d + not delivered %d + no receipt %d got %d, want sent %d", delivered, failedSent, noReceipt, delivered+failedSent+noReceipt, sent)
	}
	if noReceipt > 0 {
		must(t, expect.Locator(page.Locator(`[data-stage="noreceipt"]`)).ToContainText("sem confirmação de entrega"))
		must(t, expect.Locator(page.Locator(`[data-stage="noreceipt"] [data-n]`)).ToHaveText(strconv.Itoa(noReceipt)))
	} else {
		t.Logf("the sandbox sent nothing to OI/Sercomtel this time")
	}
	must(t, expect.Locator(page.Locator(`svg[role="img"] title`)).ToHaveCount(1))
	t.Logf("report: sent %d, delivered %d, no receipt %d, failed %d (of %d)", sent, delivered, noReceipt, failed, n)
	shot(t, page, "report-live")

	// Filters: the failed recipients only.
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report?outcome=failed#recipients", s.URL, id))
	rows, err := page.Locator(`tr[data-outcome]`).Count()
	must(t, err)
	if rows == 0 || rows > 50 {
		t.Errorf("failed filter shows %d rows, want 1..50", rows)
	}
	shot(t, page, "report-filtered")

	// The XLSX export has a row per recipient.
	resp, err := page.Request().Get(fmt.Sprintf("%s/campaigns/%d/report/export.xlsx", s.URL, id))
	must(t, err)
	body, err := resp.Body()
	must(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("export is not a workbook (%d bytes): %v", len(body), err)
	}
	defer f.Close()
	xrows, err := f.GetRows(f.GetSheetName(0))
	must(t, err)
	if len(xrows) != n+1 {
		t.Fatalf("export got %d rows, want %d", len(xrows), n+1)
	}
	if xrows[0][0] != "Número" || xrows[0][1] != "nome" || xrows[0][2] != "Situação" {
		t.Errorf("export header got %v", xrows[0][:3])
	}
	outcomes := map[string]int{}
	for _, r := range xrows[1:] {
		if !strings.HasPrefix(r[0], "55219") {
			t.Errorf("export number got %q, want digits", r[0])
			break
		}
		outcomes[r[2]]++
	}
	if outcomes["Entregue"] != delivered || outcomes["Enviada — sem confirmação de entrega"] != noReceipt {
		t.Errorf("export outcomes %v, want %d delivered and %d without receipt", outcomes, delivered, noReceipt)
	}
}
