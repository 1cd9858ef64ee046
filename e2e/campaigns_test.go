package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
)

// sandboxCampaign is one campaign as the Campaign API lists it.
type sandboxCampaign struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Alias string `json:"alias"`
}

// sandboxAPI calls the console's built-in sandbox (on its own loopback
// listener in sandbox mode) as a Wavy client would, with its generated
// token.
func sandboxAPI(t *testing.T, s *server, method, path, body string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	base, token := s.builtinSandbox(t)
	req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("UserName", "sandbox")
	req.Header.Set("AuthenticationToken", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s /sandbox%s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s /sandbox%s got %d: %s", method, path, resp.StatusCode, b)
	}
	return b
}

// remoteCampaigns lists the campaigns registered in the sandbox's Campaign API.
func remoteCampaigns(t *testing.T, s *server) []sandboxCampaign {
	t.Helper()
	var out struct {
		Campaigns []sandboxCampaign `json:"campaigns"`
	}
	if err := json.Unmarshal(sandboxAPI(t, s, "GET", "/api/v1/campaigns?page_size=1000", ""), &out); err != nil {
		t.Fatal(err)
	}
	return out.Campaigns
}

func TestCampaignCreateRenameDeleteThroughApigw(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	click(t, page, "link", "Campanhas")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/campaigns"))
	must(t, expect.Locator(page.GetByText("Nenhuma campanha ainda")).ToBeVisible())
	shot(t, page, "campaigns-empty")

	// Create: the alias is suggested from the name as it is typed.
	click(t, page, "link", "Nova campanha")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/campaigns/new"))
	fill(t, page, "Nome", "Promoção de Natal 2026!")
	alias := page.GetByLabel("Alias", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
	must(t, expect.Locator(alias).ToHaveValue("promocao-de-natal-2026"))
	shot(t, page, "campaign-new")
	must(t, page.GetByLabel("WhatsApp").Check())
	click(t, page, "button", "Criar campanha")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/campaigns/\d+$`)))
	must(t, expect.Locator(page.GetByText("Campanha “Promoção de Natal 2026!” criada e registrada na Wavy.")).ToBeVisible())
	must(t, expect.Locator(page.GetByText("Nenhuma lista escolhida")).ToBeVisible())
	must(t, expect.Locator(page.GetByText("Nenhuma mensagem escrita")).ToBeVisible())
	must(t, expect.Locator(page.GetByText("Nenhum horário de envio definido")).ToBeVisible())
	shot(t, page, "campaign")

	remote := remoteCampaigns(t, s)
	if len(remote) != 1 || remote[0].Name != "Promoção de Natal 2026!" || remote[0].Alias != "promocao-de-natal-2026" {
		t.Fatalf("sandbox campaigns got %+v, want the one just created", remote)
	}

	// Rename: the new name reaches the Campaign API.
	click(t, page, "link", "Editar")
	fill(t, page, "Nome", "Natal 2026")
	click(t, page, "button", "Salvar")
	must(t, expect.Locator(page.GetByText("Campanha atualizada na Wavy e aqui.")).ToBeVisible())
	must(t, expect.Locator(page.Locator("h1.page-title")).ToHaveText("Natal 2026"))
	if remote := remoteCampaigns(t, s); len(remote) != 1 || remote[0].Name != "Natal 2026" || remote[0].Alias != "promocao-de-natal-2026" {
		t.Errorf("sandbox campaigns after rename got %+v, want Natal 2026", remote)
	}

	// A campaign registered elsewhere on the account comes in with Sync.
	sandboxAPI(t, s, "POST", "/api/v1/campaigns", `{"campaign":{"name":"Black Friday (portal)","alias":"black-friday"}}`)
	click(t, page, "link", "Campanhas")
	click(t, page, "button", "Sincronizar com a Wavy")
	must(t, expect.Locator(page.GetByText("1 campanha importada da Wavy.")).ToBeVisible())
	must(t, expect.Locator(page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Black Friday (portal)"})).ToBeVisible())
	must(t, expect.Locator(page.GetByText("Página 1 de 1 · 2 campanhas")).ToBeVisible())
	shot(t, page, "campaigns-list")

	// Delete: gone from the Campaign API too.
	click(t, page, "link", "Natal 2026")
	must(t, page.GetByText("Excluir", playwright.PageGetByTextOptions{Exact: playwright.Bool(true)}).Click())
	shot(t, page, "campaign-delete-confirm")
	click(t, page, "button", "Excluir de vez")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/campaigns"))
	must(t, expect.Locator(page.GetByText("Campanha “Natal 2026” excluída da Wavy e daqui.")).ToBeVisible())
	if remote := remoteCampaigns(t, s); len(remote) != 1 || remote[0].Alias != "black-friday" {
		t.Errorf("sandbox campaigns after delete got %+v, want only black-friday", remote)
	}
}
