package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/store"
)

// SMS templates through the API, checked by message.Template.Problems as
// the template page checks them.

type templateRequest struct {
	Name      *string `json:"name"`
	Body      *string `json:"body"`
	Flash     *bool   `json:"flash"`
	ExtraInfo *string `json:"extra_info"`
	ListID    *int64  `json:"list_id"`
}

func (s *Server) apiTemplates(c *fiber.Ctx) error {
	limit, after, err := page(c, 100)
	if err != nil {
		return err
	}
	ts, err := s.store.Templates(c.UserContext())
	if err != nil {
		return err
	}
	// Templates are few: the cursor is the position after the page.
	out := pageOf[apiTemplate]{Data: []apiTemplate{}}
	for i := int(after); i < len(ts) && len(out.Data) < limit; i++ {
		out.Data = append(out.Data, templateJSON(ts[i]))
	}
	next := int(after) + len(out.Data)
	out.NextCursor = cursor(int64(next), next < len(ts))
	return s.sendJSON(c, fiber.StatusOK, out)
}

func (s *Server) apiTemplateByParam(c *fiber.Ctx) (*message.Template, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, apiErr(fiber.StatusNotFound, "not_found", "id", "api.error.not_found")
	}
	return s.store.TemplateByID(c.UserContext(), id)
}

func (s *Server) apiTemplate(c *fiber.Ctx) error {
	t, err := s.apiTemplateByParam(c)
	if err != nil {
		return err
	}
	return s.sendJSON(c, fiber.StatusOK, templateJSON(t))
}

// checkAPITemplate applies req to t and returns what is wrong with it.
func (s *Server) checkAPITemplate(c *fiber.Ctx, t *message.Template, req templateRequest) ([]apiProblem, error) {
	if req.Name != nil {
		t.Name = strings.TrimSpace(*req.Name)
	}
	if req.Body != nil {
		t.Body = composeText(*req.Body)
	}
	if req.Flash != nil {
		t.Flash = *req.Flash
	}
	if req.ExtraInfo != nil {
		t.ExtraInfo = strings.TrimSpace(*req.ExtraInfo)
	}
	if req.ListID != nil {
		t.ListID = *req.ListID
	}
	var ps []apiProblem
	var columns []string
	if t.ListID != 0 {
		l, err := s.store.ListByID(c.UserContext(), t.ListID)
		switch {
		case errors.Is(err, store.ErrNotFound) || (err == nil && l.State != recipient.ListReady):
			ps = append(ps, problem(c, "list_id", "templates.problem.list"))
			t.ListID = 0
		case err != nil:
			return nil, err
		default:
			columns = l.Columns
		}
	}
	for _, p := range t.Problems(columns) {
		ps = append(ps, problem(c, p.Field, p.Key, p.Args...))
	}
	return ps, nil
}

func (s *Server) apiCreateTemplate(c *fiber.Ctx) error {
	var req templateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	t := &message.Template{Channel: message.ChannelSMS, CreatedBy: actingUserID(c)}
	ps, err := s.checkAPITemplate(c, t, req)
	if err != nil {
		return err
	}
	if len(ps) > 0 {
		return invalid(c, ps)
	}
	if err := s.store.CreateTemplate(c.UserContext(), t); errors.Is(err, store.ErrConflict) {
		return invalid(c, []apiProblem{problem(c, "name", "templates.problem.name_taken")})
	} else if err != nil {
		return err
	}
	s.record(c, audit.TemplateCreated, "template", t.ID, t.Name)
	c.Set(fiber.HeaderLocation, apiPrefix+"/templates/"+strconv.FormatInt(t.ID, 10))
	return s.sendJSON(c, fiber.StatusCreated, templateJSON(t))
}

func (s *Server) apiUpdateTemplate(c *fiber.Ctx) error {
	t, err := s.apiTemplateByParam(c)
	if err != nil {
		return err
	}
	var req templateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ps, err := s.checkAPITemplate(c, t, req)
	if err != nil {
		return err
	}
	if len(ps) > 0 {
		return invalid(c, ps)
	}
	if err := s.store.UpdateTemplate(c.UserContext(), t); errors.Is(err, store.ErrConflict) {
		return invalid(c, []apiProblem{problem(c, "name", "templates.problem.name_taken")})
	} else if err != nil {
		return err
	}
	s.record(c, audit.TemplateUpdated, "template", t.ID, t.Name)
	if t, err = s.store.TemplateByID(c.UserContext(), t.ID); err != nil {
		return err
	}
	return s.sendJSON(c, fiber.StatusOK, templateJSON(t))
}

func (s *Server) apiDeleteTemplate(c *fiber.Ctx) error {
	t, err := s.apiTemplateByParam(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteTemplate(c.UserContext(), t.ID); err != nil {
		return err
	}
	s.record(c, audit.TemplateDeleted, "template", t.ID, t.Name)
	return c.SendStatus(fiber.StatusNoContent)
}
