package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/billing"
	"arauto/internal/campaign"
	"arauto/internal/frequency"
	"arauto/internal/wavy"
	"arauto/store"
	"arauto/views"
)

// campaignsPerPage is the size of a page of the campaign list.
const campaignsPerPage = 20

// newCampaignService wires the campaign workflows to the server's store,
// provider client and dispatcher.
func newCampaignService(d Deps) *campaign.Service {
	return &campaign.Service{
		Store: d.Store,
		Registry: func(ctx context.Context) (campaign.Registry, error) {
			c, err := d.Provider.Client(ctx)
			if err != nil {
				return nil, err
			}
			return c, nil
		},
		Provider: d.Provider.Effective,
		Billing: func(ctx context.Context) (billing.Settings, error) {
			saved, err := d.Store.Settings(ctx)
			if err != nil {
				return billing.Settings{}, err
			}
			return billing.Load(saved), nil
		},
		Dispatcher:   d.Dispatcher,
		Sessions:     d.Sessions,
		Audience:     d.Store,
		FrequencyCap: frequency.FromSettings(d.Store.Settings),
		NotFound:     store.ErrNotFound,
		Now:          d.Now,
		Log:          d.Log,
	}
}

func (s *Server) campaignsPage(c *fiber.Ctx) error {
	d := views.CampaignListData{Query: strings.TrimSpace(c.Query("q")), Archived: c.Query("archived") == "1", Page: 1}
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 {
		d.Page = n
	}
	var err error
	d.Campaigns, d.Total, err = s.store.ListCampaigns(c.UserContext(), store.CampaignFilter{
		Query: d.Query, Archived: d.Archived, Limit: campaignsPerPage, Offset: (d.Page - 1) * campaignsPerPage})
	if err != nil {
		return err
	}
	d.Pages = max(1, (d.Total+campaignsPerPage-1)/campaignsPerPage)
	return s.render(c, fiber.StatusOK, views.CampaignsPage(d))
}

// campaignByParam loads the campaign :id.
func (s *Server) campaignByParam(c *fiber.Ctx) (*campaign.Campaign, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return s.store.CampaignByID(c.UserContext(), id)
}

func (s *Server) newCampaignPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, views.NewCampaignPage(views.Form{Values: map[string]string{"channel": string(campaign.SMS)}}))
}

// suggestAlias answers the create form's htmx request as the name is
// typed: the alias field with a new suggestion, unless the person typed an
// alias of their own (it differs from the last suggestion, alias_auto).
func (s *Server) suggestAlias(c *fiber.Ctx) error {
	typed := campaign.NormalizeAlias(c.Query("alias"))
	auto := c.Query("alias_auto")
	f := views.Form{Values: map[string]string{"alias": typed, "alias_auto": auto}, Errors: views.FieldErrors{}}
	if typed == "" || typed == auto {
		a, err := s.campaigns.UniqueAlias(c.UserContext(), campaign.SuggestAlias(c.Query("name")), 0)
		if err != nil {
			return err
		}
		f.Values["alias"], f.Values["alias_auto"] = a, a
	}
	return s.renderWith(c, fiber.StatusOK, views.CampaignAliasField(f, false), false)
}

// checkAlias validates a typed alias and that no other local campaign has it.
func (s *Server) checkAlias(c *fiber.Ctx, f views.Form, alias string, exceptID int64) error {
	p, err := s.campaigns.AliasProblem(c.UserContext(), alias, exceptID)
	if p != "" {
		f.Errors["alias"] = tr(c, p)
	}
	return err
}

// createCampaign registers the campaign with the Campaign API, then stores
// it with the id the API gave. If storing fails, the remote campaign is
// deleted again, so neither side has one without the other.
func (s *Server) createCampaign(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := formOf(c, "name", "alias", "alias_auto", "channel")
	name := campaign.NormalizeName(f.Value("name"))
	f.Values["name"] = name
	if p := campaign.CheckName(name); p != "" {
		f.Errors["name"] = tr(c, p)
	}
	alias := campaign.NormalizeAlias(f.Value("alias"))
	if alias == "" && f.Errors["name"] == "" {
		var err error
		if alias, err = s.campaigns.UniqueAlias(ctx, campaign.SuggestAlias(name), 0); err != nil {
			return err
		}
	}
	f.Values["alias"] = alias
	if err := s.checkAlias(c, f, alias, 0); err != nil {
		return err
	}
	channel, err := campaign.ParseChannel(f.Value("channel"))
	if err != nil {
		f.Errors["channel"] = tr(c, "campaigns.problem.channel")
	}
	if len(f.Errors) > 0 {
		return s.render(c, fiber.StatusUnprocessableEntity, views.NewCampaignPage(f))
	}

	cp, err := s.campaigns.Create(ctx, name, alias, channel)
	if err != nil {
		return s.answerCreateError(c, f, alias, err, views.NewCampaignPage)
	}
	s.log.Info("campaign created", "campaign_id", cp.ID, "remote_id", cp.RemoteID, "alias", cp.Alias, "by", currentUser(c).ID)
	s.record(c, audit.CampaignCreated, "campaign", cp.ID, cp.Name, "alias", cp.Alias, "channel", string(cp.Channel))
	flash(c, "success", "campaigns.created", cp.Name)
	return seeOther(c, campaignPath(cp.ID, ""))
}

// answerCreateError answers a campaign the Campaign API or the store did
// not create (Create, Duplicate) on its form page: refused remotely,
// created there without an id, or not stored here (undone or not).
func (s *Server) answerCreateError(c *fiber.Ctx, f views.Form, alias string, err error, page func(views.Form) templ.Component) error {
	var remoteErr *campaign.RemoteError
	var localErr *campaign.LocalError
	switch {
	case errors.As(err, &remoteErr):
		s.log.Warn("campaign not registered with the Campaign API", "alias", alias, "err", err, "by", currentUser(c).ID)
		return s.refuseCampaignForm(c, f, remoteErr.Err, "create", page)
	case errors.Is(err, campaign.ErrNoRemoteID):
		f.Message = tr(c, "campaigns.remote.not_wavy", s.apigwHost(c)) + " " + tr(c, "campaigns.remote.maybe_created")
		return s.render(c, fiber.StatusBadGateway, page(f))
	case errors.As(err, &localErr):
		f.Message = tr(c, "campaigns.remote.undone")
		if !localErr.Undone {
			f.Message = tr(c, "campaigns.remote.orphan", localErr.RemoteID)
		}
		switch {
		case localErr.Clash != nil:
			f.Message += " " + tr(c, "campaigns.remote.id_clash", localErr.RemoteID, localErr.Clash.Name)
		case errors.Is(err, store.ErrConflict):
			// Someone took the alias meanwhile.
			f.Errors["alias"] = tr(c, "campaigns.problem.alias_taken")
		}
		return s.render(c, fiber.StatusConflict, page(f))
	}
	return err
}

func orElse(v, fallback string) string {
	if strings.TrimSpace(v) == "" {
		return fallback
	}
	return v
}

// refuseCampaignForm shows a form again with why the Campaign API did not
// do what was asked. Nothing was changed locally.
func (s *Server) refuseCampaignForm(c *fiber.Ctx, f views.Form, err error, op string, page func(views.Form) templ.Component) error {
	f.Message = s.describeCampaignError(c, op, err)
	status := fiber.StatusBadGateway
	if errors.Is(err, wavy.ErrRejected) && !errors.Is(err, wavy.ErrUnauthorized) {
		status = fiber.StatusUnprocessableEntity
		var apiErr *wavy.APIError
		if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusPreconditionFailed || strings.Contains(strings.ToLower(apiErr.Message), "alias")) {
			f.Errors["alias"] = tr(c, "campaigns.problem.alias_remote")
		}
	}
	return s.render(c, status, page(f))
}

// apigwHost names the Campaign API's host for messages.
func (s *Server) apigwHost(c *fiber.Ctx) string {
	p, err := s.provider(c.UserContext())
	if err != nil {
		return "apigw"
	}
	if u, err := url.Parse(p.APIGWURL); err == nil && u.Host != "" {
		return u.Host
	}
	return p.APIGWURL
}

// describeCampaignError turns a Campaign API error into a sentence a
// marketer can act on. op is create, update, delete or sync; in every case
// nothing was changed locally.
func (s *Server) describeCampaignError(c *fiber.Ctx, op string, err error) string {
	host := s.apigwHost(c)
	var apiErr *wavy.APIError
	hasAPI := errors.As(err, &apiErr)
	code := 0
	if hasAPI {
		code = apiErr.StatusCode
	}
	switch {
	case errors.Is(err, wavy.ErrUnauthorized) && !hasAPI:
		return tr(c, "campaigns.remote.no_credentials")
	case errors.Is(err, wavy.ErrUnauthorized):
		return tr(c, "campaigns.remote.unauthorized", code)
	case campaign.RemoteNotFound(err) && op != "create" && op != "sync":
		return tr(c, "campaigns.remote.gone")
	case errors.Is(err, wavy.ErrRejected) && hasAPI:
		return tr(c, "campaigns.remote.rejected", code, orElse(apiErr.Message, http.StatusText(code)))
	case errors.Is(err, wavy.ErrRejected):
		return tr(c, "campaigns.remote.invalid", err.Error())
	case errors.Is(err, wavy.ErrTryLater) && code != 0:
		return tr(c, "campaigns.remote.busy", code)
	case errors.Is(err, wavy.ErrBadResponse):
		return tr(c, "campaigns.remote.not_wavy", host)
	case errors.Is(err, wavy.ErrUnknownOutcome):
		msg := tr(c, "campaigns.remote.no_answer", host)
		if code != 0 {
			msg = tr(c, "campaigns.remote.failed", code)
		} else if errors.Is(err, context.DeadlineExceeded) {
			msg = tr(c, "campaigns.remote.timeout", host)
		}
		if op == "create" {
			msg += " " + tr(c, "campaigns.remote.maybe_created")
		}
		return msg
	case errors.Is(err, context.DeadlineExceeded):
		return tr(c, "campaigns.remote.timeout", host)
	default:
		return tr(c, "campaigns.remote.unreachable", host)
	}
}

// editForm is the edit form filled with the campaign as stored.
func editForm(cp *campaign.Campaign) views.Form {
	return views.Form{Values: map[string]string{"name": cp.Name, "alias": cp.Alias}, Errors: views.FieldErrors{}}
}

func (s *Server) editCampaignPage(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if !cp.CanRename() {
		flash(c, "error", "campaigns.cannot_rename")
		return seeOther(c, "/campaigns/"+strconv.FormatInt(cp.ID, 10))
	}
	return s.render(c, fiber.StatusOK, views.EditCampaignPage(cp, editForm(cp)))
}

// updateCampaign renames a campaign (and changes its alias while allowed):
// first on the Campaign API, then here. If storing fails, the remote
// change is put back.
func (s *Server) updateCampaign(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	back := "/campaigns/" + strconv.FormatInt(cp.ID, 10)
	if !cp.CanRename() {
		flash(c, "error", "campaigns.cannot_rename")
		return seeOther(c, back)
	}
	page := func(f views.Form) templ.Component { return views.EditCampaignPage(cp, f) }
	f := formOf(c, "name", "alias")
	name := campaign.NormalizeName(f.Value("name"))
	f.Values["name"] = name
	if p := campaign.CheckName(name); p != "" {
		f.Errors["name"] = tr(c, p)
	}
	alias := cp.Alias
	if !cp.AliasLocked() {
		alias = campaign.NormalizeAlias(f.Value("alias"))
	}
	f.Values["alias"] = alias
	// An alias that came from the account (sync) is kept as it is, even if
	// it breaks our stricter rules; a new one must follow them.
	if alias != cp.Alias {
		if err := s.checkAlias(c, f, alias, cp.ID); err != nil {
			return err
		}
	}
	if len(f.Errors) > 0 {
		return s.render(c, fiber.StatusUnprocessableEntity, page(f))
	}
	if name == cp.Name && alias == cp.Alias {
		flash(c, "info", "campaigns.unchanged")
		return seeOther(c, back)
	}

	err = s.campaigns.Rename(ctx, cp, name, alias)
	var remoteErr *campaign.RemoteError
	var localErr *campaign.LocalError
	switch {
	case errors.As(err, &remoteErr):
		s.log.Warn("campaign not updated on the Campaign API", "campaign_id", cp.ID, "remote_id", cp.RemoteID, "err", err, "by", currentUser(c).ID)
		return s.refuseCampaignForm(c, f, remoteErr.Err, "update", page)
	case errors.As(err, &localErr):
		if errors.Is(err, store.ErrConflict) {
			f.Errors["alias"] = tr(c, "campaigns.problem.alias_taken")
		}
		f.Message = tr(c, "campaigns.remote.update_undone")
		if !localErr.Undone {
			f.Message = tr(c, "campaigns.remote.update_diverged")
		}
		return s.render(c, fiber.StatusConflict, page(f))
	case err != nil:
		return err
	}
	s.log.Info("campaign renamed", "campaign_id", cp.ID, "remote_id", cp.RemoteID, "alias", alias, "by", currentUser(c).ID)
	flash(c, "success", "campaigns.saved")
	return seeOther(c, back)
}

// archiveCampaign hides a campaign that is over (or was never sent) from
// the default list. Archiving is local: the remote campaign stays, since
// sent messages carry its alias.
func (s *Server) archiveCampaign(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	back := "/campaigns/" + strconv.FormatInt(cp.ID, 10)
	switch err := s.campaigns.Archive(c.UserContext(), cp); {
	case errors.Is(err, campaign.ErrNotAllowed):
		flash(c, "error", "campaigns.cannot_archive")
		return seeOther(c, back)
	case errors.Is(err, store.ErrConflict):
		flash(c, "error", "campaigns.changed_meanwhile")
		return seeOther(c, back)
	case err != nil:
		return err
	}
	s.log.Info("campaign archived", "campaign_id", cp.ID, "by", currentUser(c).ID)
	s.record(c, audit.CampaignArchived, "campaign", cp.ID, cp.Name)
	flash(c, "success", "campaigns.archived", cp.Name)
	return seeOther(c, "/campaigns")
}

// deleteCampaign deletes a campaign that has sent nothing: first on the
// Campaign API (a 404 there means it is gone already), then here.
func (s *Server) deleteCampaign(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	back := "/campaigns/" + strconv.FormatInt(cp.ID, 10)
	if !cp.CanDelete() {
		if cp.SentCount > 0 {
			flash(c, "error", "campaigns.cannot_delete_sent", cp.SentCount)
		} else {
			flash(c, "error", "campaigns.cannot_delete_active")
		}
		return seeOther(c, back)
	}
	remoteGone, err := s.campaigns.Delete(c.UserContext(), cp)
	var remoteErr *campaign.RemoteError
	switch {
	case errors.As(err, &remoteErr):
		s.log.Warn("campaign not deleted on the Campaign API", "campaign_id", cp.ID, "remote_id", cp.RemoteID, "err", err, "by", currentUser(c).ID)
		if rs := session(c); rs != nil {
			rs.addFlash("error", s.describeCampaignError(c, "delete", remoteErr.Err))
		}
		return seeOther(c, back)
	case errors.Is(err, store.ErrCampaignSent):
		// The dispatcher sent between the check and now; the campaign
		// stays here and an operator must register it again remotely.
		flash(c, "error", "campaigns.delete_raced", cp.Name)
		return seeOther(c, back)
	case err != nil:
		return err
	}
	done := "campaigns.deleted"
	if remoteGone {
		done = "campaigns.deleted_remote_gone"
	}
	s.log.Info("campaign deleted", "campaign_id", cp.ID, "remote_id", cp.RemoteID, "remote_gone", remoteGone, "by", currentUser(c).ID)
	flash(c, "success", done, cp.Name)
	return seeOther(c, "/campaigns")
}

// syncCampaigns imports the campaigns of the account that are not here yet.
func (s *Server) syncCampaigns(c *fiber.Ctx) error {
	found, res, err := s.campaigns.Sync(c.UserContext())
	var remoteErr *campaign.RemoteError
	switch {
	case errors.As(err, &remoteErr):
		if rs := session(c); rs != nil {
			rs.addFlash("error", s.describeCampaignError(c, "sync", remoteErr.Err))
		}
		return seeOther(c, "/campaigns")
	case err != nil:
		return err
	}
	s.log.Info("campaigns synced", "remote", found, "imported", res.Imported, "known", res.Known, "alias_taken", len(res.AliasTaken), "by", currentUser(c).ID)
	if res.Imported > 0 {
		flash(c, "success", "campaigns.synced", res.Imported)
	} else {
		flash(c, "info", "campaigns.synced_none")
	}
	if len(res.AliasTaken) > 0 {
		flash(c, "error", "campaigns.sync_alias_taken", len(res.AliasTaken), strings.Join(res.AliasTaken, ", "))
	}
	return seeOther(c, "/campaigns")
}
