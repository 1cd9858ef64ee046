package web

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/internal/walibrary"
	"arauto/store"
	"arauto/views"
)

// The WhatsApp template library (issue 17): approved templates saved once
// and picked by name in the composer.

func (s *Server) libraryPage(c *fiber.Ctx) error {
	ts, err := s.store.LibraryTemplates(c.UserContext(), false)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.LibraryPage(views.LibraryListData{Templates: ts}))
}

func (s *Server) newLibraryPage(c *fiber.Ctx) error {
	t := &walibrary.Template{}
	return s.renderLibraryForm(c, fiber.StatusOK, nil, t, views.Form{Values: views.LibraryFormOf(t)})
}

func (s *Server) libraryParam(c *fiber.Ctx) (*walibrary.Template, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return s.store.LibraryTemplate(c.UserContext(), id)
}

// libraryTemplatePage shows a library template: editable for marketers,
// read-only for viewers.
func (s *Server) libraryTemplatePage(c *fiber.Ctx) error {
	t, err := s.libraryParam(c)
	if err != nil {
		return err
	}
	return s.renderLibraryForm(c, fiber.StatusOK, t, t, views.Form{Values: views.LibraryFormOf(t)})
}

func (s *Server) renderLibraryForm(c *fiber.Ctx, status int, saved, shown *walibrary.Template, f views.Form) error {
	if f.Errors == nil {
		f.Errors = views.FieldErrors{}
	}
	return s.render(c, status, views.LibraryFormPage(views.LibraryFormData{Template: saved, Form: f, Preview: views.LibraryPreview(shown)}))
}

// libraryFields are the form's inputs besides the button rows.
var libraryFields = []string{"namespace", "element_name", "language_code", "status", "header_kind", "header_text", "header_params",
	"body_text", "body_params", "footer_text"}

// readLibraryForm reads a submitted library template and checks it; the
// form carries what was typed and the problems on the fields they belong to.
func readLibraryForm(c *fiber.Ctx) (*walibrary.Template, views.Form) {
	f := views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}
	for _, name := range libraryFields {
		v := c.FormValue(name)
		if name != "body_text" {
			v = strings.TrimSpace(v)
		}
		f.Values[name] = v
	}
	t := &walibrary.Template{
		Namespace: f.Value("namespace"), ElementName: f.Value("element_name"), LanguageCode: f.Value("language_code"),
		HeaderKind: f.Value("header_kind"), BodyText: f.Value("body_text"), BodyParams: lines(f.Value("body_params")),
		FooterText: f.Value("footer_text"), Status: walibrary.Status(f.Value("status")),
	}
	if t.HeaderKind == "text" {
		t.HeaderText, t.HeaderParams = f.Value("header_text"), lines(f.Value("header_params"))
	}
	var rowOf []int // the form row of each button kept
	for n := 1; n <= views.LibraryButtonRows; n++ {
		k := strconv.Itoa(n)
		b := walibrary.Button{Kind: strings.TrimSpace(c.FormValue("button_kind_" + k)), Text: strings.TrimSpace(c.FormValue("button_text_" + k)),
			Value: strings.TrimSpace(c.FormValue("button_value_" + k))}
		f.Values["button_kind_"+k], f.Values["button_text_"+k], f.Values["button_value_"+k] = b.Kind, b.Text, b.Value
		if b == (walibrary.Button{}) {
			continue
		}
		t.Buttons = append(t.Buttons, b)
		rowOf = append(rowOf, n)
	}
	for _, p := range t.Problems() {
		field := p.Field
		if i, err := strconv.Atoi(strings.TrimPrefix(field, "button_")); err == nil && i >= 1 && i <= len(rowOf) {
			field = "button_" + strconv.Itoa(rowOf[i-1])
		}
		if _, seen := f.Errors[field]; !seen {
			f.Errors[field] = tr(c, p.Key, p.Args...)
		}
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "walibrary.problem.form")
	}
	return t, f
}

func (s *Server) createLibraryTemplate(c *fiber.Ctx) error {
	return s.saveLibraryTemplate(c, nil)
}

func (s *Server) updateLibraryTemplate(c *fiber.Ctx) error {
	saved, err := s.libraryParam(c)
	if err != nil {
		return err
	}
	return s.saveLibraryTemplate(c, saved)
}

// saveLibraryTemplate reads the library form and stores it: as a new
// template, or over saved. A name taken by another template is a problem
// on the form, as its own are.
func (s *Server) saveLibraryTemplate(c *fiber.Ctx, saved *walibrary.Template) error {
	t, f := readLibraryForm(c)
	if saved != nil {
		t.ID = saved.ID
	}
	if len(f.Errors) == 0 {
		var err error
		if saved == nil {
			t.CreatedBy = currentUser(c).ID
			err = s.store.CreateLibraryTemplate(c.UserContext(), t, s.now().UTC())
		} else {
			err = s.store.UpdateLibraryTemplate(c.UserContext(), t, s.now().UTC())
		}
		if errors.Is(err, store.ErrConflict) {
			f.Errors["element_name"] = tr(c, "walibrary.problem.taken")
			f.Message = tr(c, "walibrary.problem.form")
		} else if err != nil {
			return err
		}
	}
	if len(f.Errors) > 0 {
		return s.renderLibraryForm(c, fiber.StatusUnprocessableEntity, saved, t, f)
	}
	if saved == nil {
		s.record(c, audit.TemplateCreated, "whatsapp_template", t.ID, t.Label())
	} else {
		s.record(c, audit.TemplateUpdated, "whatsapp_template", t.ID, t.Label(), "status", string(t.Status))
	}
	flash(c, "success", "walibrary.saved")
	return seeOther(c, views.LibraryPath(0, ""))
}

func (s *Server) deleteLibraryTemplate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	t, err := s.store.LibraryTemplate(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteLibraryTemplate(c.UserContext(), id); err != nil {
		return err
	}
	s.record(c, audit.TemplateDeleted, "whatsapp_template", id, t.Label())
	flash(c, "success", "walibrary.deleted")
	return seeOther(c, views.LibraryPath(0, ""))
}

// withLibrary offers the approved templates in the composer, the one the
// message is written with chosen.
func (s *Server) withLibrary(ctx context.Context, d *views.WhatsAppForm) error {
	ts, err := s.store.LibraryTemplates(ctx, true)
	if err != nil {
		return err
	}
	d.Library = ts
	if d.Form.Value("library_id") != "" {
		return nil
	}
	for _, t := range ts {
		if t.Namespace == d.Form.Value("namespace") && t.ElementName == d.Form.Value("element_name") && t.LanguageCode == d.Form.Value("language_code") {
			if d.Form.Values == nil {
				d.Form.Values = map[string]string{}
			}
			d.Form.Values["library_id"] = strconv.FormatInt(t.ID, 10)
		}
	}
	return nil
}

// libraryStatusProblem refuses a template message the library knows as
// paused or rejected: WhatsApp would refuse every message.
func (s *Server) libraryStatusProblem(c *fiber.Ctx, w message.WhatsApp, errs views.FieldErrors) error {
	if w.Kind != message.WhatsAppTemplate || w.Template == nil {
		return nil
	}
	t, err := s.store.LibraryTemplateByName(c.UserContext(), w.Template.Namespace, w.Template.ElementName, w.Template.LanguageCode)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, seen := errs["element_name"]; !seen && t.Status != walibrary.Approved {
		errs["element_name"] = tr(c, "walibrary.problem.not_approved", tr(c, "walibrary.status."+string(t.Status)))
	}
	return nil
}

// useLibraryTemplate fills the composer's template part from a library
// template, keeping everything else typed, and says which of its
// parameters the list has no field for. Nothing is saved.
func (s *Server) useLibraryTemplate(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
	}
	if cp.Channel != campaign.WhatsApp {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	f := views.Form{Values: readWhatsAppForm(c), Errors: views.FieldErrors{}}
	readSendOptions(c, campaign.WhatsApp, &f)
	f.Errors = views.FieldErrors{} // only the template's fit is judged here
	id, _ := strconv.ParseInt(f.Value("library_id"), 10, 64)
	t, err := s.store.LibraryTemplate(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Status != walibrary.Approved) {
		f.Errors["library_id"] = tr(c, "walibrary.problem.pick")
		f.Message = tr(c, "walibrary.problem.pick")
		return s.renderWhatsApp(c, fiber.StatusUnprocessableEntity, cp, f)
	}
	if err != nil {
		return err
	}
	list, _, err := s.campaigns.List(ctx, cp)
	if err != nil {
		return err
	}
	var columns []string
	if list != nil {
		columns = list.Columns
	}
	m, missing := t.Fill(columns)
	filled := formOfWhatsApp(message.WhatsApp{Kind: message.WhatsAppTemplate, Template: &m}, "")
	for _, name := range []string{"kind", "namespace", "element_name", "language_code", "language_policy", "header_kind", "header_text",
		"header_params", "body_text", "body_params", "footer_text", "buttons"} {
		f.Values[name] = filled[name]
	}
	note := tr(c, "walibrary.used", t.Label())
	if len(missing) > 0 {
		note = tr(c, "walibrary.used_missing", t.Label(), message.Braced(missing))
	}
	return s.renderWhatsAppNote(c, fiber.StatusOK, cp, f, note)
}
