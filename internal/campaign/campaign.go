package campaign

import (
	"arauto/internal/abtest"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// State is where a campaign is in its life.
type State string

// The states. A campaign starts as a draft, is scheduled, runs (and may be
// paused and resumed) and ends completed, cancelled or failed. Archived
// hides a campaign that is over, or was never sent, from the default list.
const (
	Draft     State = "draft"
	Scheduled State = "scheduled"
	Running   State = "running"
	Paused    State = "paused"
	Completed State = "completed"
	Cancelled State = "cancelled"
	Failed    State = "failed"
	Archived  State = "archived"
)

// States lists every state in life order.
var States = []State{Draft, Scheduled, Running, Paused, Completed, Cancelled, Failed, Archived}

// transitions holds the allowed moves from each state.
var transitions = map[State][]State{
	Draft:     {Scheduled, Cancelled, Archived},
	Scheduled: {Draft, Running, Cancelled},
	Running:   {Paused, Completed, Cancelled, Failed},
	// A campaign paused before it started (the dispatcher could not build
	// its outbox) resumes by being scheduled again.
	Paused: {Running, Scheduled, Completed, Cancelled, Failed},
	// The provider may refuse the last messages for the account's credit
	// or quota after they were handed over: the campaign is paused again,
	// their recipients queued, until the person resumes.
	Completed: {Archived, Paused},
	Cancelled: {Archived},
	Failed:    {Archived},
	Archived:  nil,
}

// Valid reports whether s is one of States.
func (s State) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// Active reports whether the dispatcher may be working on a campaign in
// this state (scheduled, running or paused): such a campaign can be neither
// deleted nor archived until it is cancelled or ends.
func (s State) Active() bool {
	return s == Scheduled || s == Running || s == Paused
}

// CanMove reports whether a campaign may go from state from to state to.
func CanMove(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// ErrInvalid marks input a person must correct or a move the state machine
// does not allow; the wrapped text says what.
var ErrInvalid = errors.New("campaign: invalid")

// Channel is how a campaign's messages are sent.
type Channel string

// The channels.
const (
	SMS      Channel = "sms"
	WhatsApp Channel = "whatsapp"
)

// Channels lists the channels a campaign may use.
var Channels = []Channel{SMS, WhatsApp}

// ParseChannel turns a form value into a Channel.
func ParseChannel(s string) (Channel, error) {
	c := Channel(strings.ToLower(strings.TrimSpace(s)))
	if c != SMS && c != WhatsApp {
		return "", fmt.Errorf("campaign: unknown channel %q: %w", s, ErrInvalid)
	}
	return c, nil
}

// Campaign is one campaign. The optional parts (channel, list, message,
// schedule) are zero until chosen; later issues fill them in.
type Campaign struct {
	ID int64
	// RemoteID is the campaign's id in the Campaign API on apigw. Every
	// stored campaign has one: it is registered there first.
	RemoteID int64
	Name     string
	// Alias is registered with the Campaign API and sent on every message
	// as campaignAlias. Campaigns imported from the account may lack one.
	Alias string
	// Channel is empty for campaigns imported from the account, which do not
	// say how they are sent.
	Channel Channel
	// ListID is the recipient list; 0 means none chosen yet. A campaign
	// whose audience is a segment has none until launch, when the
	// segment's contacts are frozen into a list that becomes its ListID.
	ListID int64
	// SegmentID is the segment chosen as audience instead of a list; 0 for
	// none.
	SegmentID int64
	// Message is the text template; empty means none written yet.
	Message string
	// ScheduledAt is when sending starts (UTC); zero means not scheduled.
	ScheduledAt time.Time
	State       State
	// SentCount is how many messages the dispatcher has sent for this
	// campaign. Once it is above zero the campaign can only be archived.
	SentCount int64
	// Flash asks handsets to show the SMS at once without storing it.
	Flash bool
	// ExtraInfo is free text Wavy keeps with each message (at most
	// MaxExtraInfoLen characters).
	ExtraInfo string
	// StartedAt is when the dispatcher built the outbox and began sending;
	// FinishedAt when the campaign completed. Zero means not yet.
	StartedAt  time.Time
	FinishedAt time.Time
	// Options are what the campaign asks of Wavy besides its message.
	Options SendOptions
	// LastError is why the dispatcher paused the campaign, as it recorded
	// it ("unauthorized: ..."); empty when it was not paused by an error.
	LastError string
	// ReplaceAccents replaces the accents of the list's field values when
	// the messages are sent (the text itself is replaced in the composer).
	ReplaceAccents bool
	// TrackClicks replaces the message's http(s) links by short links per
	// recipient and records who clicks (internal/clicks). SMS.
	TrackClicks bool
	// ABTest is the campaign's A/B test (SMS): variant A is Message, the
	// others are ABTest.Others; the zero value is no test. ABWinner is the
	// winning variant (1 = A), 0 while none.
	ABTest   abtest.Settings
	ABWinner int
	// EstimatedSegments is what the pre-flight priced at launch: the SMS
	// segments every recipient's message would be billed; 0 before.
	EstimatedSegments int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Move changes the campaign's state, if the state machine allows it.
func (c *Campaign) Move(to State) error {
	if !CanMove(c.State, to) {
		return fmt.Errorf("campaign %d: cannot move from %s to %s: %w", c.ID, c.State, to, ErrInvalid)
	}
	c.State = to
	return nil
}

// CanDelete reports whether the campaign may be deleted: only when it has
// sent nothing and the dispatcher is not working on it. Otherwise it can
// at most be archived, so its reports keep their campaign.
func (c *Campaign) CanDelete() bool {
	return c.SentCount == 0 && !c.State.Active()
}

// CanArchive reports whether the campaign may be archived.
func (c *Campaign) CanArchive() bool { return CanMove(c.State, Archived) }

// CanRename reports whether the campaign's name may change: any time until
// it is archived.
func (c *Campaign) CanRename() bool { return c.State != Archived }

// AliasLocked reports whether the alias may no longer change: once anything
// was sent or the campaign left the draft state, messages and reports
// refer to it.
func (c *Campaign) AliasLocked() bool {
	return c.SentCount > 0 || c.State != Draft
}

// Missing lists, as translation keys, what the campaign still needs before
// it can be sent, in the order of the campaign page's sections. Empty means
// it is ready.
func (c *Campaign) Missing() []string {
	var m []string
	if c.Channel == "" {
		m = append(m, "campaigns.missing.channel")
	}
	if c.ListID == 0 && c.SegmentID == 0 {
		m = append(m, "campaigns.missing.list")
	}
	if strings.TrimSpace(c.Message) == "" {
		m = append(m, "campaigns.missing.message")
	}
	if c.ScheduledAt.IsZero() {
		m = append(m, "campaigns.missing.schedule")
	}
	return m
}

// Limits on names and aliases. The Campaign API only asks for a "short"
// alias "without special characters"; 40 keeps it short and well inside
// the client's bound (wavy.MaxCampaignAlias).
const (
	MaxNameLen  = 100
	MinAliasLen = 2
	MaxAliasLen = 40
)

// NormalizeName trims a typed name and collapses inner runs of whitespace.
func NormalizeName(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// CheckName returns a translation key describing what is wrong with a
// normalized name, or "".
func CheckName(name string) string {
	switch {
	case name == "":
		return "campaigns.problem.name_required"
	case utf8.RuneCountInString(name) > MaxNameLen:
		return "campaigns.problem.name_long"
	case strings.ContainsFunc(name, unicode.IsControl):
		return "campaigns.problem.name_invalid"
	}
	return ""
}

// NormalizeAlias trims a typed alias and lowercases it.
func NormalizeAlias(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// CheckAlias returns a translation key describing what is wrong with a
// normalized alias, or "". An alias is MinAliasLen to MaxAliasLen lowercase
// ASCII letters, digits, '-' and '_', starting and ending with a letter or
// digit: what the Campaign API calls a simple name, safe in any payload.
func CheckAlias(alias string) string {
	switch {
	case alias == "":
		return "campaigns.problem.alias_required"
	case len(alias) < MinAliasLen:
		return "campaigns.problem.alias_short"
	case len(alias) > MaxAliasLen:
		return "campaigns.problem.alias_long"
	}
	for _, r := range alias {
		if !isAliasRune(r) {
			return "campaigns.problem.alias_chars"
		}
	}
	if !isAlnum(rune(alias[0])) || !isAlnum(rune(alias[len(alias)-1])) {
		return "campaigns.problem.alias_edges"
	}
	return ""
}

func isAlnum(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }

func isAliasRune(r rune) bool { return isAlnum(r) || r == '-' || r == '_' }

// fold maps letters that do not decompose into a base letter and a mark.
var fold = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'þ': "th", 'ı': "i",
}

// SuggestAlias proposes an alias for a campaign name: lowercase, accents
// stripped (ç becomes c), every run of spaces and punctuation one '-',
// cut to MaxAliasLen at a word boundary when possible. "Promoção de Natal
// 2026!" becomes "promocao-de-natal-2026". It returns "" when the name has
// no letters or digits it can use.
func SuggestAlias(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		if unicode.Is(unicode.Mn, r) {
			continue // the accent of the letter before
		}
		s, ok := fold[r]
		if !ok && isAlnum(r) {
			s, ok = string(r), true
		}
		if ok {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteString(s)
			continue
		}
		dash = true
	}
	alias := b.String()
	if len(alias) > MaxAliasLen {
		alias = alias[:MaxAliasLen]
		if i := strings.LastIndexByte(alias, '-'); i >= MaxAliasLen/2 {
			alias = alias[:i]
		}
		alias = strings.TrimRight(alias, "-_")
	}
	if len(alias) < MinAliasLen {
		return ""
	}
	return alias
}

// NumberedAlias returns the n-th alternative to a taken alias: base-2,
// base-3 and so on, shortening base so the result stays within MaxAliasLen.
// n below 2 returns base.
func NumberedAlias(base string, n int) string {
	if n < 2 {
		return base
	}
	suffix := "-" + strconv.Itoa(n)
	if len(base)+len(suffix) > MaxAliasLen {
		base = strings.TrimRight(base[:MaxAliasLen-len(suffix)], "-_")
	}
	return base + suffix
}
