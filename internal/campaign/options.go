package campaign

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// SendOptions are what a campaign asks of Wavy besides its message
// (seed 001, send-sms fields).
type SendOptions struct {
	// SubAccount bills the messages to a sub-account (a cost centre);
	// only administrator users of the Wavy account may choose one. SMS.
	SubAccount string
	// FlowID runs a bot flow, which supplies the text (SMS) and handles
	// the replies (SMS and WhatsApp).
	FlowID string
	// TemplateID and TemplateName choose an SMS template kept at Wavy
	// (created in its portal), which supplies the text; either or both.
	TemplateID   int64
	TemplateName string
}

// Limits of the options' text, as the fields travel.
const (
	MaxSubAccountLen   = 100
	MaxFlowIDLen       = 100
	MaxTemplateNameLen = 100
)

// IsZero reports whether no option is set.
func (o SendOptions) IsZero() bool { return o == SendOptions{} }

// SuppliesText reports whether Wavy fills the SMS text in (a template or a
// flow): the message is then sent without messageText, and the text
// written in the composer stands for it in the preview and the cost.
func (o SendOptions) SuppliesText() bool {
	return o.FlowID != "" || o.TemplateID != 0 || o.TemplateName != ""
}

// OptionProblem is a send option that cannot be used: the form field and
// a translation key under campaigns.options with its arguments.
type OptionProblem struct {
	Field string
	Key   string
	Args  []any
}

// ParseSendOptions reads the options as a form gives them (the template
// id as text) and says what is wrong, field by field. A WhatsApp campaign
// takes only a flow: Wavy's WhatsApp send has no sub-account nor SMS
// template.
func ParseSendOptions(ch Channel, subAccount, flowID, templateID, templateName string) (SendOptions, []OptionProblem) {
	o := SendOptions{SubAccount: strings.TrimSpace(subAccount), FlowID: strings.TrimSpace(flowID), TemplateName: strings.TrimSpace(templateName)}
	var ps []OptionProblem
	tooLong := func(field, v string, limit int) {
		if n := utf8.RuneCountInString(v); n > limit {
			ps = append(ps, OptionProblem{Field: field, Key: "campaigns.options.too_long", Args: []any{limit, n}})
		} else if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			ps = append(ps, OptionProblem{Field: field, Key: "campaigns.options.control_chars"})
		}
	}
	tooLong("flow_id", o.FlowID, MaxFlowIDLen)
	if ch == WhatsApp {
		o.SubAccount, o.TemplateName = "", ""
		return o, ps
	}
	tooLong("sub_account", o.SubAccount, MaxSubAccountLen)
	tooLong("template_name", o.TemplateName, MaxTemplateNameLen)
	if v := strings.TrimSpace(templateID); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			ps = append(ps, OptionProblem{Field: "template_id", Key: "campaigns.options.template_id_bad"})
		} else {
			o.TemplateID = id
		}
	}
	return o, ps
}
