package campaign

import (
	"testing"
	"time"

	"arauto/internal/config"
	"arauto/internal/frequency"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
	"arauto/internal/segment"
)

// TestPreflightNamesTheAudienceAndTheCap: a segment audience is named as
// one, with its live count; the frequency cap says how many recipients it
// would keep away, and blocks when it keeps them all.
func TestPreflightNamesTheAudienceAndTheCap(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	sendNow := &schedule.Schedule{SendNow: true, Zone: schedule.DefaultZone}
	ok := &ProviderAnswer{Conn: config.Provider{Mode: config.ProviderSandbox}}
	seg := &segment.Segment{ID: 4, Name: "Campinas"}
	segList := &recipient.List{Name: "Campinas", Kind: KindSegment, Valid: 3, Columns: []string{"nome"}}
	cp := &Campaign{Channel: SMS, SegmentID: 4, Message: "Oi {{nome}}", ScheduledAt: now}
	walk := &Walk{Recipients: 3, Cost: message.Cost{Recipients: 3}}
	rule := frequency.Rule{Channel: "sms", Max: 1, Days: 1}
	tests := []struct {
		name  string
		facts Facts
		want  string
		ready bool
	}{
		{"segment, no cap", Facts{Campaign: cp, List: segList, Segment: seg, Schedule: sendNow, Walk: walk, Provider: ok},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.segment_ok message:ok:campaigns.review.message_ok schedule:ok:campaigns.review.schedule_now provider:ok", true},
		{"empty segment", Facts{Campaign: cp, List: &recipient.List{Name: "Nada", Kind: KindSegment, Columns: []string{"nome"}}, Segment: seg, Schedule: sendNow, Walk: &Walk{}, Provider: ok},
			"channel:ok:campaigns.channel.sms list:fail:campaigns.review.segment_empty message:ok:campaigns.review.message_ok schedule:ok:campaigns.review.schedule_now provider:ok", false},
		{"cap keeps none", Facts{Campaign: cp, List: segList, Segment: seg, Schedule: sendNow, Walk: walk, Provider: ok, Cap: rule},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.segment_ok message:ok:campaigns.review.message_ok frequency:ok:campaigns.review.cap_none schedule:ok:campaigns.review.schedule_now provider:ok", true},
		{"cap keeps some", Facts{Campaign: cp, List: segList, Segment: seg, Schedule: sendNow, Walk: walk, Provider: ok, Cap: rule, Capped: 2},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.segment_ok message:ok:campaigns.review.message_ok frequency:warn:campaigns.review.cap_some schedule:ok:campaigns.review.schedule_now provider:ok", true},
		{"cap keeps all", Facts{Campaign: cp, List: segList, Segment: seg, Schedule: sendNow, Walk: walk, Provider: ok, Cap: rule, Capped: 3},
			"channel:ok:campaigns.channel.sms list:ok:campaigns.review.segment_ok message:ok:campaigns.review.message_ok frequency:fail:campaigns.review.cap_all schedule:ok:campaigns.review.schedule_now provider:ok", false},
	}
	for _, tt := range tests {
		tt.facts.Now = now
		r := Preflight(tt.facts)
		if got := verdict(r); got != tt.want || r.Ready != tt.ready {
			t.Errorf("%s:\n got %s (ready %v)\nwant %s (ready %v)", tt.name, got, r.Ready, tt.want, tt.ready)
		}
	}
}

func TestMissingAudience(t *testing.T) {
	c := &Campaign{Channel: SMS, SegmentID: 2, Message: "Oi", ScheduledAt: time.Now()}
	if m := c.Missing(); len(m) != 0 {
		t.Errorf("a campaign with a segment audience misses %v, want nothing", m)
	}
}
