package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/config"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/sftpsender"
	"arauto/internal/door"
	"arauto/views"
)

// doorOfProgress names the door an SMS campaign takes on its progress and,
// over SMPP, the pool's ceiling that sizes the ETA.
func (s *Server) doorOfProgress(ctx context.Context, cp *campaign.Campaign, p *views.SendProgress) error {
	if cp.Channel != campaign.SMS || p.State.Over() {
		return nil
	}
	capa, err := s.doors.Capacity(ctx, dispatch.Campaign{ID: cp.ID, Channel: string(cp.Channel), Message: cp.Message, Flash: cp.Flash})
	if err != nil {
		return err
	}
	switch capa.Door {
	case config.DoorSMPP:
		p.Door, p.Capacity, p.Binds, p.Parts = capa.Door, capa.MessagesPerSecond, capa.Binds, capa.PartsPerMessage
	case config.DoorSFTP:
		p.Door = capa.Door
	}
	return nil
}

// campaignFile downloads the batch file the SFTP door would upload for a
// campaign: its messages sent or still to send, laid out and named as
// Wavy's SFTP layout wants (in one file; the door uploads the same rows
// in files of up to door.FileRows). The file is checked first: a campaign
// no layout carries, one without messages yet, or rows the layout cannot
// hold send the person back to the campaign with what is wrong and where.
func (s *Server) campaignFile(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	eff, err := s.doors.Effective(ctx)
	if err != nil {
		return err
	}
	sub := eff.SFTP.SubAccount
	if sub == "" {
		sub = config.SandboxSubAccount // no sub-account saved: Wavy sends it through the default one
	}
	day := s.now().In(sendingDay)
	back := fmt.Sprintf("/campaigns/%d", cp.ID)
	check, err := door.WriteCampaignFile(ctx, s.store, cp.ID, sub, day, io.Discard)
	switch {
	case errors.Is(err, sftpsender.ErrNotForFiles):
		flash(c, "error", "transport.file.not_for_files")
		return seeOther(c, back)
	case err != nil:
		return err
	case check.Skipped > 0:
		first := check.Problems[0].Problem.Message(func(key string, args ...any) string { return tr(c, key, args...) })
		flash(c, "error", "transport.file.skipped", check.Skipped, first)
		return seeOther(c, back)
	case check.Rows == 0:
		flash(c, "error", "transport.file.empty")
		return seeOther(c, back)
	}
	s.log.Info("campaign batch file downloaded", "campaign_id", cp.ID, "file", check.Name, "rows", check.Rows, "by", currentUser(c).ID)
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, check.Name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	id := cp.ID
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if _, err := door.WriteCampaignFile(context.Background(), s.store, id, sub, day, w); err != nil {
			s.log.Error("campaign batch file", "campaign_id", id, "err", err)
		}
		w.Flush()
	})
	return nil
}

// sendingDay is the zone of the date in batch file names (Wavy's, the
// same as the SFTP door uses).
var sendingDay = func() *time.Location {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		return time.FixedZone("BRT", -3*3600)
	}
	return loc
}()
