package campaign

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"arauto/internal/billing"
	"arauto/internal/config"
	"arauto/internal/frequency"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
	"arauto/internal/segment"
	"arauto/internal/sms"
	"arauto/internal/wavy"
)

// Store is where campaigns and their recipients are kept. Errors it
// returns are passed on wrapped, so callers can tell its kinds apart.
type Store interface {
	CampaignAliasTaken(ctx context.Context, alias string, exceptID int64) (bool, error)
	CreateCampaign(ctx context.Context, c *Campaign) error
	CampaignByID(ctx context.Context, id int64) (*Campaign, error)
	CampaignByRemoteID(ctx context.Context, remoteID int64) (*Campaign, error)
	RenameCampaign(ctx context.Context, id int64, name, alias string, at time.Time) error
	// CopyCampaign stores c as a new draft with what campaign fromID
	// sends (channel, list, message, schedule with startAt as its start,
	// options), filling c in.
	CopyCampaign(ctx context.Context, c *Campaign, fromID int64, startAt time.Time) error
	// CreateListOfNonResponders stores l as a ready list of the recipients
	// of the campaign whose message the provider took and who sent no
	// reply linked to it.
	CreateListOfNonResponders(ctx context.Context, l *recipient.List, campaignID int64) error
	// DeleteCampaign removes a campaign that has sent nothing.
	DeleteCampaign(ctx context.Context, id int64) error
	// ImportCampaigns adds the campaigns whose remote id is not stored yet.
	ImportCampaigns(ctx context.Context, cs []*Campaign) (ImportResult, error)
	// LaunchCampaign moves a draft to scheduled in one transaction, with
	// startAt as its start when not zero and the pre-flight's estimate of
	// its billed segments.
	LaunchCampaign(ctx context.Context, id int64, startAt time.Time, estimatedSegments int64, at time.Time) error
	SetCampaignState(ctx context.Context, id int64, from, to State, at time.Time) error
	// SaveCampaignMessage stores a draft's SMS message, accent choice and
	// send options in one transaction.
	SaveCampaignMessage(ctx context.Context, id int64, m SMSMessage, at time.Time) error
	ResumeCampaign(ctx context.Context, id int64, at time.Time) error
	CancelCampaign(ctx context.Context, id int64) error

	ListByID(ctx context.Context, id int64) (*recipient.List, error)
	CampaignSchedule(ctx context.Context, id int64) (schedule.Schedule, error)
	CampaignWhatsApp(ctx context.Context, id int64) (message.WhatsApp, error)
	SessionCount(ctx context.Context, listID int64, now time.Time) (int, error)
	// EachRecipient streams a list's recipients in row order with their
	// fields, carrier and whether their number is suppressed now.
	EachRecipient(ctx context.Context, listID int64, fn func(r *recipient.Recipient) error) error
}

// ImportResult says what Store.ImportCampaigns did.
type ImportResult struct {
	// Imported counts the campaigns added.
	Imported int
	// Known counts those already here (same remote id), left alone.
	Known int
	// AliasTaken lists the aliases of campaigns not added because a local
	// campaign with another remote id uses the same alias.
	AliasTaken []string
}

// SessionCounter counts the recipients of a list with an open WhatsApp
// 24-hour session at now (internal/session's Tracker is one).
type SessionCounter interface {
	SessionCount(ctx context.Context, listID int64, now time.Time) (int, error)
}

// Registry is the Campaign API on apigw, where every campaign is
// registered before it is stored here. *wavy.Client is one.
type Registry interface {
	CreateCampaign(ctx context.Context, in wavy.CampaignInput) (wavy.Campaign, error)
	UpdateCampaign(ctx context.Context, id int64, in wavy.CampaignInput) (wavy.Campaign, error)
	DeleteCampaign(ctx context.Context, id int64) error
	ListCampaigns(ctx context.Context, name string, page, pageSize int) (wavy.CampaignList, error)
}

// Waker is the part of the dispatcher the service tells when a campaign
// is launched, paused, resumed or cancelled, so it acts within a second.
type Waker interface{ Wake() }

// Timeouts of the provider calls. A call outlives a client that hangs up,
// so a change made remotely is still followed by its local twin (or
// undone).
const (
	CallTimeout          = 15 * time.Second
	SyncTimeout          = 2 * time.Minute
	ProviderCheckTimeout = 8 * time.Second
	// CostTimeout bounds the walk over every recipient of the pre-flight.
	CostTimeout = 30 * time.Second
)

// Pages the sync walks of the Campaign API's list.
const (
	syncPageSize = 100
	syncMaxPages = 500
)

// Service runs the campaign workflows: create, rename and delete on the
// Campaign API first and then here (undoing the remote change when the
// local one fails), sync from the account, the pre-flight check, launch and
// the sending controls. Its fields are its dependencies.
type Service struct {
	Store Store
	// Registry returns the Campaign API client of the settings in force.
	Registry func(ctx context.Context) (Registry, error)
	// Provider returns the provider connection in force (for the
	// pre-flight's answer).
	Provider func(ctx context.Context) (config.Provider, error)
	// Billing returns the billing rule and prices in force; nil counts
	// under sms.Default without prices.
	Billing func(ctx context.Context) (billing.Settings, error)
	// Dispatcher is woken after every change of a campaign's sending.
	Dispatcher Waker
	// Audience is the contact book (segment audiences, the frequency
	// cap's count); nil offers lists only.
	Audience AudienceStore
	// FrequencyCap returns the frequency cap in force for a channel; nil
	// caps nothing.
	FrequencyCap func(ctx context.Context, channel string) (frequency.Rule, error)
	// Sessions counts the recipients with an open WhatsApp session (the
	// provider's list with the stored replies); nil asks the Store.
	Sessions SessionCounter
	// Links keeps the links of campaigns that track clicks, and Shortener
	// says how their short links look (internal/clicks); with either nil,
	// links are sent as written.
	Links     LinkKeeper
	Shortener *message.Shortener
	// NotFound is the Store's error for a missing row.
	NotFound error
	Now      func() time.Time
	Log      *slog.Logger
}

// Errors of the workflows.
var (
	// ErrNotAllowed: the campaign's state does not allow the action.
	ErrNotAllowed = errors.New("campaign: not allowed in this state")
	// ErrNotReady: the pre-flight check found something that blocks
	// launching.
	ErrNotReady = errors.New("campaign: not ready to launch")
	// ErrNoRemoteID: the Campaign API answered a create without an id; it
	// may have created the campaign nonetheless.
	ErrNoRemoteID = errors.New("campaign: the Campaign API created a campaign without an id")
)

// RemoteError is a Campaign API call that did not do what was asked (it
// refused, failed or could not be reached). Nothing changed locally.
type RemoteError struct {
	Op  string // create, update, delete or sync
	Err error
}

func (e *RemoteError) Error() string {
	return "campaign: " + e.Op + " on the Campaign API: " + e.Err.Error()
}
func (e *RemoteError) Unwrap() error { return e.Err }

// LocalError is a change the Campaign API made but the store refused. The
// remote change was put back when Undone; otherwise the two sides differ
// (after a create, the campaign RemoteID exists only remotely).
type LocalError struct {
	Op       string // create or update
	Err      error  // the store's
	Undone   bool
	RemoteID int64
	// Clash is the local campaign that already holds the id the API gave
	// (create only; nil when none does).
	Clash *Campaign
}

func (e *LocalError) Error() string {
	return "campaign: " + e.Op + " stored remotely, not locally: " + e.Err.Error()
}
func (e *LocalError) Unwrap() error { return e.Err }

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Service) wake() {
	if s.Dispatcher != nil {
		s.Dispatcher.Wake()
	}
}

// registry returns the Campaign API client; missing credentials are the
// API's refusal, as if it had been asked.
func (s *Service) registry(ctx context.Context, op string) (Registry, error) {
	r, err := s.Registry(ctx)
	if errors.Is(err, wavy.ErrUnauthorized) {
		return nil, &RemoteError{Op: op, Err: err}
	}
	return r, err
}

// remoteCtx bounds a sequence of provider and store calls that must run
// to its end even if the person leaves.
func remoteCtx(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}

// RemoteNotFound reports whether the Campaign API answered 404.
func RemoteNotFound(err error) bool {
	var apiErr *wavy.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound
}

func orElse(v, fallback string) string {
	if strings.TrimSpace(v) == "" {
		return fallback
	}
	return v
}

// UniqueAlias returns base, or the first of base-2, base-3... that no local
// campaign other than exceptID uses. The remote may still refuse it.
func (s *Service) UniqueAlias(ctx context.Context, base string, exceptID int64) (string, error) {
	if base == "" {
		return "", nil
	}
	for n := 1; n < 100; n++ {
		a := NumberedAlias(base, n)
		taken, err := s.Store.CampaignAliasTaken(ctx, a, exceptID)
		if err != nil || !taken {
			return a, err
		}
	}
	return base, nil
}

// AliasProblem returns a translation key for what is wrong with a typed
// alias, including another local campaign having it, or "".
func (s *Service) AliasProblem(ctx context.Context, alias string, exceptID int64) (string, error) {
	if p := CheckAlias(alias); p != "" {
		return p, nil
	}
	taken, err := s.Store.CampaignAliasTaken(ctx, alias, exceptID)
	if taken {
		return "campaigns.problem.alias_taken", err
	}
	return "", err
}

// Create registers a campaign with the Campaign API, then stores it with
// the id the API gave. If storing fails, the remote campaign is deleted
// again, so neither side has one without the other (*LocalError).
func (s *Service) Create(ctx context.Context, name, alias string, channel Channel) (*Campaign, error) {
	return s.register(ctx, name, alias, channel, s.Store.CreateCampaign)
}

// register is Create with the way the new campaign is stored: as it is
// (Create), or as a copy of another (Duplicate).
func (s *Service) register(ctx context.Context, name, alias string, channel Channel, save func(context.Context, *Campaign) error) (*Campaign, error) {
	reg, err := s.registry(ctx, "create")
	if err != nil {
		return nil, err
	}
	rctx, cancel := remoteCtx(ctx, CallTimeout)
	defer cancel()
	remote, err := reg.CreateCampaign(rctx, wavy.CampaignInput{Name: name, Alias: alias})
	if err != nil {
		return nil, &RemoteError{Op: "create", Err: err}
	}
	if remote.ID <= 0 {
		s.log().Error("the Campaign API created a campaign without an id", "alias", alias)
		return nil, ErrNoRemoteID
	}
	cp := &Campaign{RemoteID: remote.ID, Name: orElse(remote.Name, name), Alias: orElse(remote.Alias, alias),
		Channel: channel, State: Draft, CreatedAt: s.now()}
	if err := save(rctx, cp); err != nil {
		s.log().Error("campaign registered remotely but not stored: deleting the remote one", "remote_id", remote.ID, "alias", alias, "err", err)
		le := &LocalError{Op: "create", Err: err, RemoteID: remote.ID, Undone: true}
		if derr := reg.DeleteCampaign(rctx, remote.ID); derr != nil && !RemoteNotFound(derr) {
			s.log().Error("could not delete the remote campaign of a failed create: it exists only remotely", "remote_id", remote.ID, "err", derr)
			le.Undone = false
		}
		// The id the API gave may belong to a stale local campaign (the
		// built-in sandbox restarted, or the account changed).
		if other, oerr := s.Store.CampaignByRemoteID(rctx, remote.ID); oerr == nil {
			le.Clash = other
		}
		return nil, le
	}
	return cp, nil
}

// Rename changes a campaign's name and alias on the Campaign API, then
// here. If storing fails, the remote change is put back (*LocalError).
func (s *Service) Rename(ctx context.Context, cp *Campaign, name, alias string) error {
	if !cp.CanRename() || (alias != cp.Alias && cp.AliasLocked()) {
		return ErrNotAllowed
	}
	reg, err := s.registry(ctx, "update")
	if err != nil {
		return err
	}
	rctx, cancel := remoteCtx(ctx, CallTimeout)
	defer cancel()
	if _, err := reg.UpdateCampaign(rctx, cp.RemoteID, wavy.CampaignInput{Name: name, Alias: alias}); err != nil {
		return &RemoteError{Op: "update", Err: err}
	}
	if err := s.Store.RenameCampaign(rctx, cp.ID, name, alias, s.now()); err != nil {
		s.log().Error("campaign updated remotely but not locally: putting the remote one back", "campaign_id", cp.ID, "remote_id", cp.RemoteID, "err", err)
		le := &LocalError{Op: "update", Err: err, RemoteID: cp.RemoteID, Undone: true}
		if _, uerr := reg.UpdateCampaign(rctx, cp.RemoteID, wavy.CampaignInput{Name: cp.Name, Alias: cp.Alias}); uerr != nil {
			s.log().Error("could not put the remote campaign back: it differs from the local one", "campaign_id", cp.ID, "remote_id", cp.RemoteID, "err", uerr)
			le.Undone = false
		}
		return le
	}
	return nil
}

// Delete deletes a campaign that has sent nothing: first on the Campaign
// API (a 404 there means it is gone already: remoteGone), then here. A
// campaign deleted here meanwhile is deleted all the same. When the
// dispatcher sent between the check and now, the store's error says so
// and the campaign stays here.
func (s *Service) Delete(ctx context.Context, cp *Campaign) (remoteGone bool, err error) {
	if !cp.CanDelete() {
		return false, ErrNotAllowed
	}
	reg, err := s.registry(ctx, "delete")
	if err != nil {
		return false, err
	}
	rctx, cancel := remoteCtx(ctx, CallTimeout)
	defer cancel()
	if err := reg.DeleteCampaign(rctx, cp.RemoteID); RemoteNotFound(err) {
		remoteGone = true
	} else if err != nil {
		return false, &RemoteError{Op: "delete", Err: err}
	}
	switch err := s.Store.DeleteCampaign(rctx, cp.ID); {
	case s.NotFound != nil && errors.Is(err, s.NotFound):
	case err != nil:
		s.log().Error("campaign deleted remotely but not locally", "campaign_id", cp.ID, "remote_id", cp.RemoteID, "err", err)
		return remoteGone, fmt.Errorf("campaign: delete %d locally: %w", cp.ID, err)
	}
	return remoteGone, nil
}

// Sync imports the campaigns of the account that are not here yet,
// walking every page of the Campaign API's list. found is how many the
// account has.
func (s *Service) Sync(ctx context.Context) (found int, res ImportResult, err error) {
	reg, err := s.registry(ctx, "sync")
	if err != nil {
		return 0, res, err
	}
	ctx, cancel := remoteCtx(ctx, SyncTimeout)
	defer cancel()
	var cs []*Campaign
	now := s.now()
	for page := 1; page <= syncMaxPages; page++ {
		list, err := reg.ListCampaigns(ctx, "", page, syncPageSize)
		if err != nil {
			s.log().Warn("campaign sync failed", "page", page, "err", err)
			return 0, res, &RemoteError{Op: "sync", Err: err}
		}
		for _, r := range list.Campaigns {
			if r.ID <= 0 {
				continue
			}
			cs = append(cs, &Campaign{RemoteID: r.ID, Name: orElse(r.Name, r.Alias), Alias: strings.TrimSpace(r.Alias),
				State: Draft, CreatedAt: now})
		}
		more := page < list.Page.TotalPages
		if list.Page.TotalPages == 0 {
			// No pagination headers: keep going while pages are full.
			more = len(list.Campaigns) >= syncPageSize
		}
		if !more || len(list.Campaigns) == 0 {
			break
		}
	}
	res, err = s.Store.ImportCampaigns(ctx, cs)
	return len(cs), res, err
}

// List returns the campaign's list when it is chosen and ready; gone is
// set when one is chosen but was deleted or is not ready.
func (s *Service) List(ctx context.Context, cp *Campaign) (l *recipient.List, gone bool, err error) {
	if cp.ListID == 0 && cp.SegmentID != 0 {
		l, _, gone, err = s.segmentAudience(ctx, cp)
		return l, gone, err
	}
	if cp.ListID == 0 {
		return nil, false, nil
	}
	l, err = s.Store.ListByID(ctx, cp.ListID)
	switch {
	case s.NotFound != nil && errors.Is(err, s.NotFound):
		return nil, true, nil
	case err != nil:
		return nil, false, err
	case l.State != recipient.ListReady:
		return nil, true, nil
	}
	return l, false, nil
}

// Preflight gathers what the pre-flight check judges: the list, the
// message rendered for every recipient (and its cost), the schedule and one
// harmless authenticated call to the provider. Facts are returned with the
// verdict, for the review page.
func (s *Service) Preflight(ctx context.Context, cp *Campaign) (Review, Facts, error) {
	f := Facts{Campaign: cp, Now: s.now()}
	var err error
	if cp.ListID == 0 && cp.SegmentID != 0 {
		f.List, f.Segment, f.ListGone, err = s.segmentAudience(ctx, cp)
	} else {
		f.List, f.ListGone, err = s.List(ctx, cp)
	}
	if err != nil {
		return Review{}, f, err
	}
	if f.Billing, err = s.billing(ctx); err != nil {
		return Review{}, f, err
	}
	if strings.TrimSpace(cp.Message) != "" {
		switch cp.Channel {
		case SMS:
			if f.Walk, err = s.walk(ctx, cp, f.List, f.Segment, f.Billing); err != nil {
				return Review{}, f, err
			}
			if f.Variants, err = s.variantWalks(ctx, cp, f.List, f.Segment, f.Billing); err != nil {
				return Review{}, f, err
			}
		case WhatsApp:
			w, err := s.Store.CampaignWhatsApp(ctx, cp.ID)
			if err != nil {
				return Review{}, f, err
			}
			f.WhatsApp = &w
			var columns []string
			if f.List != nil {
				columns = f.List.Columns
			}
			if f.Segment != nil {
				f.Sessions = -1 // not counted for a segment before it is frozen
			} else if len(w.Problems(columns)) == 0 && w.NeedsSession() && f.List != nil {
				counter := SessionCounter(s.Store)
				if s.Sessions != nil {
					counter = s.Sessions
				}
				if f.Sessions, err = counter.SessionCount(ctx, f.List.ID, f.Now); err != nil {
					return Review{}, f, err
				}
			}
		}
	}
	if !cp.ScheduledAt.IsZero() {
		sc, err := s.Store.CampaignSchedule(ctx, cp.ID)
		if err != nil {
			return Review{}, f, err
		}
		f.Schedule = &sc
	}
	if err := s.frequencyCap(ctx, &f); err != nil {
		return Review{}, f, err
	}
	f.Provider = s.askProvider(ctx)
	return Preflight(f), f, nil
}

// errWalkStopped ends a recipient walk early.
var errWalkStopped = errors.New("campaign: recipient walk stopped")

// walk renders the SMS message for every recipient of the list as the
// dispatcher will (message.Plan, under the billing rule in force), pricing
// it and finding recipients with empty fields; nil when the message cannot
// be rendered for the list.
func (s *Service) walk(ctx context.Context, cp *Campaign, list *recipient.List, sg *segment.Segment, bill billing.Settings) (*Walk, error) {
	compiled, used, names, ok := messagePlan(cp, list)
	if !ok {
		return nil, nil
	}
	plan, err := message.NewTrackedPlan(cp.Message, list.Columns, bill.Rule, cp.ReplaceAccents, s.shortener(cp))
	if err != nil || compiled == nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, CostTimeout)
	defer cancel()
	w := &Walk{Used: names}
	var walkErr error
	w.Cost = plan.Cost(func(yield func(*recipient.Recipient) bool) {
		each := func(fn func(r *recipient.Recipient) error) error {
			if sg != nil {
				return s.Audience.EachSegmentRecipient(ctx, sg.Filter, list.Columns, s.now(), fn)
			}
			return s.EachRecipient(ctx, list, fn)
		}
		walkErr = each(func(r *recipient.Recipient) error {
			w.Recipients++
			if r.Suppressed {
				w.Suppressed++
				return nil
			}
			for _, i := range used {
				if i >= len(r.Fields) || strings.TrimSpace(r.Fields[i]) == "" {
					w.Empty++
					break
				}
			}
			if !yield(r) {
				return errWalkStopped
			}
			return nil
		})
	})
	if walkErr != nil && !errors.Is(walkErr, errWalkStopped) {
		return nil, walkErr
	}
	return w, nil
}

// LinkKeeper keeps the links of a campaign that tracks clicks (the store).
type LinkKeeper interface {
	SaveTrackedLinks(ctx context.Context, campaignID int64, urls []string, at time.Time) error
	// CreateListOfNonClickers stores l as a ready list of the recipients
	// of the campaign whose message the provider took and who clicked
	// none of its links.
	CreateListOfNonClickers(ctx context.Context, l *recipient.List, campaignID int64) error
}

// shortener is how the campaign's links are shortened: nil when it does
// not track clicks (an SMS option) or tracking is not wired.
func (s *Service) shortener(cp *Campaign) *message.Shortener {
	if !cp.TrackClicks || cp.Channel != SMS || s.Links == nil || s.Shortener == nil || cp.Options.SuppliesText() {
		return nil
	}
	return s.Shortener
}

// billing returns the billing settings in force.
func (s *Service) billing(ctx context.Context) (billing.Settings, error) {
	if s.Billing == nil {
		return billing.Settings{Rule: sms.Default}, nil
	}
	return s.Billing(ctx)
}

// askProvider makes one harmless authenticated call with the provider
// settings in force; nil when they cannot be read.
func (s *Service) askProvider(ctx context.Context) *ProviderAnswer {
	conn, err := s.Provider(ctx)
	if err != nil {
		return nil
	}
	a := &ProviderAnswer{Conn: conn}
	reg, err := s.Registry(ctx)
	if err != nil {
		a.Err = err
		return a
	}
	ctx, cancel := remoteCtx(ctx, ProviderCheckTimeout)
	defer cancel()
	if _, a.Err = reg.ListCampaigns(ctx, "", 1, 1); a.Err != nil {
		s.log().Warn("pre-flight: provider check failed", "mode", conn.Mode, "err", a.Err)
	}
	return a
}

// Launch runs the pre-flight check again and, when nothing blocks,
// schedules the campaign (draft -> scheduled, in one store call) and wakes
// the dispatcher, which starts it at its start time. A send-now campaign
// starts now. When something blocks, the review says what (ErrNotReady).
func (s *Service) Launch(ctx context.Context, cp *Campaign) (Review, Facts, error) {
	if cp.State != Draft {
		return Review{}, Facts{}, ErrNotAllowed
	}
	r, f, err := s.Preflight(ctx, cp)
	if err != nil {
		return r, f, err
	}
	if !r.Ready {
		return r, f, ErrNotReady
	}
	var start time.Time
	if f.Schedule != nil && f.Schedule.SendNow {
		start = f.Now
	}
	var estimate int64
	if r.Walk != nil {
		estimate = r.Walk.Cost.Segments
	}
	if sh := s.shortener(cp); sh != nil {
		// Kept before the campaign can start, so no short link is sent
		// that leads nowhere.
		if err := s.Links.SaveTrackedLinks(ctx, cp.ID, trackedURLs(cp), f.Now); err != nil {
			return r, f, err
		}
	}
	if f.Segment != nil {
		// The audience is frozen now: the outbox is made of these contacts.
		if _, err := s.Audience.LaunchSegment(ctx, cp.ID, f.Segment, f.List.Columns, start, estimate, f.Now); err != nil {
			return r, f, err
		}
	} else if err := s.Store.LaunchCampaign(ctx, cp.ID, start, estimate, f.Now); err != nil {
		return r, f, err
	}
	s.wake()
	return r, f, nil
}

// Unschedule takes a scheduled campaign back to draft to edit it, until
// the dispatcher starts it.
func (s *Service) Unschedule(ctx context.Context, cp *Campaign) error {
	if !cp.CanUnschedule() {
		return ErrNotAllowed
	}
	if err := s.move(ctx, cp, Scheduled, Draft); err != nil {
		return err
	}
	if cp.SegmentID != 0 && s.Audience != nil {
		// Back to draft, a segment audience is live again until the next
		// launch freezes it anew.
		return s.Audience.ThawSegment(ctx, cp.ID)
	}
	return nil
}

// Pause stops a running campaign at its next batch.
func (s *Service) Pause(ctx context.Context, cp *Campaign) error {
	if !cp.CanPause() {
		return ErrNotAllowed
	}
	return s.move(ctx, cp, Running, Paused)
}

func (s *Service) move(ctx context.Context, cp *Campaign, from, to State) error {
	if err := s.Store.SetCampaignState(ctx, cp.ID, from, to, s.now()); err != nil {
		return err
	}
	s.wake()
	return nil
}

// Resume sends a paused campaign on.
func (s *Service) Resume(ctx context.Context, cp *Campaign) error {
	if !cp.CanResume() {
		return ErrNotAllowed
	}
	if err := s.Store.ResumeCampaign(ctx, cp.ID, s.now()); err != nil {
		return err
	}
	s.wake()
	return nil
}

// Cancel stops a campaign for good: what is still queued is cancelled;
// batches in flight finish. cancelled is false when the campaign moved
// meanwhile to a state that cannot be cancelled.
func (s *Service) Cancel(ctx context.Context, cp *Campaign) (cancelled bool, err error) {
	if !cp.CanCancel() {
		return false, ErrNotAllowed
	}
	if err := s.Store.CancelCampaign(ctx, cp.ID); err != nil {
		return false, err
	}
	s.wake()
	after, err := s.Store.CampaignByID(ctx, cp.ID)
	if err != nil {
		return false, err
	}
	return after.State == Cancelled, nil
}
