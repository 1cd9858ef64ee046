package campaign

import (
	"strings"
	"testing"
)

func TestParseSendOptions(t *testing.T) {
	tests := []struct {
		name                  string
		ch                    Channel
		sub, flow, tid, tname string
		want                  SendOptions
		fields                []string // fields with a problem
		suppliesText          bool
	}{
		{"none", SMS, "", "", "", "", SendOptions{}, nil, false},
		{"sub-account only", SMS, " Marketing ", "", "", "", SendOptions{SubAccount: "Marketing"}, nil, false},
		{"template by id and name", SMS, "", "", "31", "boas-vindas", SendOptions{TemplateID: 31, TemplateName: "boas-vindas"}, nil, true},
		{"bot flow", SMS, "", "14f8142d", "", "", SendOptions{FlowID: "14f8142d"}, nil, true},
		{"template id not a number", SMS, "", "", "trinta", "", SendOptions{}, []string{"template_id"}, false},
		{"template id zero", SMS, "", "", "0", "", SendOptions{}, []string{"template_id"}, false},
		{"sub-account too long", SMS, strings.Repeat("x", MaxSubAccountLen+1), "", "", "", SendOptions{SubAccount: strings.Repeat("x", MaxSubAccountLen+1)}, []string{"sub_account"}, false},
		{"line break in a flow", SMS, "", "a\nb", "", "", SendOptions{FlowID: "a\nb"}, []string{"flow_id"}, true},
		{"WhatsApp keeps the flow only", WhatsApp, "Marketing", "bot-7", "31", "x", SendOptions{FlowID: "bot-7"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ps := ParseSendOptions(tt.ch, tt.sub, tt.flow, tt.tid, tt.tname)
			if got != tt.want {
				t.Errorf("options got %+v, want %+v", got, tt.want)
			}
			var fields []string
			for _, p := range ps {
				fields = append(fields, p.Field)
			}
			if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("problems on %v, want %v", fields, tt.fields)
			}
			if got.SuppliesText() != tt.suppliesText {
				t.Errorf("supplies text %v, want %v", got.SuppliesText(), tt.suppliesText)
			}
		})
	}
}
