package web

import (
	"errors"
	"os"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/listimport"
	"arauto/internal/recipient"
)

// Recipient lists through the API: the upload streamed to disk as the
// page's is (413 on an announced length over the limit, before a byte is
// read), inspected, then imported in the background with the detected
// columns (or those the caller names) by the same listimport jobs.

func (s *Server) apiListByParam(c *fiber.Ctx) (*recipient.List, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, apiErr(fiber.StatusNotFound, "not_found", "id", "api.error.not_found")
	}
	l, err := s.store.ListByID(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if hidden, err := s.store.IsStreamList(c.UserContext(), id); err != nil || hidden {
		// A transactional stream's list is not a list of the API.
		if err == nil {
			err = apiErr(fiber.StatusNotFound, "not_found", "id", "api.error.not_found")
		}
		return nil, err
	}
	return l, nil
}

func (s *Server) listJSONWithProgress(c *fiber.Ctx, l *recipient.List) apiList {
	out := listJSON(l)
	if l.State == recipient.ListImporting {
		if p, ok := s.imports.Progress(c.UserContext(), l.ID); ok {
			out.Progress = &apiProgress{Rows: int64(p.Rows), Valid: int64(p.Valid), Bytes: p.BytesRead, Total: p.TotalBytes}
		}
	}
	if l.State == recipient.ListFailed {
		switch fe, ok := recipient.FileErrorByCode(l.ErrorCode); {
		case ok:
			out.Error = tr(c, fe.Key())
		case l.ErrorCode == "interrupted":
			out.Error = tr(c, "lists.failed.interrupted")
		default:
			out.Error = tr(c, "lists.failed.unknown")
		}
	}
	return out
}

func (s *Server) apiLists(c *fiber.Ctx) error {
	limit, after, err := page(c, 50)
	if err != nil {
		return err
	}
	ls, err := s.store.Lists(c.UserContext(), recipient.ListState(c.Query("state")))
	if err != nil {
		return err
	}
	// Newest first: the cursor is the last id of the page before.
	out := pageOf[apiList]{Data: []apiList{}}
	for _, l := range ls {
		if after > 0 && l.ID >= after {
			continue
		}
		if len(out.Data) == limit {
			out.NextCursor = cursor(out.Data[len(out.Data)-1].ID, true)
			break
		}
		out.Data = append(out.Data, s.listJSONWithProgress(c, l))
	}
	return s.sendJSON(c, fiber.StatusOK, out)
}

func (s *Server) apiList(c *fiber.Ctx) error {
	l, err := s.apiListByParam(c)
	if err != nil {
		return err
	}
	return s.sendJSON(c, fiber.StatusOK, s.listJSONWithProgress(c, l))
}

// apiUploadList takes a multipart upload (file, and optionally name,
// phone_column, correlation_column and has_header), inspects it and starts
// its import; 202 with the list, whose state says when it is ready.
func (s *Server) apiUploadList(c *fiber.Ctx) error {
	up, err := s.receiveUpload(c, "", uploadFormats)
	var p *uploadProblem
	if errors.As(err, &p) {
		code, field := "invalid_upload", "file"
		switch p.Status {
		case fiber.StatusRequestEntityTooLarge:
			code = "payload_too_large"
		case fiber.StatusBadRequest:
			code, field = "invalid_upload", "body"
		}
		return &apiError{status: p.Status, code: code, field: field, key: p.Key, args: p.Args}
	} else if err != nil {
		return err
	}
	var header *bool
	if v, ok := up.Fields["has_header"]; ok {
		has := v == "true" || v == "1"
		header = &has
	}
	l, err := s.imports.Upload(c.UserContext(), listimport.Upload{Path: up.Path, FileName: up.FileName, Size: up.Size,
		Name: up.Fields["name"], CreatedBy: actingUserID(c), Region: s.cfg.PhoneRegion, Start: true,
		Columns: listimport.Columns{PhoneColumn: up.Fields["phone_column"], CorrelationColumn: up.Fields["correlation_column"], HasHeader: header}})
	var bad *listimport.ColumnError
	switch {
	case errors.Is(err, listimport.ErrUnreadable):
		return apiErr(fiber.StatusUnprocessableEntity, "unreadable_file", "file", "lists.upload.unreadable", up.FileName, tr(c, recipient.ErrorKey(err)))
	case errors.As(err, &bad):
		ps := make([]apiProblem, len(bad.Fields))
		for i, field := range bad.Fields {
			ps[i] = problem(c, field, "api.problem.column", bad.Last)
		}
		return invalid(c, ps)
	case err != nil:
		return err
	}
	s.record(c, audit.ListUploaded, "list", l.ID, l.Name, "file", l.FileName, "bytes", strconv.FormatInt(l.FileSize, 10))
	c.Set(fiber.HeaderLocation, apiPrefix+"/lists/"+strconv.FormatInt(l.ID, 10))
	return s.sendJSON(c, fiber.StatusAccepted, listJSON(l))
}

// apiListRows pages a ready list's recipients in file order, with their
// fields by column name.
func (s *Server) apiListRows(c *fiber.Ctx) error {
	l, err := s.apiListByParam(c)
	if err != nil {
		return err
	}
	if l.State != recipient.ListReady {
		return apiErr(fiber.StatusConflict, "not_ready", "id", "api.error.list_not_ready", tr(c, "lists.state."+string(l.State)))
	}
	limit, offset, err := page(c, 100)
	if err != nil {
		return err
	}
	rp, err := s.store.Recipients(c.UserContext(), l.ID, c.Query("q"), int(offset), limit)
	if err != nil {
		return err
	}
	out := pageOf[apiRecipient]{Data: make([]apiRecipient, len(rp.Recipients))}
	for i, r := range rp.Recipients {
		fields := map[string]string{}
		for j, col := range l.Columns {
			if j < len(r.Fields) {
				fields[col] = r.Fields[j]
			}
		}
		out.Data[i] = apiRecipient{Row: r.Row, Phone: r.Phone, Fields: fields}
	}
	next := int(offset) + len(rp.Recipients)
	out.NextCursor = cursor(int64(next), next < rp.Total)
	return s.sendJSON(c, fiber.StatusOK, out)
}

// apiDeleteList deletes a list no campaign is sending from.
func (s *Server) apiDeleteList(c *fiber.Ctx) error {
	l, err := s.apiListByParam(c)
	if err != nil {
		return err
	}
	if l.State == recipient.ListImporting {
		return apiErr(fiber.StatusConflict, "invalid_state", "id", "lists.delete.importing")
	}
	ctx := c.UserContext()
	if inUse, err := s.store.ListInUse(ctx, l.ID); err != nil {
		return err
	} else if inUse {
		return apiErr(fiber.StatusConflict, "in_use", "id", "lists.delete.in_use")
	}
	if err := s.store.DeleteList(ctx, l.ID); err != nil {
		return err
	}
	if l.FilePath != "" {
		os.Remove(l.FilePath)
	}
	s.record(c, audit.ListDeleted, "list", l.ID, l.Name)
	return c.SendStatus(fiber.StatusNoContent)
}
