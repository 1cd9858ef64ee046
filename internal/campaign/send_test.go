package campaign

import (
	"testing"
	"time"
)

func TestPauseReason(t *testing.T) {
	tests := []struct {
		in, key, detail string
	}{
		{"", "", ""},
		{"unauthorized: wavy: send sms: HTTP 401 Unauthorized: bad token", "campaigns.pause_reason.unauthorized", "401"},
		{"unauthorized: wavy: send sms: HTTP 403 Forbidden", "campaigns.pause_reason.unauthorized", "403"},
		{"unauthorized: no provider credentials configured", "campaigns.pause_reason.unauthorized", "401"},
		{"unauthorized: dispatch: unauthorized: door: the SMPP door has no system_id or password", "campaigns.pause_reason.door_incomplete", ""},
		{"unauthorized: smppsender: dispatch: unauthorized: esme: the SMSC refused the account: ESME_RINVPASWD", "campaigns.pause_reason.smpp_refused", ""},
		{"unauthorized: sftpsender: dispatch: unauthorized: wavysftp: username or password refused", "campaigns.pause_reason.sftp_refused", ""},
		{"no recipient list", "campaigns.pause_reason.no_list", ""},
		{"message: unknown field {{x}}", "campaigns.pause_reason.message", "unknown field {{x}}"},
		{"rejected: HTTP 400", "campaigns.pause_reason.rejected", "HTTP 400"},
		{"try later: HTTP 503", "campaigns.pause_reason.busy", ""},
		{"disk full", "campaigns.pause_reason.other", "disk full"},
	}
	for _, tt := range tests {
		key, detail := PauseReason(tt.in)
		if key != tt.key || detail != tt.detail {
			t.Errorf("PauseReason(%q) got %q, %q, want %q, %q", tt.in, key, detail, tt.key, tt.detail)
		}
	}
}

func TestSendControls(t *testing.T) {
	started := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name                                     string
		c                                        Campaign
		editable, unschedule, pause, resume, cnc bool
		resumeTo                                 State
	}{
		{"draft", Campaign{State: Draft}, true, false, false, false, false, Scheduled},
		{"scheduled", Campaign{State: Scheduled}, false, true, false, false, true, Scheduled},
		{"running", Campaign{State: Running, StartedAt: started}, false, false, true, false, true, Running},
		{"paused while running", Campaign{State: Paused, StartedAt: started}, false, false, false, true, true, Running},
		{"paused before starting", Campaign{State: Paused}, false, false, false, true, true, Scheduled},
		{"completed", Campaign{State: Completed, StartedAt: started}, false, false, false, false, false, Running},
	}
	for _, tt := range tests {
		c := tt.c
		got := []bool{c.Editable(), c.CanUnschedule(), c.CanPause(), c.CanResume(), c.CanCancel()}
		want := []bool{tt.editable, tt.unschedule, tt.pause, tt.resume, tt.cnc}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: controls got %v, want %v", tt.name, got, want)
				break
			}
		}
		if got := c.ResumeTo(); got != tt.resumeTo {
			t.Errorf("%s: ResumeTo got %s, want %s", tt.name, got, tt.resumeTo)
		}
		if c.CanResume() && !CanMove(c.State, c.ResumeTo()) {
			t.Errorf("%s: resuming to %s is not a move the state machine allows", tt.name, c.ResumeTo())
		}
	}
	for _, s := range []State{Completed, Cancelled, Failed, Archived} {
		if !s.Over() {
			t.Errorf("%s.Over() got false, want true", s)
		}
	}
	for _, s := range []State{Draft, Scheduled, Running, Paused} {
		if s.Over() {
			t.Errorf("%s.Over() got true, want false", s)
		}
	}
}
