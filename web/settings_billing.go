package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/billing"
	"arauto/internal/sms"
	"arauto/views"
)

// billing returns how messages are counted and priced now (the saved
// settings, else the defaults).
func (s *Server) billing(ctx context.Context) (billing.Settings, error) {
	saved, err := s.store.Settings(ctx)
	if err != nil {
		return billing.Settings{}, err
	}
	return billing.Load(saved), nil
}

// billingForm is the Settings page's billing card as saved.
func billingForm(saved map[string]string) views.BillingForm {
	return views.BillingForm{Settings: billing.Load(saved)}
}

// saveBilling stores the billing rule, the accents switch and the prices.
// A price that cannot be read is refused with the field named, and
// nothing is saved.
func (s *Server) saveBilling(c *fiber.Ctx) error {
	f := formOf(c, "rule", "sms_price", "whatsapp_price")
	rule, err := sms.ParseRule(f.Value("rule"))
	if err != nil {
		f.Errors["rule"] = tr(c, "billing.problem.rule")
	}
	next := billing.Settings{Rule: rule, Accents: c.FormValue("accents") == "1"}
	for name, dst := range map[string]*billing.Money{"sms_price": &next.SMSPrice, "whatsapp_price": &next.WhatsAppPrice} {
		m, problem := billing.ParsePrice(f.Value(name))
		if problem != "" {
			f.Errors[name] = tr(c, problem, f.Value(name))
			continue
		}
		*dst = m
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "billing.problem.fix")
		d, err := s.settingsData(c, views.Form{}, nil)
		if err != nil {
			return err
		}
		d.Billing.Form = f
		return s.render(c, fiber.StatusUnprocessableEntity, views.SettingsPage(d))
	}
	if err := s.store.SaveSettings(c.UserContext(), next.Saved()); err != nil {
		return err
	}
	s.log.Info("billing settings saved", "rule", next.Rule, "accents", next.Accents, "sms_price", int64(next.SMSPrice),
		"whatsapp_price", int64(next.WhatsAppPrice), "by", currentUser(c).ID)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "billing")
	flash(c, "success", "billing.settings.saved")
	return seeOther(c, "/settings#billing")
}
