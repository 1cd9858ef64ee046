package campaign

import (
	"errors"
	"strings"
	"testing"
	"time"

	"arauto/internal/config"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
)

// verdict writes a review as "key:status" lines and the first detail key
// of each, for comparing.
func verdict(r Review) string {
	var out []string
	for _, c := range r.Checks {
		line := c.Key + ":" + c.Status
		if len(c.Detail) > 0 {
			line += ":" + c.Detail[0].Key
		}
		out = append(out, line)
	}
	return strings.Join(out, " ")
}

// TestPreflight checks the pure pre-flight: what each fact makes of the
// review, in the order of the campaign page.
func TestPreflight(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	list := &recipient.List{ID: 1, Name: "Clientes", Valid: 3, Columns: []string{"nome"}}
	sendNow := &schedule.Schedule{SendNow: true, Zone: schedule.DefaultZone}
	ok := &ProviderAnswer{Conn: config.Provider{Mode: config.ProviderSandbox}}
	sms := func(msg string) *Campaign {
		return &Campaign{Channel: SMS, ListID: 1, Message: msg, ScheduledAt: now}
	}
	walk := func(w Walk) *Walk { return &w }
	cost := func(n, ucs2, tooLong int) message.Cost {
		return message.Cost{Recipients: n, UCS2: ucs2, TooLong: tooLong}
	}
	tests := []struct {
		name  string
		facts Facts
		want  string
		ready bool
	}{
		{"ready", Facts{Campaign: sms("Oi {{nome}}"), List: list, Schedule: sendNow, Walk: walk(Walk{Recipients: 3, Cost: cost(3, 0, 0)}), Provider: ok},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.list_ok message:ok:campaigns.review.message_ok schedule:ok:campaigns.review.schedule_now provider:ok", true},
		{"nothing chosen", Facts{Campaign: &Campaign{}, Provider: ok},
			"channel:fail:campaigns.missing.channel list:fail:campaigns.missing.list message:fail:campaigns.missing.message schedule:fail:campaigns.missing.schedule provider:ok", false},
		{"list gone", Facts{Campaign: sms("Oi"), ListGone: true, Schedule: sendNow, Provider: ok},
			"channel:ok:campaigns.channel.sms list:fail:campaigns.list.gone message:warn:campaigns.review.message_no_list schedule:ok:campaigns.review.schedule_now provider:ok", false},
		{"unknown field", Facts{Campaign: sms("Oi {{cidade}}"), List: list, Schedule: sendNow, Provider: ok},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.list_ok message:fail:templates.problem.unknown_field schedule:ok:campaigns.review.schedule_now provider:ok", false},
		{"everyone suppressed", Facts{Campaign: sms("Oi"), List: list, Schedule: sendNow, Walk: walk(Walk{Recipients: 3, Suppressed: 3}), Provider: ok},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.list_ok message:fail:campaigns.review.all_suppressed suppressed:warn:campaigns.review.suppressed_detail schedule:ok:campaigns.review.schedule_now provider:ok", false},
		{"warnings do not block", Facts{Campaign: sms("Oi {{nome}}"), List: list, Schedule: sendNow,
			Walk: walk(Walk{Recipients: 3, Suppressed: 1, Empty: 1, Used: []string{"nome"}, Cost: cost(2, 2, 0)}), Provider: ok},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.list_ok message:warn:campaigns.review.empty_fields suppressed:warn:campaigns.review.suppressed_detail encoding:warn:campaigns.review.ucs2 schedule:ok:campaigns.review.schedule_now provider:ok", true},
		{"too long for some", Facts{Campaign: sms("Oi {{nome}}"), List: list, Schedule: sendNow, Walk: walk(Walk{Recipients: 3, Cost: cost(3, 0, 1)}), Provider: ok},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.list_ok message:fail:campaigns.review.too_long schedule:ok:campaigns.review.schedule_now provider:ok", false},
		{"window never opens", Facts{Campaign: sms("Oi"), List: list, Schedule: &schedule.Schedule{SendNow: true, Window: schedule.Window{Hours: []int{42}}},
			Walk: walk(Walk{Recipients: 3, Cost: cost(3, 0, 0)}), Provider: ok, Now: now},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.list_ok message:ok:campaigns.review.message_ok schedule:fail:campaigns.schedule.problem.", false},
		{"credentials refused", Facts{Campaign: sms("Oi"), List: list, Schedule: sendNow, Walk: walk(Walk{Recipients: 3, Cost: cost(3, 0, 0)}),
			Provider: &ProviderAnswer{Err: errors.New("401")}},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.list_ok message:ok:campaigns.review.message_ok schedule:ok:campaigns.review.schedule_now provider:fail", false},
		{"settings unreadable", Facts{Campaign: sms("Oi"), List: list, Schedule: sendNow, Walk: walk(Walk{Recipients: 3, Cost: cost(3, 0, 0)})},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.list_ok message:ok:campaigns.review.message_ok schedule:ok:campaigns.review.schedule_now provider:fail:campaigns.review.provider_unknown", false},
		{"whatsapp without open sessions", Facts{Campaign: &Campaign{Channel: WhatsApp, ListID: 1, Message: "texto"}, List: list, Schedule: sendNow,
			WhatsApp: &message.WhatsApp{Kind: message.WhatsAppText, Text: "Oi"}, Provider: ok},
			"channel:ok:campaigns.channel.whatsapp list:ok:campaigns.review.list_ok message:fail:whatsapp.review.no_sessions schedule:ok:campaigns.review.schedule_now provider:ok", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.facts.Now.IsZero() {
				tt.facts.Now = now
			}
			r := Preflight(tt.facts)
			if got := verdict(r); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if r.Ready != tt.ready {
				t.Errorf("got ready %v, want %v", r.Ready, tt.ready)
			}
		})
	}
}
