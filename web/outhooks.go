package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/outhook"
	"arauto/store"
	"arauto/views"
)

// The outgoing webhooks pages (admins): register receivers for events
// (the signing secret shown once), change or pause them, rotate the
// secret, and read each one's delivery log with the last answer.

const deliveriesPerPage = 50

func (s *Server) outhooksPage(c *fiber.Ctx) error {
	return s.renderOuthooks(c, fiber.StatusOK, views.OuthooksData{Form: views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}})
}

func (s *Server) renderOuthooks(c *fiber.Ctx, status int, d views.OuthooksData) error {
	eps, err := s.store.Endpoints(c.UserContext())
	if err != nil {
		return err
	}
	d.Endpoints = eps
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, views.OuthooksPage(d))
}

// endpointForm reads the receiver form into e and its problems into f.
func endpointForm(c *fiber.Ctx, e *outhook.Endpoint) views.Form {
	f := formOf(c, "url", "description")
	e.URL, e.Description = f.Value("url"), f.Value("description")
	e.Events = nil
	for _, v := range c.Context().PostArgs().PeekMulti("events") {
		e.Events = append(e.Events, string(v))
	}
	for _, p := range e.Check() {
		if _, seen := f.Errors[p.Field]; !seen {
			f.Errors[p.Field] = tr(c, p.Key)
		}
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "templates.problem.form")
	}
	return f
}

func (s *Server) createOuthook(c *fiber.Ctx) error {
	e := &outhook.Endpoint{Active: true}
	f := endpointForm(c, e)
	if len(f.Errors) > 0 {
		return s.renderOuthooks(c, fiber.StatusUnprocessableEntity, views.OuthooksData{Form: f})
	}
	e.Secret = outhook.NewSecret()
	if err := s.store.CreateEndpoint(c.UserContext(), e, currentUser(c).ID); err != nil {
		return err
	}
	s.record(c, audit.WebhookCreated, "webhook", e.ID, e.URL, "events", strings.Join(e.Events, " "))
	return s.renderOuthooks(c, fiber.StatusCreated, views.OuthooksData{NewSecret: e.Secret, SecretFor: e.ID,
		Form: views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}})
}

func (s *Server) outhookByParam(c *fiber.Ctx) (outhook.Endpoint, error) {
	id, err := idParam(c)
	if err != nil {
		return outhook.Endpoint{}, err
	}
	return s.store.EndpointByID(c.UserContext(), id)
}

func (s *Server) outhookPage(c *fiber.Ctx) error {
	e, err := s.outhookByParam(c)
	if err != nil {
		return err
	}
	return s.renderOuthook(c, fiber.StatusOK, views.OuthookData{Endpoint: e,
		Form: views.Form{Values: map[string]string{"url": e.URL, "description": e.Description}, Errors: views.FieldErrors{}}})
}

func (s *Server) renderOuthook(c *fiber.Ctx, status int, d views.OuthookData) error {
	d.State = c.Query("state")
	if d.State != "pending" && d.State != "delivered" && d.State != "failed" {
		d.State = ""
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	ds, err := s.store.DeliveryLog(c.UserContext(), d.Endpoint.ID, d.State, before, deliveriesPerPage+1)
	if err != nil {
		return err
	}
	if len(ds) > deliveriesPerPage {
		ds = ds[:deliveriesPerPage]
		d.Next = ds[len(ds)-1].ID
	}
	d.Deliveries = ds
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, views.OuthookPage(d))
}

func (s *Server) updateOuthook(c *fiber.Ctx) error {
	e, err := s.outhookByParam(c)
	if err != nil {
		return err
	}
	f := endpointForm(c, &e)
	e.Active = c.FormValue("active") == "1"
	if len(f.Errors) > 0 {
		return s.renderOuthook(c, fiber.StatusUnprocessableEntity, views.OuthookData{Endpoint: e, Form: f})
	}
	if err := s.store.UpdateEndpoint(c.UserContext(), &e); err != nil {
		return err
	}
	s.record(c, audit.WebhookUpdated, "webhook", e.ID, e.URL, "events", strings.Join(e.Events, " "), "active", strconv.FormatBool(e.Active))
	flash(c, "success", "webhooks.saved")
	return seeOther(c, "/automation/webhooks/"+strconv.FormatInt(e.ID, 10))
}

func (s *Server) rotateOuthook(c *fiber.Ctx) error {
	e, err := s.outhookByParam(c)
	if err != nil {
		return err
	}
	secret := outhook.NewSecret()
	if err := s.store.RotateEndpointSecret(c.UserContext(), e.ID, secret); err != nil {
		return err
	}
	s.record(c, audit.WebhookRotated, "webhook", e.ID, e.URL)
	return s.renderOuthook(c, fiber.StatusOK, views.OuthookData{Endpoint: e, NewSecret: secret,
		Form: views.Form{Values: map[string]string{"url": e.URL, "description": e.Description}, Errors: views.FieldErrors{}}})
}

func (s *Server) deleteOuthook(c *fiber.Ctx) error {
	e, err := s.outhookByParam(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteEndpoint(c.UserContext(), e.ID); err != nil {
		return err
	}
	s.record(c, audit.WebhookDeleted, "webhook", e.ID, e.URL)
	flash(c, "success", "webhooks.deleted", e.URL)
	return seeOther(c, "/automation/webhooks")
}

func (s *Server) retryOuthookDelivery(c *fiber.Ctx) error {
	e, err := s.outhookByParam(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("delivery"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	back := "/automation/webhooks/" + strconv.FormatInt(e.ID, 10)
	if err := s.store.RetryDelivery(c.UserContext(), e.ID, id, s.now()); errors.Is(err, store.ErrNotFound) {
		return seeOther(c, back)
	} else if err != nil {
		return err
	}
	flash(c, "success", "webhooks.retry_queued")
	return seeOther(c, back)
}
