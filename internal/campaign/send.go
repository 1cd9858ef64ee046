package campaign

import (
	"regexp"
	"strings"
	"time"

	"arauto/internal/breaker"
	"arauto/internal/dispatch"
)

// MaxExtraInfoLen is Wavy's limit on extraInfo, in characters.
const MaxExtraInfoLen = 255

// Editable reports whether the list, the message and the schedule may
// change: only while the campaign is a draft. A scheduled campaign goes
// back to draft first (Unschedule).
func (c *Campaign) Editable() bool { return c.State == Draft }

// Started reports whether the dispatcher has begun sending (the outbox
// exists).
func (c *Campaign) Started() bool { return !c.StartedAt.IsZero() }

// CanUnschedule reports whether a scheduled campaign may go back to draft
// to be edited: until the dispatcher starts it.
func (c *Campaign) CanUnschedule() bool { return c.State == Scheduled }

// CanPause reports whether the campaign may be paused.
func (c *Campaign) CanPause() bool { return c.State == Running }

// CanResume reports whether the campaign may be resumed.
func (c *Campaign) CanResume() bool { return c.State == Paused }

// CanCancel reports whether the campaign may be cancelled: while the
// dispatcher may work on it.
func (c *Campaign) CanCancel() bool { return c.State.Active() }

// LateStatusWindow is how long after a campaign completed the statuses of
// its last messages may still pause it: the provider reports an exhausted
// account (201, 215) as the messages' first status, seconds after taking
// them.
const LateStatusWindow = 10 * time.Minute

// FollowLive reports whether the campaign's page follows it live at now:
// while the dispatcher may work on it, and for LateStatusWindow after it
// completed, so that a late pause shows at once.
func (c *Campaign) FollowLive(now time.Time) bool {
	if c.State.Active() {
		return true
	}
	return c.State == Completed && !c.FinishedAt.IsZero() && now.Sub(c.FinishedAt) < LateStatusWindow
}

// ResumeTo is the state a paused campaign resumes to: running when its
// outbox exists, scheduled when it was paused before starting.
func (c *Campaign) ResumeTo() State {
	if c.Started() {
		return Running
	}
	return Scheduled
}

// Over reports whether the campaign will send nothing more.
func (s State) Over() bool {
	return s == Completed || s == Cancelled || s == Failed || s == Archived
}

var httpStatus = regexp.MustCompile(`HTTP (\d{3})`)

// PauseReason explains the reason the dispatcher recorded when it paused a
// campaign (Campaign.LastError): a translation key under
// campaigns.pause_reason and the detail its text takes (the HTTP status of
// refused credentials, the status code of an exhausted account — 201 no
// credit, 215 quota — or the recorded text). It returns "" for no error.
func PauseReason(lastError string) (key, detail string) {
	e := strings.TrimSpace(lastError)
	switch {
	case e == "":
		return "", ""
	case strings.HasPrefix(e, "unauthorized:") && strings.Contains(e, "door:"):
		return "campaigns.pause_reason.door_incomplete", ""
	case strings.HasPrefix(e, "unauthorized:") && strings.Contains(e, "esme:"):
		return "campaigns.pause_reason.smpp_refused", ""
	case strings.HasPrefix(e, "unauthorized:") && strings.Contains(e, "wavysftp:"):
		return "campaigns.pause_reason.sftp_refused", ""
	case strings.HasPrefix(e, "unauthorized:"):
		code := "401"
		if m := httpStatus.FindStringSubmatch(e); m != nil {
			code = m[1]
		}
		return "campaigns.pause_reason.unauthorized", code
	case strings.HasPrefix(e, "no recipient list"):
		return "campaigns.pause_reason.no_list", ""
	case strings.HasPrefix(e, "message:"):
		return "campaigns.pause_reason.message", strings.TrimSpace(strings.TrimPrefix(e, "message:"))
	case strings.HasPrefix(e, "rejected:"):
		return "campaigns.pause_reason.rejected", strings.TrimSpace(strings.TrimPrefix(e, "rejected:"))
	case strings.HasPrefix(e, "try later:"):
		return "campaigns.pause_reason.busy", ""
	case strings.HasPrefix(e, breaker.ReasonPrefix):
		// The banner says which signal and how many (breaker.ParseReason).
		return "campaigns.pause_reason.breaker", e
	case strings.HasPrefix(e, dispatch.AccountLimitPrefix):
		// The code decides what to ask for: credit (201) or the quota (215).
		if strings.Contains(e, "215") || strings.Contains(e, "CUSTOMER_QUOTA_BLOCKED") {
			return "campaigns.pause_reason.account_limit", "215"
		}
		return "campaigns.pause_reason.account_limit", "201"
	}
	return "campaigns.pause_reason.other", e
}
