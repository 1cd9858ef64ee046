package e2e

import (
	"strings"
	"testing"
)

func TestProviderSettingsAndConnectionTest(t *testing.T) {
	s := bootServer(t)
	wavy := startSandbox(t, "--username", "loja", "--token", "token-certo-1234")
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	click(t, page, "link", "Configurações")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/settings"))

	// The webhook URLs to paste into the Wavy portal carry the secret.
	status, err := page.GetByLabel("Status de SMS (callback e DLR)").InputValue()
	must(t, err)
	if !strings.HasPrefix(status, s.URL+"/webhooks/wavy/") || !strings.HasSuffix(status, "/sms-status") || len(status) < len(s.URL)+40 {
		t.Errorf("status webhook URL got %q, want %s/webhooks/wavy/{secret}/sms-status", status, s.URL)
	}

	// Out of the box the built-in sandbox answers.
	click(t, page, "button", "Testar conexão")
	must(t, expect.Locator(page.Locator("#connection-test")).ToContainText("o sandbox embutido respondeu"))

	// Switch to Wavy, pointed at a stand-alone simulator with its own credentials.
	must(t, page.GetByLabel("Wavy / Sinch (envio real)").Check())
	fill(t, page, "URL da API de mensagens", wavy.URL)
	fill(t, page, "URL da API de campanhas (apigw)", wavy.URL)
	fill(t, page, "Usuário (UserName)", "loja")
	fill(t, page, "Token (AuthenticationToken)", "token-certo-1234")
	click(t, page, "button", "Salvar")
	must(t, expect.Locator(page.GetByText("Configurações salvas.")).ToBeVisible())
	// The token is never shown back, only its last four characters.
	if html, _ := page.Content(); strings.Contains(html, "token-certo-1234") {
		t.Errorf("the settings page shows the saved token")
	}
	must(t, expect.Locator(page.GetByText("Token salvo: ••••1234. Deixe em branco para manter.")).ToBeVisible())
	click(t, page, "button", "Testar conexão")
	must(t, expect.Locator(page.Locator("#connection-test")).ToContainText("Conexão funcionando: a Wavy aceitou as credenciais de loja."))
	shot(t, page, "settings-ok")

	// A wrong token is rejected, in plain words.
	fill(t, page, "Token (AuthenticationToken)", "token-errado-9999")
	click(t, page, "button", "Salvar")
	must(t, expect.Locator(page.GetByText("Configurações salvas.")).ToBeVisible())
	click(t, page, "button", "Testar conexão")
	must(t, expect.Locator(page.Locator("#connection-test")).ToContainText("Credenciais recusadas pela Wavy (401)"))
	shot(t, page, "settings-wrong-token")

	// With Wavy in use, the console's own sandbox mount is closed.
	if resp := s.get(t, "/sandbox/api/v1/campaigns"); resp.StatusCode != 404 {
		t.Errorf("GET /sandbox with wavy mode got %d, want 404", resp.StatusCode)
	}
}
