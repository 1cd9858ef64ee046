package web

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/store"
	"arauto/views"
)

// whatsAppFields are the editor's inputs, kept as typed when shown again;
// the contact cards' come from views.ContactFieldNames.
var whatsAppFields = append([]string{"kind", "namespace", "element_name", "language_code", "language_policy", "header_kind", "header_text",
	"header_params", "header_title", "header_media_url", "header_media_type", "body_text", "body_params", "footer_text", "text",
	"preview_first_url", "media_url", "media_type", "media_caption", "media_upload", "geo_point", "location_name", "location_address",
	"extra_info", "buttons", "library_id"}, views.ContactFieldNames()...)

// lines splits a textarea into one value per non-empty line.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// whatsAppOfForm builds the message from the editor's values. An uploaded
// file is named (Media.Upload); its data is filled in by withUpload.
func whatsAppOfForm(v map[string]string) message.WhatsApp {
	w := message.WhatsApp{Kind: v["kind"]}
	switch w.Kind {
	case message.WhatsAppTemplate:
		t := &message.WhatsAppTemplateMsg{Namespace: v["namespace"], ElementName: v["element_name"], LanguageCode: v["language_code"],
			LanguagePolicy: v["language_policy"], HeaderKind: v["header_kind"], BodyText: v["body_text"],
			BodyParameters: lines(v["body_params"]), FooterText: v["footer_text"], HeaderTitle: v["header_title"], Buttons: lines(v["buttons"])}
		switch t.HeaderKind {
		case "text":
			t.HeaderText, t.HeaderParameters = v["header_text"], lines(v["header_params"])
		case "":
		default:
			t.HeaderMedia = &message.WhatsAppMedia{URL: v["header_media_url"], Type: strings.ToUpper(v["header_media_type"])}
		}
		w.Template = t
	case message.WhatsAppText:
		w.Text = v["text"]
		w.PreviewFirstURL = v["preview_first_url"] == "1"
	case message.WhatsAppImage, message.WhatsAppAudio, message.WhatsAppDocument:
		w.Media = &message.WhatsAppMedia{URL: v["media_url"], Type: strings.ToUpper(v["media_type"]), Caption: v["media_caption"]}
		if id, err := strconv.ParseInt(v["media_upload"], 10, 64); err == nil && id > 0 {
			w.Media.Upload = id
		}
	case message.WhatsAppLocation:
		w.Location = &message.WhatsAppPlace{GeoPoint: v["geo_point"], Name: v["location_name"], Address: v["location_address"]}
	case message.WhatsAppContacts:
		w.Contacts = contactsOfForm(v)
	}
	return w
}

// withUpload fills the data of the file the message names from the
// campaign's uploads (its type is the file's); a file that is not the
// campaign's is left out, so the message asks for one again.
func (s *Server) withUpload(ctx context.Context, campaignID int64, w *message.WhatsApp, data bool) error {
	m := w.Media
	if m == nil || m.Upload == 0 {
		return nil
	}
	up, err := s.store.WhatsAppMedia(ctx, campaignID, m.Upload, data)
	if errors.Is(err, store.ErrNotFound) {
		m.Upload = 0
		return nil
	}
	if err != nil {
		return err
	}
	m.FileName, m.Type = up.FileName, up.Type
	if data {
		m.Data = up.Data
	} else {
		m.Data = "-" // named, not loaded: the preview shows the file
	}
	return nil
}

// formOfWhatsApp fills the editor with a stored message.
func formOfWhatsApp(w message.WhatsApp, extra string) map[string]string {
	v := map[string]string{"kind": w.Kind, "extra_info": extra, "language_code": "pt_BR", "language_policy": message.WhatsAppPolicies[0]}
	if v["kind"] == "" {
		v["kind"] = message.WhatsAppTemplate
	}
	if t := w.Template; t != nil {
		v["namespace"], v["element_name"], v["header_kind"], v["header_title"] = t.Namespace, t.ElementName, t.HeaderKind, t.HeaderTitle
		if t.LanguageCode != "" {
			v["language_code"] = t.LanguageCode
		}
		if t.LanguagePolicy != "" {
			v["language_policy"] = t.LanguagePolicy
		}
		v["header_text"], v["header_params"] = t.HeaderText, strings.Join(t.HeaderParameters, "\n")
		if t.HeaderMedia != nil {
			v["header_media_url"], v["header_media_type"] = t.HeaderMedia.URL, t.HeaderMedia.Type
		}
		v["body_text"], v["body_params"], v["footer_text"] = t.BodyText, strings.Join(t.BodyParameters, "\n"), t.FooterText
		v["buttons"] = strings.Join(t.Buttons, "\n")
	}
	v["text"] = w.Text
	if w.PreviewFirstURL {
		v["preview_first_url"] = "1"
	}
	if m := w.Media; m != nil {
		v["media_url"], v["media_type"], v["media_caption"] = m.URL, m.Type, m.Caption
		if m.Upload != 0 {
			v["media_upload"] = strconv.FormatInt(m.Upload, 10)
		}
	}
	if l := w.Location; l != nil {
		v["geo_point"], v["location_name"], v["location_address"] = l.GeoPoint, l.Name, l.Address
	}
	maps.Copy(v, formOfContacts(w.AllContacts()))
	return v
}

// formField names the editor input a problem belongs to.
func formField(problemField string) string {
	switch {
	case strings.HasPrefix(problemField, "body_param"):
		return "body_params"
	case strings.HasPrefix(problemField, "header_param"):
		return "header_params"
	case strings.HasPrefix(problemField, "media_data"):
		return "media_upload"
	case strings.HasPrefix(problemField, "contact_") && strings.Contains(problemField, "_address_") && !strings.HasSuffix(problemField, "_country_code"):
		return problemField + "_type" // the address's type is what its problem is about
	}
	return problemField
}

// whatsAppProblems translates the message's problems onto the form.
func whatsAppProblems(c *fiber.Ctx, w message.WhatsApp, columns []string) views.FieldErrors {
	errs := views.FieldErrors{}
	for _, p := range w.Problems(columns) {
		f := formField(p.Field)
		if _, seen := errs[f]; !seen {
			errs[f] = tr(c, p.Key, p.Args...)
		}
	}
	return errs
}

// errFirstRecipient stops a walk once it has the first recipients it needs.
var errFirstRecipient = errors.New("web: first recipient found")

// whatsAppPreview renders the message for the list's first recipient.
func (s *Server) whatsAppPreview(ctx context.Context, campaignID int64, w message.WhatsApp, list *recipient.List) (views.WhatsAppPreviewData, error) {
	if err := s.withUpload(ctx, campaignID, &w, false); err != nil {
		return views.WhatsAppPreviewData{}, err
	}
	d := views.WhatsAppPreviewData{Kind: w.Kind}
	var columns, fields []string
	if list != nil {
		columns = list.Columns
		// The first recipient of the list, or of the segment's contacts now.
		err := s.campaigns.EachRecipient(ctx, list, func(r *recipient.Recipient) error {
			fields = slices.Clone(r.Fields)
			d.Recipient = "+" + r.Phone
			return errFirstRecipient
		})
		if err != nil && !errors.Is(err, errFirstRecipient) {
			return d, err
		}
	}
	d.Message = w.Preview(columns, fields)
	return d, nil
}

func (s *Server) renderWhatsApp(c *fiber.Ctx, status int, cp *campaign.Campaign, f views.Form) error {
	return s.renderWhatsAppNote(c, status, cp, f, "")
}

// renderWhatsAppNote shows the editor with a note on the template picked
// from the library ("" for none).
func (s *Server) renderWhatsAppNote(c *fiber.Ctx, status int, cp *campaign.Campaign, f views.Form, libraryNote string) error {
	ctx := c.UserContext()
	list, _, err := s.campaigns.List(ctx, cp)
	if err != nil {
		return err
	}
	d := views.WhatsAppForm{Campaign: cp, List: list, Form: f, LibraryNote: libraryNote}
	if err := s.withLibrary(ctx, &d); err != nil {
		return err
	}
	if id, err := strconv.ParseInt(f.Value("media_upload"), 10, 64); err == nil && id > 0 {
		if up, err := s.store.WhatsAppMedia(ctx, cp.ID, id, false); err == nil {
			d.Upload = &up
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if list != nil {
		count, err := s.waSessions.Count(ctx, list.ID, s.now().UTC())
		if err != nil {
			return err
		}
		if count.ProviderErr != nil {
			s.log.Warn("open whatsapp sessions: the provider's list could not be had; counting stored replies only", "err", count.ProviderErr)
		}
		d.Sessions, d.SessionsFromProvider, d.SessionsProviderDown = count.N, count.Provider, count.ProviderErr != nil
	}
	if d.Preview, err = s.whatsAppPreview(ctx, cp.ID, whatsAppOfForm(f.Values), list); err != nil {
		return err
	}
	return s.render(c, status, views.WhatsAppPage(d))
}

// whatsAppMessagePage shows the WhatsApp editor of a draft campaign.
func (s *Server) whatsAppMessagePage(c *fiber.Ctx, cp *campaign.Campaign) error {
	w, err := s.store.CampaignWhatsApp(c.UserContext(), cp.ID)
	if err != nil {
		return err
	}
	return s.renderWhatsApp(c, fiber.StatusOK, cp, withSendOptions(views.Form{Values: formOfWhatsApp(w, cp.ExtraInfo), Errors: views.FieldErrors{}}, cp.Options))
}

func readWhatsAppForm(c *fiber.Ctx) map[string]string {
	v := make(map[string]string, len(whatsAppFields))
	for _, name := range whatsAppFields {
		val := c.FormValue(name)
		if name != "body_text" && name != "text" && name != "header_params" && name != "body_params" && name != "media_caption" {
			val = strings.TrimSpace(val)
		}
		v[name] = val
	}
	return v
}

// saveWhatsApp validates and stores the WhatsApp message.
func (s *Server) saveWhatsApp(c *fiber.Ctx, cp *campaign.Campaign) error {
	f := views.Form{Values: readWhatsAppForm(c)}
	w := whatsAppOfForm(f.Values)
	if err := s.withUpload(c.UserContext(), cp.ID, &w, true); err != nil {
		return err
	}
	_, columns, err := s.audience(c.UserContext(), cp)
	if err != nil {
		return err
	}
	f.Errors = whatsAppProblems(c, w, columns)
	if err := s.libraryStatusProblem(c, w, f.Errors); err != nil {
		return err
	}
	opts := readSendOptions(c, campaign.WhatsApp, &f)
	extra := f.Value("extra_info")
	if n := utf8.RuneCountInString(extra); n > campaign.MaxExtraInfoLen {
		f.Errors["extra_info"] = tr(c, "campaigns.message.problem_extra_info", campaign.MaxExtraInfoLen, n)
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "campaigns.message.problem_form")
		return s.renderWhatsApp(c, fiber.StatusUnprocessableEntity, cp, f)
	}
	if err := s.store.SetCampaignWhatsApp(c.UserContext(), cp.ID, w, extra, s.now().UTC()); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	if err := s.store.SetCampaignOptions(c.UserContext(), cp.ID, opts, s.now().UTC()); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.log.Info("campaign whatsapp message saved", "campaign_id", cp.ID, "kind", w.Kind, "by", currentUser(c).ID)
	flash(c, "success", "campaigns.message.saved")
	return seeOther(c, campaignPath(cp.ID, ""))
}

// previewWhatsApp answers the editor's phone preview as the form changes.
func (s *Server) previewWhatsApp(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	list, _, err := s.campaigns.List(c.UserContext(), cp)
	if err != nil {
		return err
	}
	d, err := s.whatsAppPreview(c.UserContext(), cp.ID, whatsAppOfForm(readWhatsAppForm(c)), list)
	if err != nil {
		return err
	}
	return s.renderWith(c, fiber.StatusOK, views.WhatsAppPreview(d), false)
}
