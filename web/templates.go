package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/user"
	"arauto/store"
	"arauto/views"
)

func (s *Server) templatesPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ts, err := s.store.Templates(ctx)
	if err != nil {
		return err
	}
	lists, err := s.store.Lists(ctx, "")
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(lists))
	for _, l := range lists {
		names[l.ID] = l.Name
	}
	return s.render(c, fiber.StatusOK, views.TemplatesPage(views.TemplateListData{Templates: ts, ListNames: names}))
}

func (s *Server) newTemplatePage(c *fiber.Ctx) error {
	t := &message.Template{Channel: message.ChannelSMS}
	return s.renderTemplateForm(c, fiber.StatusOK, nil, t, views.Form{})
}

// templateParam loads the :id template.
func (s *Server) templateParam(c *fiber.Ctx) (*message.Template, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return s.store.TemplateByID(c.UserContext(), id)
}

// templatePage shows a template: editable for marketers, read-only for
// viewers.
func (s *Server) templatePage(c *fiber.Ctx) error {
	t, err := s.templateParam(c)
	if err != nil {
		return err
	}
	return s.renderTemplateForm(c, fiber.StatusOK, t, t, views.Form{})
}

// templateForm reads a submitted template form.
func templateForm(c *fiber.Ctx) (*message.Template, views.Form) {
	f := formOf(c, "name", "extra_info", "channel")
	t := &message.Template{
		Name:      f.Value("name"),
		Channel:   f.Value("channel"),
		Body:      composeText(c.FormValue("body")),
		Flash:     c.FormValue("flash") == "1",
		ExtraInfo: f.Value("extra_info"),
		ListID:    formID(c, "list_id"),
	}
	return t, f
}

// formID reads an optional id field: 0 when missing or not a positive number.
func formID(c *fiber.Ctx, name string) int64 {
	id, err := strconv.ParseInt(c.FormValue(name), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// checkTemplate fills f.Errors with what is wrong with t, checking its
// placeholders against its preview list, which must be ready.
func (s *Server) checkTemplate(c *fiber.Ctx, t *message.Template, f *views.Form) error {
	var columns []string
	if t.ListID != 0 {
		l, err := s.store.ListByID(c.UserContext(), t.ListID)
		switch {
		case errors.Is(err, store.ErrNotFound) || (err == nil && l.State != recipient.ListReady):
			f.Errors["list_id"] = tr(c, "templates.problem.list")
			t.ListID = 0
		case err != nil:
			return err
		default:
			columns = l.Columns
		}
	}
	for _, p := range t.Problems(columns) {
		if _, seen := f.Errors[p.Field]; !seen {
			f.Errors[p.Field] = tr(c, p.Key, p.Args...)
		}
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "templates.problem.form")
	}
	return nil
}

func (s *Server) createTemplate(c *fiber.Ctx) error {
	t, f := templateForm(c)
	if err := s.checkTemplate(c, t, &f); err != nil {
		return err
	}
	if len(f.Errors) == 0 {
		t.CreatedBy = currentUser(c).ID
		err := s.store.CreateTemplate(c.UserContext(), t)
		if errors.Is(err, store.ErrConflict) {
			f.Errors["name"] = tr(c, "templates.problem.name_taken")
			f.Message = tr(c, "templates.problem.form")
		} else if err != nil {
			return err
		}
	}
	if len(f.Errors) > 0 {
		return s.renderTemplateForm(c, fiber.StatusUnprocessableEntity, nil, t, f)
	}
	s.log.Info("template created", "template_id", t.ID, "by", t.CreatedBy, "request_id", requestID(c))
	flash(c, "success", "templates.saved", t.Name)
	return seeOther(c, "/templates")
}

func (s *Server) updateTemplate(c *fiber.Ctx) error {
	saved, err := s.templateParam(c)
	if err != nil {
		return err
	}
	t, f := templateForm(c)
	t.ID, t.CreatedBy, t.CreatedAt = saved.ID, saved.CreatedBy, saved.CreatedAt
	if err := s.checkTemplate(c, t, &f); err != nil {
		return err
	}
	if len(f.Errors) == 0 {
		err := s.store.UpdateTemplate(c.UserContext(), t)
		if errors.Is(err, store.ErrConflict) {
			f.Errors["name"] = tr(c, "templates.problem.name_taken")
			f.Message = tr(c, "templates.problem.form")
		} else if err != nil {
			return err
		}
	}
	if len(f.Errors) > 0 {
		return s.renderTemplateForm(c, fiber.StatusUnprocessableEntity, saved, t, f)
	}
	s.log.Info("template updated", "template_id", t.ID, "by", currentUser(c).ID, "request_id", requestID(c))
	flash(c, "success", "templates.saved", t.Name)
	return seeOther(c, "/templates")
}

func (s *Server) deleteTemplate(c *fiber.Ctx) error {
	t, err := s.templateParam(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteTemplate(c.UserContext(), t.ID); err != nil {
		return err
	}
	s.log.Info("template deleted", "template_id", t.ID, "by", currentUser(c).ID, "request_id", requestID(c))
	flash(c, "success", "templates.deleted", t.Name)
	return seeOther(c, "/templates")
}

// renderTemplateForm shows the template page. saved is the stored
// template (nil on the new page); t holds what the form shows.
func (s *Server) renderTemplateForm(c *fiber.Ctx, status int, saved, t *message.Template, f views.Form) error {
	ctx := c.UserContext()
	if f.Values == nil {
		f = views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}
	}
	f.Values["name"], f.Values["extra_info"] = t.Name, t.ExtraInfo
	if t.Flash {
		f.Values["flash"] = "1"
	}
	readOnly := !currentUser(c).Role.AtLeast(user.Marketer)
	lists, err := s.store.Lists(ctx, recipient.ListReady)
	if err != nil {
		return err
	}
	if lists == nil {
		lists = []*recipient.List{}
	}
	list := findList(lists, t.ListID)
	if list == nil {
		t.ListID = 0
	}
	meter, err := s.writtenMeter(ctx, t.Body, list)
	if err != nil {
		return err
	}
	d := views.TemplateFormData{Template: saved, Form: f, Composer: views.ComposerData{
		Field: "body", Label: tr(c, "templates.field.body"), Body: t.Body, Error: f.Err("body"),
		Lists: lists, ListID: t.ListID, ReadOnly: readOnly, Meter: meter,
		ListError: f.Err("list_id"),
	}, Cost: views.ComposeCost{List: list, Pending: list != nil}}
	if list != nil {
		d.Composer.Columns = list.Columns
	}
	return s.render(c, status, views.TemplateFormPage(d))
}

func findList(lists []*recipient.List, id int64) *recipient.List {
	for _, l := range lists {
		if l.ID == id {
			return l
		}
	}
	return nil
}
