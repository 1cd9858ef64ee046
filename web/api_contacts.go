package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/areacode"
	"arauto/internal/audit"
	"arauto/internal/campaign"
	"arauto/internal/contact"
	"arauto/internal/segment"
	"arauto/store"
)

// The contact book and its segments through the API: the same store
// queries and segment checks as the contacts and segment pages, with the
// same least roles (viewers read, marketers change segments).

// contactCursor reads ?cursor of the contact listing: the store's own
// position (a number, or a name position), opaque to the caller.
func contactCursor(c *fiber.Ctx) (string, error) {
	cur := c.Query("cursor")
	if cur == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cur)
	after := string(raw)
	if err != nil || !store.ValidContactCursor(after) {
		return "", apiErr(fiber.StatusBadRequest, "invalid_parameter", "cursor", "api.error.cursor")
	}
	return after, nil
}

// apiContactsFilter reads the listing's filters (state, list_id,
// opted_out, segment_id) into one segment filter, nil when there is none.
func (s *Server) apiContactsFilter(c *fiber.Ctx) (*segment.Filter, error) {
	var rules []segment.Rule
	if v := c.Query("state"); v != "" {
		st := strings.ToUpper(v)
		if !areacode.ValidState(st) {
			return nil, apiErr(fiber.StatusBadRequest, "invalid_parameter", "state", "api.contacts.state")
		}
		rules = append(rules, segment.Rule{Kind: segment.KindState, Values: []string{st}})
	}
	if v := c.Query("list_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, apiErr(fiber.StatusBadRequest, "invalid_parameter", "list_id", "api.contacts.id")
		}
		rules = append(rules, segment.Rule{Kind: segment.KindList, Values: []string{strconv.FormatInt(id, 10)}})
	}
	switch c.Query("opted_out") {
	case "":
	case "true":
		rules = append(rules, segment.Rule{Kind: segment.KindOptedOut})
	case "false":
		rules = append(rules, segment.Rule{Kind: segment.KindOptedOut, Not: true})
	default:
		return nil, apiErr(fiber.StatusBadRequest, "invalid_parameter", "opted_out", "api.problem.one_of", "true, false")
	}
	var f *segment.Filter
	if len(rules) > 0 {
		f = &segment.Filter{Match: segment.All, Rules: rules}
	}
	if v := c.Query("segment_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, apiErr(fiber.StatusBadRequest, "invalid_parameter", "segment_id", "api.contacts.id")
		}
		sg, err := s.store.SegmentByID(c.UserContext(), id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, apiErr(fiber.StatusBadRequest, "invalid_parameter", "segment_id", "api.segments.unknown", id)
		}
		if err != nil {
			return nil, err
		}
		if f == nil {
			return &sg.Filter, nil
		}
		if sg.Filter.Match == segment.All {
			// Both must hold: the segment's rules join the others.
			f.Rules = append(f.Rules, sg.Filter.Rules...)
			return f, nil
		}
		return nil, apiErr(fiber.StatusBadRequest, "invalid_parameter", "segment_id", "api.contacts.segment_any")
	}
	return f, nil
}

// apiContacts lists the contact book by number (or by the words of the
// fields when q is words), with the filters of the contacts page and a segment's.
func (s *Server) apiContacts(c *fiber.Ctx) error {
	// The contact listing's cursor is its own (contactCursor).
	limit, err := pageLimit(c, 50)
	if err != nil {
		return err
	}
	if limit > 200 {
		return apiErr(fiber.StatusBadRequest, "invalid_parameter", "limit", "api.error.limit", 200)
	}
	after, err := contactCursor(c)
	if err != nil {
		return err
	}
	f, err := s.apiContactsFilter(c)
	if err != nil {
		return err
	}
	q := truncateRunes(strings.TrimSpace(c.Query("q")), 60)
	p, err := s.store.Contacts(c.UserContext(), store.ContactQuery{Search: q, Filter: f, After: after, Limit: limit, Now: s.now().UTC()})
	if err != nil {
		return err
	}
	out := pageOf[apiContact]{Data: make([]apiContact, len(p.Items))}
	for i := range p.Items {
		out.Data[i] = contactJSON(&p.Items[i])
	}
	if p.Next != "" {
		cur := base64.RawURLEncoding.EncodeToString([]byte(p.Next))
		out.NextCursor = &cur
	}
	return s.sendJSON(c, fiber.StatusOK, out)
}

// apiContact is one contact with its fields, where it came from, the
// values later imports replaced and what happened with it lately.
func (s *Server) apiContact(c *fiber.Ctx) error {
	phone, err := s.apiPhoneParam(c)
	if err != nil {
		return err
	}
	p, err := s.contacts.Profile(c.UserContext(), phone)
	if err != nil {
		return err
	}
	out := apiContactProfile{apiContact: contactJSON(&p.Contact), Lists: []apiContactSource{}, FieldHistory: []apiFieldChange{}, History: []apiContactEvent{}}
	for _, src := range p.Sources {
		out.Lists = append(out.Lists, apiContactSource{SourceID: src.ID, Kind: string(src.Kind), ListID: nullID(src.ListID), ListName: src.ListName,
			FileName: src.FileName, LegalBasis: string(src.Basis), At: apiTime(src.CreatedAt)})
	}
	for _, ch := range p.Changes {
		out.FieldHistory = append(out.FieldHistory, apiFieldChange{Field: ch.Field, OldValue: ch.Old, SourceID: ch.Source, ReplacedAt: apiTime(ch.Replaced)})
	}
	for i := len(p.Events) - 1; i >= 0; i-- {
		ev := p.Events[i]
		out.History = append(out.History, apiContactEvent{Kind: ev.Kind, At: apiTime(ev.At), CampaignID: nullID(ev.CampaignID), Campaign: ev.CampaignName,
			Channel: ev.Channel, State: ev.State, Text: ev.Text})
	}
	return s.sendJSON(c, fiber.StatusOK, out)
}

func contactJSON(ct *contact.Contact) apiContact {
	fields := ct.Attrs
	if fields == nil {
		fields = map[string]string{}
	}
	return apiContact{Phone: ct.Phone, Name: ct.Name(), Fields: fields, Carrier: ct.Carrier, OptedOut: ct.OptedOut,
		LastSentAt: apiTime(ct.LastSent), LastDeliveredAt: apiTime(ct.LastDelivered), LastRepliedAt: apiTime(ct.LastReplied),
		LastClickedAt: apiTime(ct.LastClicked), CreatedAt: apiTime(ct.CreatedAt), UpdatedAt: apiTime(ct.UpdatedAt)}
}

// segmentInput is a segment as the API takes it; nil leaves a part as it
// is (on update).
type segmentInput struct {
	Name  *string         `json:"name"`
	Match *segment.Match  `json:"match"`
	Rules *[]segment.Rule `json:"rules"`
}

func segmentJSON(sg *segment.Segment) apiSegment {
	rules := sg.Filter.Rules
	if rules == nil {
		rules = []segment.Rule{}
	}
	return apiSegment{ID: sg.ID, Name: sg.Name, Match: string(sg.Filter.Match), Rules: rules, CreatedAt: apiTime(sg.CreatedAt), UpdatedAt: apiTime(sg.UpdatedAt)}
}

func (s *Server) apiSegmentParam(c *fiber.Ctx) (*segment.Segment, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, apiErr(fiber.StatusNotFound, "not_found", "id", "api.error.not_found")
	}
	return s.store.SegmentByID(c.UserContext(), id)
}

func (s *Server) apiSegments(c *fiber.Ctx) error {
	sgs, err := s.store.Segments(c.UserContext())
	if err != nil {
		return err
	}
	sort.Slice(sgs, func(i, j int) bool { return sgs[i].ID < sgs[j].ID })
	limit, after, err := page(c, 100)
	if err != nil {
		return err
	}
	out := pageOf[apiSegment]{Data: []apiSegment{}}
	for _, sg := range sgs {
		if sg.ID <= after {
			continue
		}
		if len(out.Data) == limit {
			out.NextCursor = cursor(out.Data[len(out.Data)-1].ID, true)
			break
		}
		out.Data = append(out.Data, segmentJSON(sg))
	}
	return s.sendJSON(c, fiber.StatusOK, out)
}

func (s *Server) apiSegment(c *fiber.Ctx) error {
	sg, err := s.apiSegmentParam(c)
	if err != nil {
		return err
	}
	return s.sendJSON(c, fiber.StatusOK, segmentJSON(sg))
}

// apiSegmentCount counts the contacts a saved segment selects now.
func (s *Server) apiSegmentCount(c *fiber.Ctx) error {
	sg, err := s.apiSegmentParam(c)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	n, err := s.store.CountSegment(c.UserContext(), sg.Filter, now)
	if err != nil {
		return err
	}
	return s.sendJSON(c, fiber.StatusOK, apiSegmentCount{SegmentID: sg.ID, Contacts: n, CountedAt: apiTime(now)})
}

func (s *Server) apiCreateSegment(c *fiber.Ctx) error {
	var in segmentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sg := &segment.Segment{CreatedBy: actingUserID(c), Filter: segment.Filter{Match: segment.All}}
	if in.Name == nil {
		return invalid(c, []apiProblem{problem(c, "name", "api.problem.required")})
	}
	if in.Rules == nil {
		return invalid(c, []apiProblem{problem(c, "rules", "api.problem.required")})
	}
	if err := s.saveAPISegment(c, sg, in); err != nil {
		return err
	}
	s.record(c, audit.SegmentSaved, "segment", sg.ID, sg.Name)
	c.Set(fiber.HeaderLocation, fmt.Sprintf("%s/segments/%d", apiPrefix, sg.ID))
	return s.sendJSON(c, fiber.StatusCreated, segmentJSON(sg))
}

func (s *Server) apiUpdateSegment(c *fiber.Ctx) error {
	sg, err := s.apiSegmentParam(c)
	if err != nil {
		return err
	}
	var in segmentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.saveAPISegment(c, sg, in); err != nil {
		return err
	}
	s.record(c, audit.SegmentSaved, "segment", sg.ID, sg.Name)
	return s.sendJSON(c, fiber.StatusOK, segmentJSON(sg))
}

// saveAPISegment applies in to sg, checks it as the segment editor does
// (every problem naming its field: rules[2].values) and stores it.
func (s *Server) saveAPISegment(c *fiber.Ctx, sg *segment.Segment, in segmentInput) error {
	ctx := c.UserContext()
	name, f := sg.Name, sg.Filter
	if in.Name != nil {
		name = segment.NormalizeName(*in.Name)
	}
	if in.Match != nil {
		f.Match = *in.Match
	}
	if in.Rules != nil {
		f.Rules = *in.Rules
	}
	var ps []apiProblem
	if p := segment.CheckName(name); p != "" {
		ps = append(ps, problem(c, "name", p))
	}
	fields, err := s.store.ContactFields(ctx)
	if err != nil {
		return err
	}
	lists, err := s.store.KnownLists(ctx)
	if err != nil {
		return err
	}
	for _, p := range f.Check(segment.Known{Fields: fields, Lists: lists}) {
		field := p.Input
		if p.Rule >= 0 {
			field = fmt.Sprintf("rules[%d].%s", p.Rule, p.Input)
		}
		ps = append(ps, problem(c, field, p.Key, p.Args...))
	}
	if len(ps) > 0 {
		return invalid(c, ps)
	}
	sg.Name, sg.Filter = name, f
	switch err := s.store.SaveSegment(ctx, sg); {
	case errors.Is(err, store.ErrConflict):
		return invalid(c, []apiProblem{problem(c, "name", "segments.problem.name_taken", name)})
	case err != nil:
		return err
	}
	return nil
}

func (s *Server) apiDeleteSegment(c *fiber.Ctx) error {
	sg, err := s.apiSegmentParam(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSegment(c.UserContext(), sg.ID); err != nil {
		return err
	}
	s.record(c, audit.SegmentDeleted, "segment", sg.ID, sg.Name)
	return c.SendStatus(fiber.StatusNoContent)
}

type apiContact struct {
	Phone           string            `json:"phone"`
	Name            string            `json:"name"`
	Fields          map[string]string `json:"fields"`
	Carrier         string            `json:"carrier"`
	OptedOut        bool              `json:"opted_out"`
	LastSentAt      *string           `json:"last_sent_at"`
	LastDeliveredAt *string           `json:"last_delivered_at"`
	LastRepliedAt   *string           `json:"last_replied_at"`
	LastClickedAt   *string           `json:"last_clicked_at"`
	CreatedAt       *string           `json:"created_at"`
	UpdatedAt       *string           `json:"updated_at"`
}

type apiContactSource struct {
	SourceID   int64   `json:"source_id"`
	Kind       string  `json:"kind"`
	ListID     *int64  `json:"list_id"`
	ListName   string  `json:"list_name"`
	FileName   string  `json:"file_name"`
	LegalBasis string  `json:"legal_basis"`
	At         *string `json:"at"`
}

type apiFieldChange struct {
	Field      string  `json:"field"`
	OldValue   string  `json:"old_value"`
	SourceID   int64   `json:"source_id"`
	ReplacedAt *string `json:"replaced_at"`
}

type apiContactEvent struct {
	Kind       string  `json:"kind"`
	At         *string `json:"at"`
	CampaignID *int64  `json:"campaign_id"`
	Campaign   string  `json:"campaign"`
	Channel    string  `json:"channel"`
	State      string  `json:"state"`
	Text       string  `json:"text"`
}

type apiContactProfile struct {
	apiContact
	Lists        []apiContactSource `json:"lists"`
	FieldHistory []apiFieldChange   `json:"field_history"`
	History      []apiContactEvent  `json:"history"`
}

type apiSegment struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Match     string         `json:"match"`
	Rules     []segment.Rule `json:"rules"`
	CreatedAt *string        `json:"created_at"`
	UpdatedAt *string        `json:"updated_at"`
}

type apiSegmentCount struct {
	SegmentID int64   `json:"segment_id"`
	Contacts  int64   `json:"contacts"`
	CountedAt *string `json:"counted_at"`
}

// apiSetCampaignSegment makes a saved segment a draft's audience, as the
// audience editor does: its contacts are frozen into a list at launch.
func (s *Server) apiSetCampaignSegment(c *fiber.Ctx, cp *campaign.Campaign, id int64) error {
	ctx := c.UserContext()
	sg, err := s.store.SegmentByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return invalid(c, []apiProblem{problem(c, "segment_id", "api.segments.unknown", id)})
	}
	if err != nil {
		return err
	}
	if err := s.store.SetCampaignSegment(ctx, cp.ID, sg.ID, s.now().UTC()); err != nil {
		return stateErr(c, cp, err)
	}
	cp.SegmentID, cp.ListID = sg.ID, 0
	s.record(c, audit.CampaignUpdated, "campaign", cp.ID, cp.Name, "field", "segment", "segment", strconv.FormatInt(sg.ID, 10))
	return nil
}
