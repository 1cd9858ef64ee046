package audit

import (
	"context"
	"encoding/json"
	"log/slog"
	"sort"
	"strings"
	"time"
)

// Action is what was done.
type Action string

// Actions recorded.
const (
	SignIn         Action = "auth.sign_in"
	SignInFailed   Action = "auth.sign_in_failed"
	SignOut        Action = "auth.sign_out"
	PasswordChange Action = "auth.password_changed"

	UserCreated       Action = "user.created"
	UserRoleChanged   Action = "user.role_changed"
	UserDisabled      Action = "user.disabled"
	UserEnabled       Action = "user.enabled"
	UserPasswordReset Action = "user.password_reset"

	SettingsChanged Action = "settings.changed"

	ListUploaded Action = "list.uploaded"
	ListDeleted  Action = "list.deleted"

	CampaignCreated    Action = "campaign.created"
	CampaignUpdated    Action = "campaign.updated"
	CampaignDuplicated Action = "campaign.duplicated"
	CampaignLaunched   Action = "campaign.launched"
	CampaignPaused     Action = "campaign.paused"
	CampaignResumed    Action = "campaign.resumed"
	CampaignCancelled  Action = "campaign.cancelled"
	// CampaignWinnerChosen is an A/B test's winner chosen by hand.
	CampaignWinnerChosen Action = "campaign.winner_chosen"
	CampaignDeleted      Action = "campaign.deleted"
	CampaignArchived     Action = "campaign.archived"

	TemplateCreated Action = "template.created"
	TemplateUpdated Action = "template.updated"
	TemplateDeleted Action = "template.deleted"

	SegmentSaved   Action = "segment.saved"
	SegmentDeleted Action = "segment.deleted"

	MessageSent Action = "message.sent"

	SuppressionAdded   Action = "suppression.added"
	SuppressionRemoved Action = "suppression.removed"

	Exported Action = "data.exported"
	// ContactExported and ContactErased are a data subject's export and
	// erasure (LGPD): record them with the contact as target.
	ContactExported Action = "contact.exported"
	ContactErased   Action = "contact.erased"

	TokenCreated Action = "token.created"
	TokenRevoked Action = "token.revoked"

	WebhookCreated   Action = "webhook.created"
	WebhookUpdated   Action = "webhook.updated"
	WebhookDeleted   Action = "webhook.deleted"
	WebhookRotated   Action = "webhook.secret_rotated"
	AuditExported    Action = "audit.exported"
	APIRequestDenied Action = "api.denied"
)

// Actions lists every action, for the page's filter.
var Actions = []Action{SignIn, SignInFailed, SignOut, PasswordChange,
	UserCreated, UserRoleChanged, UserDisabled, UserEnabled, UserPasswordReset, SettingsChanged,
	ListUploaded, ListDeleted,
	CampaignCreated, CampaignUpdated, CampaignDuplicated, CampaignLaunched, CampaignPaused, CampaignResumed, CampaignCancelled, CampaignWinnerChosen, CampaignDeleted, CampaignArchived,
	TemplateCreated, TemplateUpdated, TemplateDeleted, SegmentSaved, SegmentDeleted, MessageSent, SuppressionAdded, SuppressionRemoved,
	Exported, ContactExported, ContactErased, TokenCreated, TokenRevoked,
	WebhookCreated, WebhookUpdated, WebhookDeleted, WebhookRotated, AuditExported}

// Kinds of actor.
const (
	ActorUser   = "user"
	ActorToken  = "token"
	ActorSystem = "system"
	// ActorAnonymous is someone not signed in (a failed sign-in).
	ActorAnonymous = "anonymous"
)

// Actor is who did it: a person, an API token (by name), or the console.
type Actor struct {
	Kind string
	ID   int64
	// Name is the person's e-mail or the token's name, as it was then.
	Name string
	// IP is the client's address, when there was a request.
	IP string
}

// Entry is one line of the log.
type Entry struct {
	ID     int64
	At     time.Time
	Actor  Actor
	Action Action
	// Target is what was acted on: kind ("campaign", "list", "user"...),
	// its id and its name at the time.
	TargetKind, TargetID, TargetName string
	// Detail holds more, as names and values (never secrets).
	Detail map[string]string
}

// secretWords are the substrings of detail keys that are never recorded.
var secretWords = []string{"token", "secret", "password", "key"}

// With returns e with detail k=v added; a key naming a secret is dropped.
func (e Entry) With(k, v string) Entry {
	lk := strings.ToLower(k)
	for _, w := range secretWords {
		if strings.Contains(lk, w) {
			return e
		}
	}
	d := make(map[string]string, len(e.Detail)+1)
	for a, b := range e.Detail {
		d[a] = b
	}
	d[k] = v
	e.Detail = d
	return e
}

// DetailJSON is Detail as stored: a JSON object with sorted keys.
func (e Entry) DetailJSON() string {
	if len(e.Detail) == 0 {
		return ""
	}
	b, _ := json.Marshal(e.Detail)
	return string(b)
}

// DetailText is Detail as one line, "k=v, k=v", keys sorted.
func (e Entry) DetailText() string {
	keys := make([]string, 0, len(e.Detail))
	for k := range e.Detail {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + e.Detail[k]
	}
	return strings.Join(parts, ", ")
}

// Filter selects entries for the page and the export, newest first.
type Filter struct {
	Action Action
	// Actor matches the actor's name (contains, any case).
	Actor string
	// Target matches the target's kind, id or name (contains, any case).
	Target   string
	From, To time.Time
	// Before is the cursor: entries with a smaller id.
	Before int64
	Limit  int
}

// Store appends and reads entries.
type Store interface {
	AppendAudit(ctx context.Context, e *Entry) error
}

// Log records entries.
type Log struct {
	Store Store
	Log   *slog.Logger
	Now   func() time.Time
}

// Record appends e, stamped now. It never fails: see the package contract.
func (l *Log) Record(ctx context.Context, e Entry) {
	if e.At.IsZero() {
		if l.Now != nil {
			e.At = l.Now().UTC()
		} else {
			e.At = time.Now().UTC()
		}
	}
	if err := l.Store.AppendAudit(context.WithoutCancel(ctx), &e); err != nil && l.Log != nil {
		l.Log.Error("audit: entry not recorded", "action", e.Action, "actor", e.Actor.Name, "actor_kind", e.Actor.Kind,
			"target", e.TargetKind+":"+e.TargetID, "err", err)
	}
}
