package web

import (
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/areacode"
	"arauto/internal/segment"
	"arauto/store"
	"arauto/views"
)

// contactsPerPage is the size of a page of the contact book.
const contactsPerPage = 50

// contactsFilter reads the contacts table's query and turns its filters
// into a segment filter (nil when there is none).
func contactsFilter(c *fiber.Ctx) (views.ContactsFilter, *segment.Filter) {
	f := views.ContactsFilter{Search: truncateRunes(strings.TrimSpace(c.Query("q")), 60)}
	var rules []segment.Rule
	if st := strings.ToUpper(c.Query("state")); areacode.ValidState(st) {
		f.State = st
		rules = append(rules, segment.Rule{Kind: segment.KindState, Values: []string{st}})
	}
	if id, err := strconv.ParseInt(c.Query("list"), 10, 64); err == nil && id > 0 {
		f.ListID = id
		rules = append(rules, segment.Rule{Kind: segment.KindList, Values: []string{strconv.FormatInt(id, 10)}})
	}
	switch c.Query("optout") {
	case "yes":
		f.OptedOut = "yes"
		rules = append(rules, segment.Rule{Kind: segment.KindOptedOut})
	case "no":
		f.OptedOut = "no"
		rules = append(rules, segment.Rule{Kind: segment.KindOptedOut, Not: true})
	}
	if len(rules) == 0 {
		return f, nil
	}
	return f, &segment.Filter{Match: segment.All, Rules: rules}
}

// listOptions are the uploaded lists, newest first, for filters and rules.
func (s *Server) listOptions(c *fiber.Ctx) ([]views.ListOption, error) {
	known, err := s.store.KnownLists(c.UserContext())
	if err != nil {
		return nil, err
	}
	out := make([]views.ListOption, 0, len(known))
	for id, name := range known {
		out = append(out, views.ListOption{ID: id, Name: name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

// contactsPage is the contact book: search by number or field words, filters,
// keyset pages.
func (s *Server) contactsPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f, filter := contactsFilter(c)
	after := c.Query("after")
	if !store.ValidContactCursor(after) {
		after = ""
	}
	now := s.now().UTC()
	page, err := s.store.Contacts(ctx, store.ContactQuery{Search: f.Search, Filter: filter, After: after, Limit: contactsPerPage, Now: now})
	if err != nil {
		return err
	}
	d := views.ContactsData{Filter: f, Contacts: page.Items, After: after, Next: page.Next, Total: -1}
	if d.All, err = s.store.CountContacts(ctx, nil, now); err != nil {
		return err
	}
	switch {
	case f.Search != "":
	case filter == nil:
		d.Total = d.All
	default:
		if d.Total, err = s.store.CountContacts(ctx, filter, now); err != nil {
			return err
		}
	}
	if d.Lists, err = s.listOptions(c); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.ContactsPage(d))
}

// contactPage shows one contact.
func (s *Server) contactPage(c *fiber.Ctx) error {
	phone := c.Params("phone")
	if phone == "" || len(phone) > 16 || strings.Trim(phone, "0123456789") != "" {
		return fiber.ErrNotFound
	}
	p, err := s.contacts.Profile(c.UserContext(), phone)
	if err != nil {
		return err
	}
	lists, err := s.store.KnownLists(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.ContactPage(views.ContactData{Profile: p, Lists: lists, Fields: views.SortedFields(p.Contact.Attrs)}))
}
