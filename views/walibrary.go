package views

import (
	"strconv"
	"strings"

	"arauto/internal/message"
	"arauto/internal/walibrary"
)

// LibraryListData is what the WhatsApp template library shows.
type LibraryListData struct {
	Templates []*walibrary.Template
}

// LibraryFormData is what the new and edit pages of a library template show.
type LibraryFormData struct {
	// Template is the saved template being edited, nil on the new page.
	Template *walibrary.Template
	Form     Form
	// Preview is the template as a phone shows it, parameters by name.
	Preview WhatsAppPreviewData
}

// LibraryPath is the address of the library, and of one of its templates
// with suffix ("" for the template's page, "/delete"...).
func LibraryPath(id int64, suffix string) string {
	if id == 0 {
		return "/templates/whatsapp" + suffix
	}
	return "/templates/whatsapp/" + strconv.FormatInt(id, 10) + suffix
}

func (d LibraryFormData) action() string {
	if d.Template == nil {
		return LibraryPath(0, "")
	}
	return LibraryPath(d.Template.ID, "")
}

// LibraryButtonRows is how many button rows the form offers.
const LibraryButtonRows = walibrary.MaxButtons

// LibraryFormOf fills the form of a library template.
func LibraryFormOf(t *walibrary.Template) map[string]string {
	v := map[string]string{
		"namespace": t.Namespace, "element_name": t.ElementName, "language_code": t.LanguageCode, "header_kind": t.HeaderKind,
		"header_text": t.HeaderText, "header_params": strings.Join(t.HeaderParams, "\n"), "body_text": t.BodyText,
		"body_params": strings.Join(t.BodyParams, "\n"), "footer_text": t.FooterText, "status": string(t.Status),
	}
	if v["language_code"] == "" {
		v["language_code"] = "pt_BR"
	}
	if v["status"] == "" {
		v["status"] = string(walibrary.Approved)
	}
	for i, b := range t.Buttons {
		n := strconv.Itoa(i + 1)
		v["button_kind_"+n], v["button_text_"+n], v["button_value_"+n] = b.Kind, b.Text, b.Value
	}
	return v
}

// LibraryPreview is the template in the phone: each variable shows the
// parameter name it is filled from.
func LibraryPreview(t *walibrary.Template) WhatsAppPreviewData {
	m, _ := t.Fill(nil)
	return WhatsAppPreviewData{Kind: message.WhatsAppTemplate, Message: message.WhatsApp{Kind: message.WhatsAppTemplate, Template: &m}.Preview(nil, nil)}
}

func statusBadge(s walibrary.Status) string {
	switch s {
	case walibrary.Approved:
		return "badge badge-ok"
	case walibrary.Rejected:
		return "badge badge-err"
	}
	return "badge badge-sandbox"
}

func statusStrings() []string {
	out := make([]string, len(walibrary.Statuses))
	for i, s := range walibrary.Statuses {
		out[i] = string(s)
	}
	return out
}

func buttonRowNumbers() []string {
	out := make([]string, LibraryButtonRows)
	for i := range out {
		out[i] = strconv.Itoa(i + 1)
	}
	return out
}
