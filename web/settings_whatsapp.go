package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/config"
	"arauto/views"
)

// whatsAppSettings fills the Settings card of the WhatsApp account whose
// open sessions are listed, from the saved settings or the form typed.
func whatsAppSettings(saved map[string]string, mode string, typed views.Form) views.WhatsAppSettings {
	f := typed
	if f.Values == nil {
		f = views.Form{Values: map[string]string{
			"customer_id":    saved[config.SettingWhatsAppCustomerID],
			"sub_account_id": saved[config.SettingWhatsAppSubAccountID],
		}, Errors: views.FieldErrors{}}
	}
	return views.WhatsAppSettings{Form: f, Sandbox: mode == config.ProviderSandbox}
}

// saveWhatsAppSettings stores the customerId and sub-account whose open
// WhatsApp sessions the provider is asked for; empty clears them.
func (s *Server) saveWhatsAppSettings(c *fiber.Ctx) error {
	f := formOf(c, "customer_id", "sub_account_id")
	if key := config.CheckAccountID(f.Value("customer_id"), false); key != "" {
		f.Errors["customer_id"] = tr(c, key)
	}
	if key := config.CheckAccountID(f.Value("sub_account_id"), true); key != "" {
		f.Errors["sub_account_id"] = tr(c, key)
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "settings.whatsapp.problem")
		d, err := s.settingsData(c, views.Form{}, nil)
		if err != nil {
			return err
		}
		d.WhatsApp.Form = f
		return s.render(c, fiber.StatusUnprocessableEntity, views.SettingsPage(d))
	}
	kv := map[string]string{
		config.SettingWhatsAppCustomerID:   strings.TrimSpace(f.Value("customer_id")),
		config.SettingWhatsAppSubAccountID: strings.TrimSpace(f.Value("sub_account_id")),
	}
	if err := s.store.SaveSettings(c.UserContext(), kv); err != nil {
		return err
	}
	s.log.Info("whatsapp session settings saved", "by", currentUser(c).ID)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "whatsapp sessions")
	flash(c, "success", "settings.whatsapp.saved")
	return seeOther(c, "/settings#whatsapp-sessions")
}
