package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/recipient"
	"arauto/store"
)

// The suppression list through the API: check a number, add it, remove
// it. Numbers are normalised as the page normalises them.

// apiPhoneParam reads the :phone of the path, normalised.
func (s *Server) apiPhoneParam(c *fiber.Ctx) (string, error) {
	raw := c.Params("phone")
	phone, reason := recipient.NormalizePhone(truncateRunes(raw, 40), s.cfg.PhoneRegion)
	if reason != "" {
		return "", apiErr(fiber.StatusBadRequest, "invalid_phone", "phone", "api.problem.phone", raw)
	}
	return phone, nil
}

func suppressionJSON(sp store.Suppression) apiSuppression {
	return apiSuppression{Phone: sp.Phone, Suppressed: true, Reason: sp.Reason, Note: sp.Note, CreatedAt: apiTime(sp.CreatedAt)}
}

// apiCheckSuppression says whether a number is on the list (200 either
// way: not being on it is an answer, not an error).
func (s *Server) apiCheckSuppression(c *fiber.Ctx) error {
	phone, err := s.apiPhoneParam(c)
	if err != nil {
		return err
	}
	sp, err := s.store.SuppressionByPhone(c.UserContext(), phone)
	if errors.Is(err, store.ErrNotFound) {
		return s.sendJSON(c, fiber.StatusOK, apiSuppression{Phone: phone})
	}
	if err != nil {
		return err
	}
	return s.sendJSON(c, fiber.StatusOK, suppressionJSON(sp))
}

type addSuppressionRequest struct {
	Phone string `json:"phone"`
	Note  string `json:"note"`
}

// apiAddSuppression puts a number on the list (201, or 200 when it was
// there already).
func (s *Server) apiAddSuppression(c *fiber.Ctx) error {
	var req addSuppressionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Phone) == "" {
		return invalid(c, []apiProblem{problem(c, "phone", "api.problem.required")})
	}
	phone, reason := recipient.NormalizePhone(truncateRunes(req.Phone, 40), s.cfg.PhoneRegion)
	if reason != "" {
		return invalid(c, []apiProblem{problem(c, "phone", "suppression.add.invalid", req.Phone, reason.Message(lang(c)))})
	}
	note := truncateRunes(strings.TrimSpace(req.Note), 200)
	if note == "" {
		note = tr(c, "api.suppression_note", apiToken(c).Name)
	}
	ctx := c.UserContext()
	added, err := s.store.AddSuppressions(ctx, []string{phone}, store.SuppressManual, note)
	if err != nil {
		return err
	}
	sp, err := s.store.SuppressionByPhone(ctx, phone)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if added > 0 {
		status = fiber.StatusCreated
		s.record(c, audit.SuppressionAdded, "phone", phone, "")
	}
	return s.sendJSON(c, status, suppressionJSON(sp))
}

func (s *Server) apiRemoveSuppression(c *fiber.Ctx) error {
	phone, err := s.apiPhoneParam(c)
	if err != nil {
		return err
	}
	if err := s.store.RemoveSuppression(c.UserContext(), phone); errors.Is(err, store.ErrNotFound) {
		return apiErr(fiber.StatusNotFound, "not_found", "phone", "api.error.not_suppressed")
	} else if err != nil {
		return err
	}
	s.record(c, audit.SuppressionRemoved, "phone", phone, "")
	return c.SendStatus(fiber.StatusNoContent)
}
