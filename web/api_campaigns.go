package web

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/report"
	"arauto/internal/schedule"
	"arauto/store"
)

// Campaigns through the API: the same campaign.Service workflows as the
// pages (Campaign API first, pre-flight, launch and controls).

func (s *Server) apiCampaignByParam(c *fiber.Ctx) (*campaign.Campaign, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, apiErr(fiber.StatusNotFound, "not_found", "id", "api.error.not_found")
	}
	cp, err := s.store.CampaignByID(c.UserContext(), id)
	if err == nil && cp.RemoteID < 0 {
		// A transactional stream is not a campaign of the API.
		return nil, apiErr(fiber.StatusNotFound, "not_found", "id", "api.error.not_found")
	}
	return cp, err
}

func (s *Server) apiCampaigns(c *fiber.Ctx) error {
	limit, offset, err := page(c, 50)
	if err != nil {
		return err
	}
	cs, total, err := s.store.ListCampaigns(c.UserContext(), store.CampaignFilter{Query: c.Query("q"), Archived: c.Query("archived") == "true",
		Limit: limit, Offset: int(offset)})
	if err != nil {
		return err
	}
	out := pageOf[apiCampaign]{Data: make([]apiCampaign, len(cs))}
	for i, cp := range cs {
		out.Data[i] = campaignJSON(cp)
	}
	// The campaign listing pages by position: its cursor is the offset
	// of the next page.
	next := int(offset) + len(cs)
	out.NextCursor = cursor(int64(next), next < total)
	return s.sendJSON(c, fiber.StatusOK, out)
}

func (s *Server) apiCampaign(c *fiber.Ctx) error {
	cp, err := s.apiCampaignByParam(c)
	if err != nil {
		return err
	}
	out := campaignJSON(cp)
	if out.Fallback, err = s.apiFallback(c.UserContext(), cp); err != nil {
		return err
	}
	return s.sendJSON(c, fiber.StatusOK, out)
}

// campaignChanges are the fields a create or an update may set; nil
// leaves a field as it is.
type campaignChanges struct {
	Name      *string           `json:"name"`
	Alias     *string           `json:"alias"`
	ListID    *int64            `json:"list_id"`
	SegmentID *int64            `json:"segment_id"`
	Message   *string           `json:"message"`
	Flash     *bool             `json:"flash"`
	ExtraInfo *string           `json:"extra_info"`
	WhatsApp  *message.WhatsApp `json:"whatsapp"`
}

type createCampaignRequest struct {
	campaignChanges
	Channel  string       `json:"channel"`
	Schedule *apiSchedule `json:"schedule"`
}

// remoteFailure is the API's answer to a Campaign API refusal: nothing
// changed here.
func (s *Server) remoteFailure(c *fiber.Ctx, op string, err error) error {
	var remoteErr *campaign.RemoteError
	var localErr *campaign.LocalError
	switch {
	case errors.As(err, &remoteErr):
		return apiErr(fiber.StatusBadGateway, "provider_refused", "alias", "api.error.provider", s.describeCampaignError(c, op, remoteErr.Err))
	case errors.Is(err, campaign.ErrNoRemoteID):
		return apiErr(fiber.StatusBadGateway, "provider_no_id", "alias", "api.error.provider", tr(c, "campaigns.remote.maybe_created"))
	case errors.As(err, &localErr) && errors.Is(err, store.ErrConflict):
		return apiErr(fiber.StatusConflict, "alias_taken", "alias", "campaigns.problem.alias_taken")
	case errors.As(err, &localErr):
		return apiErr(fiber.StatusConflict, "not_stored", "alias", "campaigns.remote.undone")
	}
	return err
}

// apiCreateCampaign registers a campaign with the Campaign API and stores
// it (campaign.Service.Create), then applies the optional list, message
// and schedule as the editors do.
func (s *Server) apiCreateCampaign(c *fiber.Ctx) error {
	var req createCampaignRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	var ps []apiProblem
	name := ""
	if req.Name != nil {
		name = campaign.NormalizeName(*req.Name)
	}
	if p := campaign.CheckName(name); p != "" {
		ps = append(ps, problem(c, "name", p))
	}
	channel, err := campaign.ParseChannel(req.Channel)
	if err != nil {
		ps = append(ps, problem(c, "channel", "campaigns.problem.channel"))
	}
	alias := ""
	if req.Alias != nil {
		alias = campaign.NormalizeAlias(*req.Alias)
	}
	if alias == "" && len(ps) == 0 {
		if alias, err = s.campaigns.UniqueAlias(ctx, campaign.SuggestAlias(name), 0); err != nil {
			return err
		}
	}
	if p, err := s.campaigns.AliasProblem(ctx, alias, 0); err != nil {
		return err
	} else if p != "" {
		ps = append(ps, problem(c, "alias", p))
	}
	if len(ps) > 0 {
		return invalid(c, ps)
	}
	cp, err := s.campaigns.Create(ctx, name, alias, channel)
	if err != nil {
		return s.remoteFailure(c, "create", err)
	}
	s.record(c, audit.CampaignCreated, "campaign", cp.ID, cp.Name, "alias", cp.Alias, "channel", string(cp.Channel))
	req.Name, req.Alias = nil, nil
	if err := s.applyCampaignChanges(c, cp, req.campaignChanges); err != nil {
		return s.createdWithProblems(c, cp, err)
	}
	if req.Schedule != nil {
		if err := s.applySchedule(c, cp, *req.Schedule); err != nil {
			return s.createdWithProblems(c, cp, err)
		}
	}
	if cp, err = s.store.CampaignByID(ctx, cp.ID); err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, apiPrefix+"/campaigns/"+strconv.FormatInt(cp.ID, 10))
	return s.sendJSON(c, fiber.StatusCreated, campaignJSON(cp))
}

// createdWithProblems answers a create whose campaign exists but whose
// optional parts were refused: the error says which, and where the
// campaign is, so the caller fixes it with an update, not a new create.
func (s *Server) createdWithProblems(c *fiber.Ctx, cp *campaign.Campaign, err error) error {
	c.Set(fiber.HeaderLocation, apiPrefix+"/campaigns/"+strconv.FormatInt(cp.ID, 10))
	var ae *apiError
	if errors.As(err, &ae) {
		ae.code = "created_with_problems"
		ae.key, ae.args = "api.error.created_with_problems", []any{cp.ID, tr(c, ae.key, ae.args...)}
	}
	return err
}

// apiUpdateCampaign changes a campaign: its name and alias (Campaign API
// first, as the page), and while it is a draft its list, message and
// WhatsApp message.
func (s *Server) apiUpdateCampaign(c *fiber.Ctx) error {
	return apiChangeCampaign(s, c, s.applyCampaignChanges)
}

// apiChangeCampaign answers a change of the :id campaign: the body read
// into a T, handed to apply, then the campaign as it is now.
func apiChangeCampaign[T any](s *Server, c *fiber.Ctx, apply func(*fiber.Ctx, *campaign.Campaign, T) error) error {
	cp, err := s.apiCampaignByParam(c)
	if err != nil {
		return err
	}
	var change T
	if err := decodeJSON(c, &change); err != nil {
		return err
	}
	if err := apply(c, cp, change); err != nil {
		return err
	}
	return s.answerCampaign(c, cp.ID)
}

func notEditable(c *fiber.Ctx, cp *campaign.Campaign, field string) *apiError {
	return apiErr(fiber.StatusConflict, "invalid_state", field, "campaigns.not_editable", tr(c, "campaigns.state."+string(cp.State)))
}

// applyCampaignChanges makes the changes in ch, checking them as the
// editors check their forms.
func (s *Server) applyCampaignChanges(c *fiber.Ctx, cp *campaign.Campaign, ch campaignChanges) error {
	ctx := c.UserContext()
	now := s.now().UTC()
	if ch.Name != nil || ch.Alias != nil {
		name, alias := cp.Name, cp.Alias
		if ch.Name != nil {
			name = campaign.NormalizeName(*ch.Name)
		}
		if ch.Alias != nil {
			alias = campaign.NormalizeAlias(*ch.Alias)
		}
		var ps []apiProblem
		if p := campaign.CheckName(name); p != "" {
			ps = append(ps, problem(c, "name", p))
		}
		if alias != cp.Alias {
			if cp.AliasLocked() {
				ps = append(ps, problem(c, "alias", "api.problem.alias_locked"))
			} else if p, err := s.campaigns.AliasProblem(ctx, alias, cp.ID); err != nil {
				return err
			} else if p != "" {
				ps = append(ps, problem(c, "alias", p))
			}
		}
		if len(ps) > 0 {
			return invalid(c, ps)
		}
		if name != cp.Name || alias != cp.Alias {
			err := s.campaigns.Rename(ctx, cp, name, alias)
			if errors.Is(err, campaign.ErrNotAllowed) {
				return notEditable(c, cp, "name")
			}
			if err != nil {
				return s.remoteFailure(c, "update", err)
			}
			s.record(c, audit.CampaignUpdated, "campaign", cp.ID, name, "field", "name", "alias", alias)
			cp.Name, cp.Alias = name, alias
		}
	}
	draftOnly := ch.ListID != nil || ch.SegmentID != nil || ch.Message != nil || ch.Flash != nil || ch.ExtraInfo != nil || ch.WhatsApp != nil
	if !draftOnly {
		return nil
	}
	if cp.State != campaign.Draft {
		field := "list_id"
		switch {
		case ch.SegmentID != nil && ch.ListID == nil:
			field = "segment_id"
		case ch.ListID == nil:
			field = "message"
		}
		return notEditable(c, cp, field)
	}
	if ch.ListID != nil {
		l, err := s.store.ListByID(ctx, *ch.ListID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && l.State != recipient.ListReady) {
			return invalid(c, []apiProblem{problem(c, "list_id", "campaigns.list.problem_not_ready")})
		}
		if err != nil {
			return err
		}
		if err := s.store.SetCampaignList(ctx, cp.ID, l.ID, now); err != nil {
			return stateErr(c, cp, err)
		}
		cp.ListID = l.ID
		s.record(c, audit.CampaignUpdated, "campaign", cp.ID, cp.Name, "field", "list", "list", strconv.FormatInt(l.ID, 10))
	}
	if ch.SegmentID != nil {
		if err := s.apiSetCampaignSegment(c, cp, *ch.SegmentID); err != nil {
			return err
		}
	}
	list, _, err := s.campaigns.List(ctx, cp)
	if err != nil {
		return err
	}
	var columns []string
	if list != nil {
		columns = list.Columns
	}
	extra := cp.ExtraInfo
	if ch.ExtraInfo != nil {
		extra = strings.TrimSpace(*ch.ExtraInfo)
		if n := utf8.RuneCountInString(extra); n > campaign.MaxExtraInfoLen {
			return invalid(c, []apiProblem{problem(c, "extra_info", "campaigns.message.problem_extra_info", campaign.MaxExtraInfoLen, n)})
		} else if strings.ContainsFunc(extra, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return invalid(c, []apiProblem{problem(c, "extra_info", "campaigns.message.problem_extra_info_chars")})
		}
	}
	switch cp.Channel {
	case campaign.WhatsApp:
		if ch.Message != nil || ch.Flash != nil {
			return invalid(c, []apiProblem{problem(c, "message", "api.problem.not_for_whatsapp")})
		}
		if ch.WhatsApp == nil && ch.ExtraInfo == nil {
			return nil
		}
		w := ch.WhatsApp
		if w == nil {
			cur, err := s.store.CampaignWhatsApp(ctx, cp.ID)
			if err != nil {
				return err
			}
			w = &cur
		}
		if problems := w.Problems(columns); len(problems) > 0 {
			ps := make([]apiProblem, len(problems))
			for i, p := range problems {
				ps[i] = problem(c, "whatsapp."+p.Field, p.Key, p.Args...)
			}
			return invalid(c, ps)
		}
		if err := s.store.SetCampaignWhatsApp(ctx, cp.ID, *w, extra, now); err != nil {
			return stateErr(c, cp, err)
		}
	default:
		if ch.WhatsApp != nil {
			return invalid(c, []apiProblem{problem(c, "whatsapp", "api.problem.not_for_sms")})
		}
		if ch.Message == nil && ch.Flash == nil && ch.ExtraInfo == nil {
			return nil
		}
		body, flashSMS := cp.Message, cp.Flash
		if ch.Message != nil {
			body = composeText(*ch.Message)
		}
		if ch.Flash != nil {
			flashSMS = *ch.Flash
		}
		if p, bad := message.BodyProblem(body, columns, list != nil); bad {
			return invalid(c, []apiProblem{problem(c, "message", p.Key, p.Args...)})
		}
		if err := s.store.SetCampaignMessage(ctx, cp.ID, body, flashSMS, extra, now); err != nil {
			return stateErr(c, cp, err)
		}
	}
	s.record(c, audit.CampaignUpdated, "campaign", cp.ID, cp.Name, "field", "message")
	return nil
}

// stateErr is a store refusal because the campaign moved meanwhile.
func stateErr(c *fiber.Ctx, cp *campaign.Campaign, err error) error {
	if errors.Is(err, store.ErrConflict) {
		return apiErr(fiber.StatusConflict, "invalid_state", "state", "campaigns.changed_meanwhile")
	}
	return err
}

// apiSchedule is a campaign's schedule as the API takes it.
type apiSchedule struct {
	SendNow bool `json:"send_now"`
	// StartAt is the wall time in Zone, "2026-05-01T09:00" (seconds and
	// an offset are ignored).
	StartAt string `json:"start_at"`
	Zone    string `json:"zone"`
	Window  *struct {
		Hours    []int `json:"hours"`
		Weekdays []int `json:"weekdays"`
	} `json:"window"`
	Expiry *struct {
		At        string `json:"at"`
		InMinutes int    `json:"in_minutes"`
		Date      string `json:"date"`
	} `json:"expiry"`
}

// toSchedule reads the API's schedule into the domain's.
func (a apiSchedule) toSchedule(c *fiber.Ctx) (schedule.Schedule, []apiProblem) {
	sc := schedule.Schedule{SendNow: a.SendNow, Zone: a.Zone}
	if sc.Zone == "" {
		sc.Zone = schedule.DefaultZone
	}
	var ps []apiProblem
	if !a.SendNow && a.StartAt != "" {
		raw := a.StartAt
		if len(raw) >= 16 {
			raw = raw[:16]
		}
		t, err := time.Parse("2006-01-02T15:04", raw)
		if err != nil {
			ps = append(ps, problem(c, "start_at", "api.problem.datetime"))
		}
		sc.StartAt = t
	}
	if w := a.Window; w != nil {
		sc.Window.Hours = w.Hours
		for _, d := range w.Weekdays {
			sc.Window.Weekdays = append(sc.Window.Weekdays, time.Weekday(d))
		}
	}
	if e := a.Expiry; e != nil {
		sc.Expiry.InMinutes = e.InMinutes
		if e.At != "" {
			t, err := time.Parse(time.RFC3339, e.At)
			if err != nil {
				ps = append(ps, problem(c, "expiry.at", "api.problem.datetime"))
			}
			sc.Expiry.At = t
		}
		if e.Date != "" {
			t, err := time.Parse("2006-01-02", e.Date)
			if err != nil {
				ps = append(ps, problem(c, "expiry.date", "api.problem.date"))
			}
			sc.Expiry.Date = t
		}
	}
	return sc, ps
}

// applySchedule validates and stores a draft's schedule, as the schedule
// editor does.
func (s *Server) applySchedule(c *fiber.Ctx, cp *campaign.Campaign, a apiSchedule) error {
	if cp.State != campaign.Draft {
		return notEditable(c, cp, "schedule")
	}
	now := s.now().UTC()
	sc, ps := a.toSchedule(c)
	if len(ps) == 0 {
		for _, fe := range schedule.AsProblems(sc.Validate(now)) {
			ps = append(ps, problem(c, fe.Field, "campaigns.schedule.problem."+fe.Code))
		}
	}
	if len(ps) > 0 {
		return invalid(c, ps)
	}
	start, err := sc.Start(now)
	if err != nil {
		return err
	}
	if err := s.store.SaveCampaignSchedule(c.UserContext(), cp.ID, sc, start); err != nil {
		return stateErr(c, cp, err)
	}
	s.record(c, audit.CampaignUpdated, "campaign", cp.ID, cp.Name, "field", "schedule")
	return nil
}

func (s *Server) apiScheduleCampaign(c *fiber.Ctx) error {
	return apiChangeCampaign(s, c, s.applySchedule)
}

// apiLaunchCampaign runs the pre-flight check and schedules the campaign
// (campaign.Service.Launch); what blocks it comes back as problems, one
// per failed check.
func (s *Server) apiLaunchCampaign(c *fiber.Ctx) error {
	cp, err := s.apiCampaignByParam(c)
	if err != nil {
		return err
	}
	r, _, err := s.campaigns.Launch(c.UserContext(), cp)
	switch {
	case errors.Is(err, campaign.ErrNotAllowed):
		return notEditable(c, cp, "state")
	case errors.Is(err, campaign.ErrNotReady):
		var ps []apiProblem
		for _, ch := range r.Checks {
			if ch.Status != campaign.CheckFail {
				continue
			}
			var detail []string
			for _, t := range ch.Detail {
				detail = append(detail, say(c, t))
			}
			msg := tr(c, "campaigns.review.check."+ch.Key)
			if len(detail) > 0 {
				msg += ": " + strings.Join(detail, " ")
			}
			ps = append(ps, apiProblem{Field: ch.Key, Code: "check_failed", Message: msg})
		}
		if len(ps) == 0 {
			ps = []apiProblem{problem(c, "state", "api.problem.not_ready")}
		}
		e := invalid(c, ps)
		e.code = "not_ready"
		return e
	case err != nil:
		return stateErr(c, cp, err)
	}
	s.record(c, audit.CampaignLaunched, "campaign", cp.ID, cp.Name)
	return s.answerCampaign(c, cp.ID)
}

func (s *Server) answerCampaign(c *fiber.Ctx, id int64) error {
	cp, err := s.store.CampaignByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return s.sendJSON(c, fiber.StatusOK, campaignJSON(cp))
}

// apiCampaignControl runs pause, resume or cancel.
func (s *Server) apiCampaignControl(action audit.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cp, err := s.apiCampaignByParam(c)
		if err != nil {
			return err
		}
		ctx := c.UserContext()
		switch action {
		case audit.CampaignPaused:
			err = s.campaigns.Pause(ctx, cp)
		case audit.CampaignResumed:
			err = s.campaigns.Resume(ctx, cp)
		case audit.CampaignCancelled:
			var cancelled bool
			if cancelled, err = s.campaigns.Cancel(ctx, cp); err == nil && !cancelled {
				err = store.ErrConflict
			}
		}
		switch {
		case errors.Is(err, campaign.ErrNotAllowed):
			return notEditable(c, cp, "state")
		case err != nil:
			return stateErr(c, cp, err)
		}
		s.record(c, action, "campaign", cp.ID, cp.Name)
		return s.answerCampaign(c, cp.ID)
	}
}

type duplicateRequest struct {
	Name  *string `json:"name"`
	Alias *string `json:"alias"`
}

// apiDuplicateCampaign makes a new draft like the campaign
// (campaign.Service.Duplicate).
func (s *Server) apiDuplicateCampaign(c *fiber.Ctx) error {
	src, err := s.apiCampaignByParam(c)
	if err != nil {
		return err
	}
	var req duplicateRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	ctx := c.UserContext()
	name := tr(c, "api.copy_of", src.Name)
	if req.Name != nil {
		name = campaign.NormalizeName(*req.Name)
	}
	var ps []apiProblem
	if p := campaign.CheckName(name); p != "" {
		ps = append(ps, problem(c, "name", p))
	}
	alias := ""
	if req.Alias != nil {
		alias = campaign.NormalizeAlias(*req.Alias)
	}
	if alias == "" {
		if alias, err = s.campaigns.UniqueAlias(ctx, campaign.SuggestAlias(name), 0); err != nil {
			return err
		}
	}
	if p, err := s.campaigns.AliasProblem(ctx, alias, 0); err != nil {
		return err
	} else if p != "" {
		ps = append(ps, problem(c, "alias", p))
	}
	if len(ps) > 0 {
		return invalid(c, ps)
	}
	cp, err := s.campaigns.Duplicate(ctx, src, name, alias)
	if errors.Is(err, campaign.ErrNotAllowed) {
		return invalid(c, []apiProblem{problem(c, "channel", "campaigns.problem.channel")})
	}
	if err != nil {
		return s.remoteFailure(c, "create", err)
	}
	s.record(c, audit.CampaignDuplicated, "campaign", cp.ID, cp.Name, "from", strconv.FormatInt(src.ID, 10))
	c.Set(fiber.HeaderLocation, apiPrefix+"/campaigns/"+strconv.FormatInt(cp.ID, 10))
	return s.answerCampaignStatus(c, cp.ID, fiber.StatusCreated)
}

func (s *Server) answerCampaignStatus(c *fiber.Ctx, id int64, status int) error {
	cp, err := s.store.CampaignByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return s.sendJSON(c, status, campaignJSON(cp))
}

// apiCampaignProgress is the dispatcher's counts by state.
func (s *Server) apiCampaignProgress(c *fiber.Ctx) error {
	cp, err := s.apiCampaignByParam(c)
	if err != nil {
		return err
	}
	counts, err := s.store.CampaignCounts(c.UserContext(), cp.ID)
	if err != nil {
		return err
	}
	out := apiProgressCounts{CampaignID: cp.ID, State: string(cp.State), Counts: counts}
	for st, n := range counts {
		out.Total += n
		if st != "queued" && st != "submitting" {
			out.Done += n
		}
	}
	return s.sendJSON(c, fiber.StatusOK, out)
}

// apiCampaignReport is the delivery report's figures, from the same
// counters as the report page.
func (s *Server) apiCampaignReport(c *fiber.Ctx) error {
	cp, err := s.apiCampaignByParam(c)
	if err != nil {
		return err
	}
	counts, err := s.store.CampaignCounters(c.UserContext(), cp.ID)
	if err != nil {
		return err
	}
	return s.sendJSON(c, fiber.StatusOK, reportJSON(cp.ID, report.Build(counts, report.Options{})))
}

// apiCampaignMessages pages the per-recipient results, in outbox order.
func (s *Server) apiCampaignMessages(c *fiber.Ctx) error {
	cp, err := s.apiCampaignByParam(c)
	if err != nil {
		return err
	}
	limit, after, err := page(c, 100)
	if err != nil {
		return err
	}
	f := store.MessageFilter{Outcome: c.Query("outcome")}
	if f.Outcome != "" && !store.ValidOutcomeFilter(f.Outcome) {
		return apiErr(fiber.StatusBadRequest, "invalid_parameter", "outcome", "api.problem.one_of", strings.Join(store.OutcomeFilters, ", "))
	}
	pg, err := s.store.CampaignMessages(c.UserContext(), cp.ID, f, after, 0, limit)
	if err != nil {
		return err
	}
	// Per-recipient results are personal data: their reading is audited,
	// once per walk through the pages (the aggregate report, which an
	// integration may poll, is not).
	if after == 0 {
		s.record(c, audit.Exported, "campaign", cp.ID, cp.Name, "what", "results")
	}
	out := pageOf[apiMessageResult]{Data: make([]apiMessageResult, len(pg.Rows))}
	for i, m := range pg.Rows {
		out.Data[i] = messageResultJSON(m)
	}
	out.NextCursor = cursor(pg.Last, pg.HasNext)
	return s.sendJSON(c, fiber.StatusOK, out)
}
