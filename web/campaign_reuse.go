package web

import (
	"context"
	"errors"
	"strconv"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/campaign"
	"arauto/internal/i18n"
	"arauto/internal/recipient"
	"arauto/store"
	"arauto/views"
)

// Reusing a campaign: a copy of it as a new draft (registered with the
// Campaign API like a new one), and a list of the recipients who did not
// respond to it, to send them something else.

// duplicateCampaignPage offers the copy's name and alias.
func (s *Server) duplicateCampaignPage(c *fiber.Ctx) error {
	src, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if !src.CanDuplicate() {
		flash(c, "error", "reuse.cannot_duplicate")
		return seeOther(c, campaignPath(src.ID, ""))
	}
	name := campaign.CopyName(tr(c, "reuse.copy_of"), src.Name)
	alias, err := s.campaigns.UniqueAlias(c.UserContext(), campaign.SuggestAlias(name), 0)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"name": name, "alias": alias, "alias_auto": alias}, Errors: views.FieldErrors{}}
	return s.render(c, fiber.StatusOK, views.DuplicateCampaignPage(src, f))
}

// duplicateCampaign registers the copy with the Campaign API, then stores
// it as a draft with what the source sends.
func (s *Server) duplicateCampaign(c *fiber.Ctx) error {
	ctx := c.UserContext()
	src, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	page := func(f views.Form) templ.Component { return views.DuplicateCampaignPage(src, f) }
	f := formOf(c, "name", "alias", "alias_auto")
	name := campaign.NormalizeName(f.Value("name"))
	f.Values["name"] = name
	if p := campaign.CheckName(name); p != "" {
		f.Errors["name"] = tr(c, p)
	}
	alias := campaign.NormalizeAlias(f.Value("alias"))
	if alias == "" && f.Errors["name"] == "" {
		if alias, err = s.campaigns.UniqueAlias(ctx, campaign.SuggestAlias(name), 0); err != nil {
			return err
		}
	}
	f.Values["alias"] = alias
	if err := s.checkAlias(c, f, alias, 0); err != nil {
		return err
	}
	if len(f.Errors) > 0 {
		return s.render(c, fiber.StatusUnprocessableEntity, page(f))
	}
	cp, err := s.campaigns.Duplicate(ctx, src, name, alias)
	if errors.Is(err, campaign.ErrNotAllowed) {
		flash(c, "error", "reuse.cannot_duplicate")
		return seeOther(c, campaignPath(src.ID, ""))
	}
	if err != nil {
		return s.answerCreateError(c, f, alias, err, page)
	}
	s.log.Info("campaign duplicated", "campaign_id", cp.ID, "from", src.ID, "remote_id", cp.RemoteID, "alias", cp.Alias, "by", currentUser(c).ID)
	s.record(c, audit.CampaignDuplicated, "campaign", cp.ID, cp.Name, "from", strconv.FormatInt(src.ID, 10))
	flash(c, "success", "reuse.duplicated", src.Name)
	return seeOther(c, campaignPath(cp.ID, ""))
}

// reuseNonResponders makes a list of the campaign's recipients who did
// not respond and leads to it.
func (s *Server) reuseNonResponders(c *fiber.Ctx) error {
	return s.reuseAudience(c, (*campaign.Campaign).CanReuseAudience, "reuse.non_responders_of", s.campaigns.ReuseNonResponders)
}

// reuseAudience makes a list of part of a campaign's recipients (chosen
// by build, named after the campaign with nameKey) and leads to it; can
// says whether the campaign's state allows it.
func (s *Server) reuseAudience(c *fiber.Ctx, can func(*campaign.Campaign) bool, nameKey string,
	build func(ctx context.Context, cp *campaign.Campaign, name string, by int64) (*recipient.List, error)) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if !can(cp) {
		flash(c, "error", "reuse.cannot_reuse")
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	name := campaign.CopyName(tr(c, nameKey), cp.Name)
	l, err := build(c.UserContext(), cp, name, currentUser(c).ID)
	if errors.Is(err, store.ErrResultsPruned) {
		flash(c, "error", "reuse.results_pruned")
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	if err != nil {
		return err
	}
	flash(c, "success", "reuse.list_made", int64(l.Valid), i18n.FormatInt(lang(c), l.Valid), cp.Name)
	return seeOther(c, "/lists/"+strconv.FormatInt(l.ID, 10))
}
