package web

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/config"
	"arauto/internal/recipient"
	"arauto/internal/user"
)

// startedSMS makes a running SMS campaign of two recipients, Ana and
// second, with body.
func startedSMS(t *testing.T, e *testEnv, body, second string) *campaign.Campaign {
	t.Helper()
	ctx := context.Background()
	l := &recipient.List{Name: "Base", FileName: "base.csv"}
	if err := e.store.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := e.store.AddRecipients(ctx, l.ID, []recipient.Recipient{{Row: 2, Phone: "5511987654321", Fields: []string{"Ana"}},
		{Row: 3, Phone: "5521987654322", Fields: []string{second}}}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.FinishListImport(ctx, l.ID, recipient.Report{Rows: 2, Valid: 2, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	n := time.Now().UnixNano()
	c := &campaign.Campaign{RemoteID: n, Name: "Ofertas " + itoa(n), Alias: "ofertas-" + b36(n), Channel: campaign.SMS, ListID: l.ID, Message: body,
		State: campaign.Scheduled, ScheduledAt: time.Now()}
	if err := e.store.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := e.store.StartCampaign(ctx, c.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTransportSettings drives the doors' Settings section: who may use
// it, what a refused form says and where, passwords never shown back and
// sealed at rest, doors that do not change while a campaign sends.
func TestTransportSettings(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "mkt@example.com", user.Marketer)
	ctx := context.Background()
	if err := e.store.SaveSettings(ctx, map[string]string{config.SettingProvider: config.ProviderWavy}); err != nil {
		t.Fatal(err)
	}
	smpp := func(kv ...string) url.Values {
		v := url.Values{"smpp_host": {"smpp-messaging.wavy.global"}, "smpp_port": {""}, "smpp_tls": {"1"}, "smpp_system_id": {"acme"},
			"smpp_password": {"s3gredo"}, "smpp_binds": {"4"}, "smpp_bind_mode": {"transceiver"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	sftp := func(kv ...string) url.Values {
		v := url.Values{"sftp_host": {"ftp-messaging.wavy.global"}, "sftp_port": {"2222"}, "sftp_username": {"acme"},
			"sftp_password": {"senha-sftp-longa"}, "sftp_sub_account": {"PROJETO1"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	doors := func(sms string) url.Values { return url.Values{"door": {sms}, "whatsapp_door": {"https"}} }
	runHandlerTests(t, e, []handlerTest{
		{as: "mkt@example.com", method: "POST", path: "/settings/transport/smpp", form: smpp(), want: 403},
		{as: "mkt@example.com", method: "POST", path: "/settings/transport/door", form: doors("smpp"), want: 403},
		{as: "mkt@example.com", method: "POST", path: "/settings/transport/test/sftp", want: 403},
		{as: "mkt@example.com", method: "POST", path: "/settings/transport/sftp/forget-key", want: 403},
		{name: "SMPP before its connection", as: "admin@example.com", method: "POST", path: "/settings/transport/door", form: doors("smpp"),
			want: 422, wantIn: []string{"Preencha e salve a conexão SMPP"}},
		{name: "SMPP password too long", as: "admin@example.com", method: "POST", path: "/settings/transport/smpp", form: smpp("smpp_password", "muito-longa"),
			want: 422, wantIn: []string{"A senha SMPP tem até 8 caracteres"}, wantOut: []string{"muito-longa"}},
		{name: "no system_id, bad port", as: "admin@example.com", method: "POST", path: "/settings/transport/smpp", form: smpp("smpp_system_id", "", "smpp_port", "99999"),
			want: 422, wantIn: []string{"Informe o usuário SMPP", "Informe uma porta de 1 a 65535."}},
		{name: "SMPP saved", as: "admin@example.com", method: "POST", path: "/settings/transport/smpp", form: smpp(), want: 303, location: "/settings#smpp"},
		{name: "password kept, never shown", as: "admin@example.com", method: "GET", path: "/settings", want: 200,
			wantIn: []string{`value="acme"`, "Senha salva. Deixe em branco para manter."}, wantOut: []string{"s3gredo"}},
		{name: "saved password not sent to another host", as: "admin@example.com", method: "POST", path: "/settings/transport/smpp",
			form: smpp("smpp_host", "smpp.example.net", "smpp_password", ""), want: 422, wantIn: []string{"O servidor mudou: informe a senha de novo."}},
		{name: "same host keeps the password", as: "admin@example.com", method: "POST", path: "/settings/transport/smpp",
			form: smpp("smpp_password", "", "smpp_binds", "8"), want: 303},
		{name: "bad sub-account", as: "admin@example.com", method: "POST", path: "/settings/transport/sftp", form: sftp("sftp_sub_account", "Projeto 1!"),
			want: 422, wantIn: []string{"Informe a subconta"}},
		{name: "SFTP saved", as: "admin@example.com", method: "POST", path: "/settings/transport/sftp", form: sftp(), want: 303, location: "/settings#sftp"},
		{name: "SMPP chosen", as: "admin@example.com", method: "POST", path: "/settings/transport/door", form: doors("smpp"), want: 303, location: "/settings#transport"},
		{name: "bad door", as: "admin@example.com", method: "POST", path: "/settings/transport/door", form: doors("mq"), want: 422,
			wantIn: []string{"Escolha uma porta para o SMS e outra para o WhatsApp."}},
	})
	saved, err := e.store.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if saved[config.SettingDoor] != config.DoorSMPP || saved[config.SettingSMPPBinds] != "8" || saved[config.SettingSMPPPassword] != "s3gredo" || saved[config.SettingSFTPSubAccount] != "PROJETO1" {
		t.Errorf("saved got %v, want SMPP chosen with 8 binds and the first password", saved)
	}
	// A campaign sending: the doors stay as they are.
	startedSMS(t, e, "Oi {{nome}}", "Bia")
	runHandlerTests(t, e, []handlerTest{
		{name: "no change while sending", as: "admin@example.com", method: "POST", path: "/settings/transport/door", form: doors("sftp"), want: 422,
			wantIn: []string{"Há mensagens sendo enviadas", "1 campanha está enviando agora"}},
		{name: "same doors may be saved again", as: "admin@example.com", method: "POST", path: "/settings/transport/door", form: doors("smpp"), want: 303},
	})

	// A new SFTP server forgets the key pinned for the old one.
	if err := e.store.SaveSettings(ctx, map[string]string{config.SettingSFTPHostKey: "SHA256:abc"}); err != nil {
		t.Fatal(err)
	}
	runHandlerTests(t, e, []handlerTest{
		{name: "pinned key shown", as: "admin@example.com", method: "GET", path: "/settings", want: 200, wantIn: []string{"SHA256:abc", "Esquecer a chave"}},
		{name: "new host", as: "admin@example.com", method: "POST", path: "/settings/transport/sftp", form: sftp("sftp_host", "sftp.example.net"), want: 303},
	})
	if k, _ := e.store.Setting(ctx, config.SettingSFTPHostKey); k != "" {
		t.Errorf("host key after moving to another server got %q, want none", k)
	}
}

// TestCampaignFileDownload downloads the batch file the SFTP door would
// upload, and refuses it, saying where, when a row cannot go in a file.
func TestCampaignFileDownload(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	e.addUser(t, "view@example.com", user.Viewer)
	good := startedSMS(t, e, "Oi {{nome}}, ofertas hoje", "Bia")
	bad := startedSMS(t, e, "Oi {{nome}}, ofertas hoje", "Bia; e Cia")
	runHandlerTests(t, e, []handlerTest{
		{as: "view@example.com", method: "GET", path: "/campaigns/1/sftp-file", want: 403},
		{name: "the file", as: "mkt@example.com", method: "GET", path: "/campaigns/" + itoa(good.ID) + "/sftp-file", want: 200,
			wantIn: []string{"numero;texto;correlationId;\n5511987654321;Oi Ana, ofertas hoje;a" + b36(good.ID) + "-", "5521987654322;Oi Bia, ofertas hoje;", "\nEOF"}},
		{name: "a row with a ;", as: "mkt@example.com", method: "GET", path: "/campaigns/" + itoa(bad.ID) + "/sftp-file", want: 303,
			location: "/campaigns/" + itoa(bad.ID)},
		{name: "says where", as: "mkt@example.com", method: "GET", path: "/campaigns/" + itoa(bad.ID), want: 200,
			wantIn: []string{"O arquivo não foi gerado: 1 mensagem não cabe no layout da Wavy. Linha 2, campo texto: tem “;”"}},
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
func b36(n int64) string  { return strconv.FormatInt(n, 36) }
