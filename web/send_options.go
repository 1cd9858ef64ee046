package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/views"
)

// sendOptionFields are the message editors' inputs of campaign.SendOptions.
var sendOptionFields = []string{"sub_account", "flow_id", "template_id", "template_name"}

// withSendOptions puts a campaign's saved options into an editor's form.
func withSendOptions(f views.Form, o campaign.SendOptions) views.Form {
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	f.Values["sub_account"], f.Values["flow_id"], f.Values["template_name"] = o.SubAccount, o.FlowID, o.TemplateName
	f.Values["template_id"] = ""
	if o.TemplateID != 0 {
		f.Values["template_id"] = strconv.FormatInt(o.TemplateID, 10)
	}
	return f
}

// readSendOptions reads the options of an editor's form into f (values
// as typed, problems on their fields).
func readSendOptions(c *fiber.Ctx, ch campaign.Channel, f *views.Form) campaign.SendOptions {
	for _, name := range sendOptionFields {
		f.Values[name] = c.FormValue(name)
	}
	o, problems := campaign.ParseSendOptions(ch, f.Values["sub_account"], f.Values["flow_id"], f.Values["template_id"], f.Values["template_name"])
	for _, p := range problems {
		f.Errors[p.Field] = tr(c, p.Key, p.Args...)
	}
	return o
}
