package web

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/abpick"
	"arauto/internal/abtest"
	"arauto/internal/audit"
	"arauto/internal/campaign"
	"arauto/internal/i18n"
	"arauto/internal/message"
	"arauto/internal/user"
	"arauto/store"
	"arauto/views"
)

// The A/B test of an SMS campaign: its variants (A is the campaign's
// message; B..D are each written with the composer) and settings, edited
// while a draft; on the report, the variants side by side and the choice
// of the winner by hand. The split, the held remainder and the scheduler
// live in store and internal/abpick.

// smsDraft loads an editable SMS campaign, or answers for it.
func (s *Server) smsDraft(c *fiber.Ctx) (*campaign.Campaign, bool, error) {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return nil, false, err
	}
	if cp.Channel != campaign.SMS {
		return nil, false, fiber.ErrNotFound
	}
	return cp, true, nil
}

// campaignABTestPage shows a draft's A/B test: its variants and settings.
func (s *Server) campaignABTestPage(c *fiber.Ctx) error {
	cp, ok, err := s.smsDraft(c)
	if !ok {
		return err
	}
	set := cp.ABTest
	f := views.Form{Values: map[string]string{"share": strconv.Itoa(abtest.DefaultShare), "criterion": abtest.Delivery.Name,
		"wait_hours": strconv.Itoa(int(abtest.DefaultWait.Hours()))}, Errors: views.FieldErrors{}}
	if set.On() {
		f.Values["share"], f.Values["criterion"] = strconv.Itoa(set.Share), set.Criterion
		if set.Manual {
			f.Values["manual"] = "1"
		} else {
			f.Values["wait_hours"] = strconv.Itoa(int(set.Wait.Hours()))
		}
	}
	return s.renderABTest(c, fiber.StatusOK, cp, f)
}

func (s *Server) renderABTest(c *fiber.Ctx, status int, cp *campaign.Campaign, f views.Form) error {
	return s.render(c, status, views.ABTestPage(views.ABTestForm{Campaign: cp, Form: f,
		MinHours: int(abtest.MinWait.Hours()), MaxHours: int(abtest.MaxWait.Hours()), MinShare: abtest.MinShare, MaxShare: abtest.MaxShare}))
}

// saveCampaignABTest stores the test's settings (the variants are saved
// one by one), or removes the test (remove=1). Each bad value is refused
// naming its field.
func (s *Server) saveCampaignABTest(c *fiber.Ctx) error {
	cp, ok, err := s.smsDraft(c)
	if !ok {
		return err
	}
	ctx := c.UserContext()
	if c.FormValue("remove") == "1" {
		if err := s.store.SetCampaignABTest(ctx, cp.ID, abtest.Settings{}, s.now().UTC()); err != nil {
			_, err := stateConflict(c, cp.ID, err)
			return err
		}
		flash(c, "success", "abtest.removed")
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	form := abtest.Form{Others: cp.ABTest.Others, Share: c.FormValue("share"), Criterion: c.FormValue("criterion"),
		WaitHours: c.FormValue("wait_hours"), Manual: c.FormValue("manual") == "1", Tracking: cp.TrackClicks}
	f := views.Form{Values: map[string]string{"share": form.Share, "criterion": form.Criterion, "wait_hours": form.WaitHours}, Errors: views.FieldErrors{}}
	if form.Manual {
		f.Values["manual"] = "1"
	}
	set, problems := abtest.Check(form, nil, false)
	for _, p := range problems {
		f.Errors[p.Field] = tr(c, p.Key, p.Args...)
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "abtest.problem_form")
		return s.renderABTest(c, fiber.StatusUnprocessableEntity, cp, f)
	}
	if err := s.store.SetCampaignABTest(ctx, cp.ID, set, s.now().UTC()); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.log.Info("campaign a/b test saved", "campaign_id", cp.ID, "variants", set.Variants(), "share", set.Share, "criterion", set.Criterion,
		"wait", set.Wait, "manual", set.Manual, "by", currentUser(c).ID)
	flash(c, "success", "abtest.saved")
	return seeOther(c, campaignPath(cp.ID, ""))
}

// variantParam reads the variant of the path: 2..the next one to add.
func variantParam(c *fiber.Ctx, set abtest.Settings) (int, error) {
	v, err := strconv.Atoi(c.Params("v"))
	if err != nil || v < 2 || v > abtest.MaxVariants || v > set.Variants()+1 {
		return 0, fiber.ErrNotFound
	}
	return v, nil
}

// campaignABVariantPage writes variant B, C or D with the composer.
func (s *Server) campaignABVariantPage(c *fiber.Ctx) error {
	cp, ok, err := s.smsDraft(c)
	if !ok {
		return err
	}
	v, err := variantParam(c, cp.ABTest)
	if err != nil {
		return err
	}
	return s.renderABVariant(c, fiber.StatusOK, cp, v, cp.ABTest.Text("", v), views.Form{Errors: views.FieldErrors{}})
}

func (s *Server) renderABVariant(c *fiber.Ctx, status int, cp *campaign.Campaign, v int, text string, f views.Form) error {
	list, _, err := s.audience(c.UserContext(), cp)
	if err != nil {
		return err
	}
	meter, err := s.writtenMeter(c.UserContext(), text, list)
	if err != nil {
		return err
	}
	meter.ReplaceAccents = cp.ReplaceAccents
	if cp.TrackClicks && s.campaigns.Shortener != nil {
		meter = meter.WithShortLinks(*s.campaigns.Shortener)
	}
	field := "variant_" + strings.ToLower(abtest.Name(v))
	d := views.ABVariantForm{Campaign: cp, List: list, Variant: v, Form: f, Exists: v <= cp.ABTest.Variants(),
		Composer: views.ComposerData{Field: field, Label: tr(c, "abtest.variant_text", abtest.Name(v)), Body: text, Error: f.Err(field), Meter: meter},
		Cost:     views.ComposeCost{List: list, Pending: list != nil}}
	bindAudience(&d.Composer, list)
	return s.render(c, status, views.ABVariantPage(d))
}

// saveCampaignABVariant stores one variant's text (or removes it,
// remove=1: later variants move up). A placeholder the list lacks, or a
// text over the SMS limit, is refused naming the variant and the problem.
func (s *Server) saveCampaignABVariant(c *fiber.Ctx) error {
	cp, ok, err := s.smsDraft(c)
	if !ok {
		return err
	}
	v, err := variantParam(c, cp.ABTest)
	if err != nil {
		return err
	}
	set := cp.ABTest
	others := append([]string(nil), set.Others...)
	if set.Share == 0 {
		set = abtest.Settings{Share: abtest.DefaultShare, Criterion: abtest.Delivery.Name, Wait: abtest.DefaultWait}
	}
	if c.FormValue("remove") == "1" {
		if v-2 < len(others) {
			others = append(others[:v-2], others[v-1:]...)
		}
		set.Others = others
		if len(others) == 0 {
			set = abtest.Settings{}
		}
		if err := s.store.SetCampaignABTest(c.UserContext(), cp.ID, set, s.now().UTC()); err != nil {
			_, err := stateConflict(c, cp.ID, err)
			return err
		}
		flash(c, "success", "abtest.variant_removed", abtest.Name(v))
		return seeOther(c, campaignPath(cp.ID, "/abtest"))
	}
	field := "variant_" + strings.ToLower(abtest.Name(v))
	text := composeText(c.FormValue(field))
	list, columns, err := s.audience(c.UserContext(), cp)
	if err != nil {
		return err
	}
	if p, bad := message.BodyProblem(text, columns, list != nil); bad {
		f := views.Form{Errors: views.FieldErrors{field: tr(c, p.Key, p.Args...)}, Message: tr(c, "abtest.problem_variant", abtest.Name(v))}
		return s.renderABVariant(c, fiber.StatusUnprocessableEntity, cp, v, text, f)
	}
	if v-2 < len(others) {
		others[v-2] = text
	} else {
		others = append(others, text)
	}
	set.Others = others
	if err := s.store.SetCampaignABTest(c.UserContext(), cp.ID, set, s.now().UTC()); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	flash(c, "success", "abtest.variant_saved", abtest.Name(v))
	return seeOther(c, campaignPath(cp.ID, "/abtest"))
}

// abReport is the report's A/B card of a campaign: nil without a test, or
// before its outbox is split.
func (s *Server) abReport(ctx context.Context, cp *campaign.Campaign, canChoose bool) (*views.ABReport, error) {
	if cp.Channel != campaign.SMS || !cp.ABTest.On() {
		return nil, nil
	}
	st, err := s.store.CampaignABTest(ctx, cp.ID)
	if err != nil || !st.Assigned {
		return nil, err
	}
	stats, rem, err := s.store.ABFigures(ctx, cp.ID, st.Settings.Variants())
	if err != nil {
		return nil, err
	}
	counts, err := s.store.CampaignCounts(ctx, cp.ID)
	if err != nil {
		return nil, err
	}
	return &views.ABReport{Settings: st.Settings, Rows: abtest.Compare(stats, st.Settings.CriterionOf()), Winner: st.Winner,
		DecidedBy: st.DecidedBy, Reason: st.Reason, DecidedAt: st.DecidedAt, DecideAt: st.DecideAt,
		Held: counts["held"], Released: rem.Released, RemainderSent: rem.Sent,
		CanChoose: canChoose && (cp.State == campaign.Running || cp.State == campaign.Paused)}, nil
}

// chooseABWinner makes the posted variant the winner by hand (from the
// report, confirmed), audited; the remainder is released to the
// dispatcher. A winner already chosen (by the scheduler, or someone else)
// is said so, and nothing changes.
func (s *Server) chooseABWinner(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	v, err := strconv.Atoi(c.FormValue("variant"))
	if err != nil || v < 1 || v > cp.ABTest.Variants() || !cp.ABTest.On() {
		return errBadRequest
	}
	u := currentUser(c)
	by := u.Name
	if by == "" {
		by = u.Email
	}
	err = s.picker.ChooseByHand(c.UserContext(), cp.ID, v, by)
	switch {
	case errors.Is(err, abpick.ErrNoTest) || errors.Is(err, store.ErrNoTest):
		flash(c, "error", "abtest.already_chosen")
		return seeOther(c, campaignPath(cp.ID, "/report"))
	case err != nil:
		return err
	}
	s.record(c, audit.CampaignWinnerChosen, "campaign", cp.ID, cp.Name, "variant", abtest.Name(v))
	s.log.Info("a/b winner chosen by hand", "campaign_id", cp.ID, "variant", abtest.Name(v), "by", u.ID)
	flash(c, "success", "abtest.chosen", abtest.Name(v))
	return seeOther(c, campaignPath(cp.ID, "/report"))
}

// canChooseWinner reports whether the signed-in user may choose a winner.
func canChooseWinner(c *fiber.Ctx) bool {
	u := currentUser(c)
	return u != nil && u.Role.AtLeast(user.Marketer)
}

// variantCell says in an export which variant a recipient got: "A" in
// the test, "B (restante)" for the remainder, "" while held or without
// a test.
func variantCell(lang string, v int) string {
	switch {
	case v > 0:
		return abtest.Name(v)
	case v < 0:
		return i18n.T(lang, "abtest.export.remainder", abtest.Name(-v))
	}
	return ""
}
