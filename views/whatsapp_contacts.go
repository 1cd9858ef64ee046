package views

import "fmt"

// How many of each the WhatsApp editor offers per message and per card:
// enough for the cards people share (a shop, a salesperson); the seeds
// set no limit.
const (
	MaxFormContacts  = 3
	ContactPhones    = 2
	ContactEmails    = 2
	ContactURLs      = 1
	ContactAddresses = 1
)

// contactParts are the inputs of one contact card, after "contact_N_":
// the seeds' vCard fields (name and its parts, birthday, organisation,
// phones with type and WhatsApp id, e-mails, URLs and addresses with type).
func contactParts() []string {
	parts := []string{"name", "name_first", "name_middle", "name_last", "name_prefix", "name_suffix", "birthday",
		"org_company", "org_department", "org_title"}
	for i := 1; i <= ContactPhones; i++ {
		parts = append(parts, fmt.Sprintf("phone_%d", i), fmt.Sprintf("phone_%d_type", i), fmt.Sprintf("phone_%d_waid", i))
	}
	for i := 1; i <= ContactEmails; i++ {
		parts = append(parts, fmt.Sprintf("email_%d", i), fmt.Sprintf("email_%d_type", i))
	}
	for i := 1; i <= ContactURLs; i++ {
		parts = append(parts, fmt.Sprintf("url_%d", i), fmt.Sprintf("url_%d_type", i))
	}
	for i := 1; i <= ContactAddresses; i++ {
		for _, p := range []string{"street", "city", "state", "zip", "country", "country_code", "type"} {
			parts = append(parts, fmt.Sprintf("address_%d_%s", i, p))
		}
	}
	return parts
}

// ContactField names the input of part of contact card n (1-based), as
// the message's problems name them ("contact_2_phone_1").
func ContactField(n int, part string) string { return fmt.Sprintf("contact_%d_%s", n, part) }

// ContactFieldNames lists every contact-card input of the editor.
func ContactFieldNames() []string {
	var out []string
	for n := 1; n <= MaxFormContacts; n++ {
		for _, p := range contactParts() {
			out = append(out, ContactField(n, p))
		}
	}
	return out
}
