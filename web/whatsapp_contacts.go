package web

import (
	"fmt"
	"strings"

	"arauto/internal/message"
	"arauto/views"
)

// contactsOfForm reads the editor's contact cards: a card is sent when
// any of its inputs is filled.
func contactsOfForm(v map[string]string) []message.WhatsAppContact {
	var out []message.WhatsAppContact
	for n := 1; n <= views.MaxFormContacts; n++ {
		get := func(part string) string { return strings.TrimSpace(v[views.ContactField(n, part)]) }
		c := message.WhatsAppContact{
			Name: message.WhatsAppContactName{Formatted: get("name"), First: get("name_first"), Middle: get("name_middle"),
				Last: get("name_last"), Prefix: get("name_prefix"), Suffix: get("name_suffix")},
			Birthday: get("birthday"),
			Org:      message.WhatsAppContactOrg{Company: get("org_company"), Department: get("org_department"), Title: get("org_title")},
		}
		for i := 1; i <= views.ContactPhones; i++ {
			if p := get(fmt.Sprintf("phone_%d", i)); p != "" {
				c.Phones = append(c.Phones, message.WhatsAppContactPhone{Phone: p, Type: get(fmt.Sprintf("phone_%d_type", i)), WaID: get(fmt.Sprintf("phone_%d_waid", i))})
			}
		}
		for i := 1; i <= views.ContactEmails; i++ {
			if e := get(fmt.Sprintf("email_%d", i)); e != "" {
				c.Emails = append(c.Emails, message.WhatsAppContactValue{Value: e, Type: get(fmt.Sprintf("email_%d_type", i))})
			}
		}
		for i := 1; i <= views.ContactURLs; i++ {
			if u := get(fmt.Sprintf("url_%d", i)); u != "" {
				c.URLs = append(c.URLs, message.WhatsAppContactValue{Value: u, Type: get(fmt.Sprintf("url_%d_type", i))})
			}
		}
		for i := 1; i <= views.ContactAddresses; i++ {
			a := func(p string) string { return get(fmt.Sprintf("address_%d_%s", i, p)) }
			addr := message.WhatsAppContactAddress{Street: a("street"), City: a("city"), State: a("state"), Zip: a("zip"),
				Country: a("country"), CountryCode: a("country_code")}
			if addr != (message.WhatsAppContactAddress{}) {
				addr.Type = a("type")
				c.Addresses = append(c.Addresses, addr)
			}
		}
		if c.Name != (message.WhatsAppContactName{}) || c.Birthday != "" || c.Org != (message.WhatsAppContactOrg{}) ||
			len(c.Phones)+len(c.Emails)+len(c.URLs)+len(c.Addresses) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// formOfContacts fills the editor's contact cards with a message's (the
// first views.MaxFormContacts, with as many phones, e-mails, URLs and
// addresses as the editor offers).
func formOfContacts(cs []message.WhatsAppContact) map[string]string {
	v := map[string]string{}
	for n, c := range cs {
		if n >= views.MaxFormContacts {
			break
		}
		set := func(part, val string) { v[views.ContactField(n+1, part)] = val }
		set("name", c.Name.Formatted)
		set("name_first", c.Name.First)
		set("name_middle", c.Name.Middle)
		set("name_last", c.Name.Last)
		set("name_prefix", c.Name.Prefix)
		set("name_suffix", c.Name.Suffix)
		set("birthday", c.Birthday)
		set("org_company", c.Org.Company)
		set("org_department", c.Org.Department)
		set("org_title", c.Org.Title)
		for i, p := range c.Phones {
			if i < views.ContactPhones {
				set(fmt.Sprintf("phone_%d", i+1), p.Phone)
				set(fmt.Sprintf("phone_%d_type", i+1), strings.ToUpper(p.Type))
				set(fmt.Sprintf("phone_%d_waid", i+1), p.WaID)
			}
		}
		for i, e := range c.Emails {
			if i < views.ContactEmails {
				set(fmt.Sprintf("email_%d", i+1), e.Value)
				set(fmt.Sprintf("email_%d_type", i+1), strings.ToUpper(e.Type))
			}
		}
		for i, u := range c.URLs {
			if i < views.ContactURLs {
				set(fmt.Sprintf("url_%d", i+1), u.Value)
				set(fmt.Sprintf("url_%d_type", i+1), strings.ToUpper(u.Type))
			}
		}
		for i, a := range c.Addresses {
			if i < views.ContactAddresses {
				p := func(part, val string) { set(fmt.Sprintf("address_%d_%s", i+1, part), val) }
				p("street", a.Street)
				p("city", a.City)
				p("state", a.State)
				p("zip", a.Zip)
				p("country", a.Country)
				p("country_code", a.CountryCode)
				p("type", strings.ToUpper(a.Type))
			}
		}
	}
	return v
}
