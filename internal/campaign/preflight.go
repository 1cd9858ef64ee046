package campaign

import (
	"slices"
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
)

// Statuses of a pre-flight check.
const (
	CheckOK   = "ok"
	CheckWarn = "warn"
	CheckFail = "fail"
)

// Text is a sentence for the reader, in no language yet: a translation key
// and its arguments. An argument may itself be a Text, a Count, a
// schedule.Window or a time.Time (in the zone to show it in); the web
// layer puts each into words in the reader's language.
type Text struct {
	Key  string
	Args []any
}

func text(key string, args ...any) Text { return Text{Key: key, Args: args} }

// Count is a number of recipients or messages, shown with the reader's
// thousands separator.
type Count int64

// Check is one line of the pre-flight review.
type Check struct {
	// Key names the check: channel, list, message, suppressed, encoding,
	// schedule or provider.
	Key string
	// Status is CheckOK, CheckWarn or CheckFail.
	Status string
	// Detail is what the check found, one sentence or several.
	Detail []Text
	// Provider, on the provider check, is the connection tried and what
	// it answered, for the web layer to describe as the Settings page
	// does.
	Provider *ProviderAnswer
}

// ProviderAnswer is the outcome of one harmless authenticated call to the
// provider with the settings in force.
type ProviderAnswer struct {
	Conn config.Provider
	Err  error
}

// Facts is what the pre-flight judges, gathered by Service.Preflight.
type Facts struct {
	Campaign *Campaign
	// List is the campaign's list when chosen and ready; ListGone is set
	// when one is chosen but was deleted or is not ready.
	List     *recipient.List
	ListGone bool
	// Schedule is the saved schedule; nil when none is saved.
	Schedule *schedule.Schedule
	Now      time.Time
	// Walk is the SMS message rendered for every recipient; nil when it
	// could not be (no list, a message that does not fit it).
	Walk *Walk
	// WhatsApp is the WhatsApp message and, when it needs an open
	// session, how many recipients have one (Sessions < 0: not counted).
	WhatsApp *message.WhatsApp
	Sessions int
	// Provider is the provider's answer; nil when the settings could not
	// be read.
	Provider *ProviderAnswer
	// Segment is the audience of a draft whose recipients are a segment,
	// not frozen yet (List then describes it, with ID 0).
	Segment *segment.Segment
	// Cap is the frequency cap in force for the channel and Capped how
	// many recipients it would keep from the campaign now.
	Cap    frequency.Rule
	Capped int
	// Billing is the billing rule and prices in force: the walk counts
	// under the rule, the review prices with the prices.
	Billing billing.Settings
	// Variants are an SMS A/B test's further variants rendered for the
	// list (B first); nil without a test or a list.
	Variants []VariantWalk
}

// Walk is the SMS message rendered for every recipient of the list.
type Walk struct {
	// Recipients counts the list's recipients; Suppressed those on the
	// suppression list now, who are never sent to; Empty those missing a
	// field the message uses (named in Used).
	Recipients, Suppressed, Empty int
	Used                          []string
	Cost                          message.Cost
}

// Review is the pre-flight's verdict.
type Review struct {
	Checks []Check
	// Ready is set when nothing blocks scheduling.
	Ready bool
	// Walk is the priced message, when it could be priced.
	Walk *Walk
}

func (r *Review) add(key, status string, detail ...Text) *Check {
	r.Checks = append(r.Checks, Check{Key: key, Status: status, Detail: detail})
	if status == CheckFail {
		r.Ready = false
	}
	return &r.Checks[len(r.Checks)-1]
}

// Preflight judges whether a campaign may be scheduled: channel, list,
// message for every recipient (and its cost), schedule, and working
// provider credentials, in that order. It is pure: Facts holds everything
// it looks at.
func Preflight(f Facts) Review {
	r := Review{Ready: true, Walk: f.Walk}
	cp := f.Campaign
	switch cp.Channel {
	case SMS:
		r.add("channel", CheckOK, text("campaigns.channel.sms"))
	case WhatsApp:
		r.add("channel", CheckOK, text("campaigns.channel.whatsapp"))
	default:
		r.add("channel", CheckFail, text("campaigns.missing.channel"))
	}

	switch l := f.List; {
	case cp.ListID == 0 && cp.SegmentID == 0:
		r.add("list", CheckFail, text("campaigns.missing.list"))
	case f.ListGone:
		r.add("list", CheckFail, text("campaigns.list.gone"))
	case l.Valid == 0 && f.Segment != nil:
		r.add("list", CheckFail, text("campaigns.review.segment_empty", l.Name))
	case l.Valid == 0:
		r.add("list", CheckFail, text("campaigns.review.list_empty", l.Name))
	case f.Segment != nil:
		r.add("list", CheckOK, text("campaigns.review.segment_ok", l.Name, Count(l.Valid)))
	default:
		r.add("list", CheckOK, text("campaigns.review.list_ok", l.Name, Count(l.Valid)))
	}

	checkMessage(&r, f)
	checkVariants(&r, f)
	checkCap(&r, f)

	if f.Schedule == nil {
		r.add("schedule", CheckFail, text("campaigns.missing.schedule"))
	} else {
		sc := *f.Schedule
		var problems []Text
		for _, fe := range schedule.AsProblems(sc.Validate(f.Now)) {
			problems = append(problems, text("campaigns.schedule.problem."+fe.Code))
		}
		next, state := schedule.NextSend(sc, f.Now)
		switch {
		case len(problems) > 0:
			r.add("schedule", CheckFail, problems...)
		case state == schedule.Never || state == schedule.Expired:
			r.add("schedule", CheckFail, text("campaigns.schedule.next_never"))
		default:
			r.add("schedule", CheckOK, nextSend(sc, next, state))
		}
	}

	switch p := f.Provider; {
	case p == nil:
		r.add("provider", CheckFail, text("campaigns.review.provider_unknown"))
	case p.Err != nil:
		r.add("provider", CheckFail).Provider = p
	default:
		r.add("provider", CheckOK).Provider = p
	}
	return r
}

// nextSend says when the first message goes out, and in which window.
func nextSend(sc schedule.Schedule, next time.Time, state schedule.State) Text {
	var window any = text("campaigns.schedule.window_any")
	if w := sc.Window; w.Restricted() {
		window = w
	}
	if sc.SendNow && state == schedule.Open {
		return text("campaigns.review.schedule_now", window)
	}
	loc, err := sc.Location()
	if err != nil || loc == nil {
		loc = time.UTC
	}
	zone := sc.Zone
	if zone == "" {
		zone = schedule.DefaultZone
	}
	return text("campaigns.review.schedule_at", next.In(loc), zone, next.UTC(), window)
}

// messagePlan is how an SMS message is rendered for the list: compiled
// for its columns, with the columns its placeholders use. ok is false
// when it cannot be rendered for every recipient (no list, or a problem).
func messagePlan(cp *Campaign, list *recipient.List) (c *message.Compiled, used []int, names []string, ok bool) {
	if cp.Channel != SMS || strings.TrimSpace(cp.Message) == "" || list == nil {
		return nil, nil, nil, false
	}
	if _, bad := message.BodyProblem(cp.Message, list.Columns, true); bad {
		return nil, nil, nil, false
	}
	c, err := message.Compile(cp.Message, list.Columns)
	if err != nil {
		return nil, nil, nil, false
	}
	placeholders, _ := message.Parse(cp.Message)
	for _, ph := range placeholders {
		if i := message.Column(list.Columns, ph.Name); i >= 0 && !slices.Contains(used, i) {
			used, names = append(used, i), append(names, ph.Name)
		}
	}
	return c, used, names, true
}

// checkMessage checks the message against the list: rendered for every
// recipient (SMS) or its template and sessions (WhatsApp).
func checkMessage(r *Review, f Facts) {
	cp, list := f.Campaign, f.List
	if strings.TrimSpace(cp.Message) == "" {
		r.add("message", CheckFail, text("campaigns.missing.message"))
		return
	}
	if cp.Channel == WhatsApp {
		checkWhatsApp(r, f)
		return
	}
	if cp.Channel != SMS {
		r.add("message", CheckOK, text("campaigns.review.message_written"))
		return
	}
	if list == nil {
		if p, bad := message.BodyProblem(cp.Message, nil, false); bad {
			r.add("message", CheckFail, text(p.Key, p.Args...))
		} else {
			r.add("message", CheckWarn, text("campaigns.review.message_no_list"))
		}
		return
	}
	if p, bad := message.BodyProblem(cp.Message, list.Columns, true); bad {
		r.add("message", CheckFail, text(p.Key, p.Args...))
		return
	}
	if _, err := message.Compile(cp.Message, list.Columns); err != nil {
		r.add("message", CheckFail, text(message.PlaceholderProblem(err).Key))
		return
	}
	w := f.Walk
	if w == nil {
		w = &Walk{} // Service.Preflight walks whenever the message compiles
	}
	switch {
	case w.Cost.Recipients == 0 && w.Recipients > 0:
		r.add("message", CheckFail, text("campaigns.review.all_suppressed"))
	case w.Cost.TooLong > 0:
		r.add("message", CheckFail, text("campaigns.review.too_long", Count(w.Cost.TooLong), sms.MaxLength))
	case w.Empty > 0:
		r.add("message", CheckWarn, text("campaigns.review.empty_fields", Count(w.Empty), message.Braced(w.Used)))
	default:
		r.add("message", CheckOK, text("campaigns.review.message_ok", Count(w.Cost.Recipients)))
	}
	if w.Suppressed > 0 {
		r.add("suppressed", CheckWarn, text("campaigns.review.suppressed_detail", Count(w.Suppressed)))
	}
	if w.Cost.UCS2 > 0 {
		detail := []Text{text("campaigns.review.ucs2", Count(w.Cost.UCS2))}
		if !f.Billing.Accents {
			detail = append(detail, text("campaigns.review.accents_off"))
		}
		r.add("encoding", CheckWarn, detail...)
	}
}

// checkWhatsApp checks a WhatsApp campaign's message: its template against
// the list's fields and, for free-form content, the recipients with an
// open 24-hour session.
func checkWhatsApp(r *Review, f Facts) {
	var columns []string
	if f.List != nil {
		columns = f.List.Columns
	}
	var w message.WhatsApp
	if f.WhatsApp != nil {
		w = *f.WhatsApp
	}
	if ps := w.Problems(columns); len(ps) > 0 {
		r.add("message", CheckFail, text(ps[0].Key, ps[0].Args...))
		return
	}
	if !w.NeedsSession() || f.List == nil || f.Sessions < 0 {
		r.add("message", CheckOK, text("whatsapp.review.template_ok"))
		return
	}
	if f.Sessions == 0 {
		r.add("message", CheckFail, text("whatsapp.review.no_sessions"))
	} else {
		r.add("message", CheckWarn, text("whatsapp.review.sessions", Count(f.Sessions), Count(f.List.Valid)))
	}
}
