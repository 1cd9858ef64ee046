package web

import (
	"encoding/base64"
	"os"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/views"
)

// mediaUploadPath takes a file for a draft WhatsApp campaign's message
// (?campaign=ID; the message's kind, image, document or audio, comes as a
// field with the file). It is an upload route: the body stays on the wire
// until the session and the role are checked.
const mediaUploadPath = "/whatsapp/media"

// uploadWhatsAppMedia receives a file to go with a WhatsApp message as
// base64 data (seed 000), within message.MaxWhatsAppMediaData, of a type
// the message's kind takes, and answers the editor's upload slot: the
// file's name and size and a hidden field naming it for the form.
func (s *Server) uploadWhatsAppMedia(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Query("campaign"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.ErrNotFound
	}
	cp, err := s.store.CampaignByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	// The kind of message comes with the file (the editor's select); any
	// media file type is taken off the wire, then checked against it.
	exts := map[string]bool{}
	for _, k := range []string{message.WhatsAppImage, message.WhatsAppDocument, message.WhatsAppAudio} {
		for _, e := range message.MediaExtensions(k) {
			exts[e] = true
		}
	}
	slot := views.MediaSlot{CampaignID: cp.ID}
	answer := func(status int) error { return s.renderWith(c, status, views.WhatsAppMediaSlot(slot), false) }
	if cp.Channel != campaign.WhatsApp || !cp.Editable() {
		slot.Problem = tr(c, "wamedia.not_now")
		return answer(fiber.StatusConflict)
	}
	up, err := s.receiveUploadUpTo(c, "wa-", exts, message.MaxWhatsAppMediaData, func(size int64) *uploadProblem {
		return &uploadProblem{Status: fiber.StatusRequestEntityTooLarge, Key: "wamedia.too_large",
			Args: []any{formatMB(size, lang(c)), formatMB(message.MaxWhatsAppMediaData, lang(c))}}
	})
	if p, ok := err.(*uploadProblem); ok {
		if p.Key == "lists.upload.format" {
			p.Key, p.Args = "wamedia.format_any", nil
		}
		slot.Problem = p.message(c)
		return answer(p.Status)
	} else if err != nil {
		return err
	}
	defer os.Remove(up.Path)
	kind := up.Fields["kind"]
	slot.Kind = kind
	typ, ok := message.MediaTypeOf(kind, up.Ext)
	if !ok {
		slot.Problem = tr(c, "wamedia.format", tr(c, "whatsapp.header."+kindOrNone(kind)), strings.Join(message.MediaExtensions(kind), ", "))
		if len(message.MediaExtensions(kind)) == 0 {
			slot.Problem = tr(c, "wamedia.kind")
		}
		return answer(fiber.StatusUnprocessableEntity)
	}
	raw, err := os.ReadFile(up.Path)
	if err != nil {
		return err
	}
	m := message.MediaUpload{CampaignID: cp.ID, FileName: truncateRunes(up.FileName, 120), Type: typ, Size: up.Size,
		Data: base64.StdEncoding.EncodeToString(raw)}
	if err := s.store.SaveWhatsAppMedia(c.UserContext(), &m, s.now().UTC()); err != nil {
		return err
	}
	s.log.Info("whatsapp media uploaded", "campaign_id", cp.ID, "type", typ, "bytes", up.Size, "by", currentUser(c).ID)
	slot.Upload = &m
	c.Set("HX-Trigger-After-Settle", "wa-refresh") // the phone preview shows the file
	return answer(fiber.StatusOK)
}

func kindOrNone(kind string) string {
	switch kind {
	case message.WhatsAppImage, message.WhatsAppDocument, message.WhatsAppAudio:
		return kind
	}
	return "none"
}
