package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

const (
	adminEmail    = "admin@loja.com.br"
	adminPassword = "senha-do-admin-123"
)

// bootServer starts a console whose admin exists already.
func bootServer(t *testing.T) *server {
	t.Helper()
	return startServer(t, "ARAUTO_ADMIN_EMAIL="+adminEmail, "ARAUTO_ADMIN_PASSWORD="+adminPassword)
}

func TestFirstRunSetupCreatesAdmin(t *testing.T) {
	s := startServer(t)
	page := newPage(t, "pt-BR")
	goTo(t, page, s.URL+"/")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/setup"))
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Configurar o Arauto"})).ToBeVisible())
	shot(t, page, "setup")

	// A short password is refused with a message on the field.
	fill(t, page, "E-mail", "Maria@Loja.com.br")
	fill(t, page, "Senha", "curta")
	fill(t, page, "Confirme a senha", "curta")
	click(t, page, "button", "Criar administrador")
	must(t, expect.Locator(page.GetByText("A senha precisa ter pelo menos 10 caracteres.")).ToBeVisible())
	must(t, expect.Locator(page.GetByLabel("E-mail", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToHaveValue("Maria@Loja.com.br"))

	fill(t, page, "Senha", "uma senha bem longa")
	fill(t, page, "Confirme a senha", "uma senha bem longa")
	click(t, page, "button", "Criar administrador")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/"))
	must(t, expect.Locator(page.GetByText("Tudo pronto! Você é o administrador do Arauto.")).ToBeVisible())
	must(t, expect.Locator(page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Usuários"})).ToBeVisible())
	must(t, expect.Locator(page.Locator(".user-email")).ToHaveText("maria@loja.com.br"))
	shot(t, page, "dashboard")

	// Setup is closed once an admin exists.
	if resp := s.get(t, "/setup"); resp.StatusCode != 303 || resp.Header.Get("Location") != "/login" {
		t.Errorf("GET /setup after setup got %d -> %q, want 303 -> /login", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestSignOutAndBackIn(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	goTo(t, page, s.URL+"/users")
	// Not signed in: sent to sign in, then back where we were going.
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/login\?next=%2Fusers$`)))
	shot(t, page, "login")
	fill(t, page, "E-mail", adminEmail)
	fill(t, page, "Senha", adminPassword)
	click(t, page, "button", "Entrar")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/users"))

	click(t, page, "button", "Sair")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/login"))
	must(t, expect.Locator(page.GetByText("Você saiu. Até logo!")).ToBeVisible())
	goTo(t, page, s.URL+"/")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/login"))

	signIn(t, page, s, adminEmail, adminPassword)
	must(t, expect.Page(page).ToHaveURL(s.URL+"/"))
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Bem-vindo ao Arauto"})).ToBeVisible())
}

func TestWrongPasswordShowsErrorAndNoSession(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, "not-the-password")
	must(t, expect.Locator(page.GetByRole("alert")).ToHaveText("E-mail ou senha incorretos."))
	// Same message for an account that does not exist.
	signIn(t, page, s, "nobody@loja.com.br", "not-the-password")
	must(t, expect.Locator(page.GetByRole("alert")).ToHaveText("E-mail ou senha incorretos."))
	shot(t, page, "login-failed")
	goTo(t, page, s.URL+"/")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/login"))
}

func TestMarketerCannotOpenUsersPage(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	goTo(t, page, s.URL+"/users")
	form := page.Locator("form[action='/users']")
	must(t, form.GetByLabel("E-mail").Fill("bia@loja.com.br"))
	must(t, form.GetByLabel("Senha inicial").Fill("senha-da-bia-123"))
	_, err := form.GetByLabel("Papel").SelectOption(playwright.SelectOptionValues{Values: playwright.StringSlice("marketer")})
	must(t, err)
	must(t, form.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Adicionar usuário"}).Click())
	must(t, expect.Locator(page.GetByText("Usuário bia@loja.com.br criado.")).ToBeVisible())
	must(t, expect.Locator(page.Locator("tr[data-email='bia@loja.com.br']")).ToContainText("Ativo"))
	shot(t, page, "users")
	click(t, page, "button", "Sair")

	signIn(t, page, s, "bia@loja.com.br", "senha-da-bia-123")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/"))
	must(t, expect.Locator(page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Usuários"})).ToHaveCount(0))
	resp, err := page.Goto(s.URL + "/users")
	must(t, err)
	if resp.Status() != 403 {
		t.Errorf("marketer GET /users got %d, want 403", resp.Status())
	}
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Acesso negado"})).ToBeVisible())
	shot(t, page, "forbidden")
}

func TestSwitchLanguageToEnglish(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	nav := page.GetByRole("navigation", playwright.PageGetByRoleOptions{Name: "Navegação principal"})
	must(t, expect.Locator(nav.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Campanhas"})).ToBeVisible())
	_, err := page.GetByLabel("Idioma").SelectOption(playwright.SelectOptionValues{Values: playwright.StringSlice("en")})
	must(t, err)
	nav = page.GetByRole("navigation", playwright.PageGetByRoleOptions{Name: "Main navigation"})
	must(t, expect.Locator(nav.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Campaigns"})).ToBeVisible())
	must(t, expect.Locator(nav.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Settings"})).ToBeVisible())
	shot(t, page, "dashboard-en")
	// The choice is kept: the sign-in page stays in English after signing
	// out, and the user's language comes back with the next sign-in.
	click(t, page, "button", "Sign out")
	must(t, expect.Locator(page.GetByText("You have signed out.")).ToBeVisible())
	fill(t, page, "Email", adminEmail)
	fill(t, page, "Password", adminPassword)
	click(t, page, "button", "Sign in")
	must(t, expect.Locator(page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Campaigns"})).ToBeVisible())
}
