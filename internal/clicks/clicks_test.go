package clicks

import (
	"strings"
	"testing"
	"time"

	"arauto/internal/report"
)

func TestCodesRoundTripAndRefuseTampering(t *testing.T) {
	c := NewCoder([]byte("0123456789abcdef0123456789abcdef"))
	other := NewCoder([]byte("fedcba9876543210fedcba9876543210"))
	for _, tt := range []struct {
		id   int64
		link int
	}{{1, 0}, {42, 3}, {1_000_000, 15}, {maxMessageID, 7}} {
		code := c.Code(tt.id, tt.link)
		if len(code) != CodeLen {
			t.Errorf("code of %d/%d got %d characters, want %d", tt.id, tt.link, len(code), CodeLen)
		}
		id, link, ok := c.Parse(code)
		if !ok || id != tt.id || link != tt.link {
			t.Errorf("parse of %q got %d/%d %v, want %d/%d", code, id, link, ok, tt.id, tt.link)
		}
		if _, _, ok := other.Parse(code); ok {
			t.Errorf("a code of another installation's secret was accepted")
		}
		// Every single-character change is refused.
		for i := range code {
			for _, r := range "AQgw-_" {
				if rune(code[i]) == r {
					continue
				}
				bad := code[:i] + string(r) + code[i+1:]
				if _, _, ok := c.Parse(bad); ok {
					t.Fatalf("tampered code %q (position %d) accepted", bad, i)
				}
			}
		}
	}
	for _, bad := range []string{"", "abc", strings.Repeat("A", CodeLen-1), strings.Repeat("A", CodeLen+1), strings.Repeat("A", CodeLen), "../../etc/passwd/xxxxxx", strings.Repeat("=", CodeLen)} {
		if _, _, ok := c.Parse(bad); ok {
			t.Errorf("code %q accepted", bad)
		}
	}
}

func TestPreviewAgents(t *testing.T) {
	tests := []struct {
		ua   string
		want bool
	}{
		{"WhatsApp/2.24.8.78 A", true},
		{"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", true},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0", true},
		{"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", true},
		{"TelegramBot (like TwitterBot)", true},
		{"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", true},
		{"Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Applebot/0.1", true},
		{"SomeCrawler/1.0", true},
		{"LinkPreview/3", true},
		{"", true},
		{"Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36", false},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", false},
	}
	for _, tt := range tests {
		if got := PreviewAgent(tt.ua); got != tt.want {
			t.Errorf("PreviewAgent(%q) got %v, want %v", tt.ua, got, tt.want)
		}
	}
}

// TestFoldCountsPeopleOncePerLinkAndPreviewsApart: the same recipient
// clicking twice counts once as "clicked" and once per link; a bot and a
// click within a second of the delivery are previews; a click on a
// message whose delivery is unknown waits, then counts.
func TestFoldCountsPeopleOncePerLinkAndPreviewsApart(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	msgs := map[int64]Message{
		1: {ID: 1, CampaignID: 7, Phone: "5511999990001", DeliveredAt: t0},
		2: {ID: 2, CampaignID: 7, Phone: "5511999990002", DeliveredAt: t0, ClickedAt: t0.Add(-time.Hour), Links: 1},
		3: {ID: 3, CampaignID: 7, Phone: "5511999990003"},
	}
	batch := []Click{
		{MessageID: 1, Link: 0, At: t0.Add(500 * time.Millisecond)},       // within 1 s: preview
		{MessageID: 1, Link: 0, At: t0.Add(5 * time.Second), Agent: true}, // bot: preview
		{MessageID: 1, Link: 0, At: t0.Add(10 * time.Second)},             // click, first
		{MessageID: 1, Link: 0, At: t0.Add(20 * time.Second)},             // click again
		{MessageID: 1, Link: 1, At: t0.Add(30 * time.Second)},             // another link
		{MessageID: 2, Link: 0, At: t0.Add(time.Minute)},                  // clicked before
		{MessageID: 3, Link: 0, At: t0.Add(time.Minute)},                  // delivery unknown: held
		{MessageID: 9, Link: 0, At: t0.Add(time.Minute)},                  // gone: dropped
	}
	changes, held, campaigns := Fold(batch, msgs, t0.Add(time.Minute+time.Second), false)
	if len(held) != 1 || held[0].MessageID != 3 {
		t.Fatalf("held got %+v, want message 3's click", held)
	}
	if len(campaigns) != 1 || campaigns[0] != 7 {
		t.Errorf("campaigns got %v, want [7]", campaigns)
	}
	got := map[string]int64{}
	for _, c := range changes.Counts {
		got[c.Key] += c.N
	}
	want := map[string]int64{
		report.KeyClicked: 1, report.KeyClicks: 4, report.KeyPreviews: 2,
		report.LinkKey(0, report.LinkUnique): 1, report.LinkKey(0, report.LinkClicks): 3, report.LinkKey(0, report.LinkPreviews): 2,
		report.LinkKey(1, report.LinkUnique): 1, report.LinkKey(1, report.LinkClicks): 1,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("counter %s got %d, want %d", k, got[k], w)
		}
	}
	for _, u := range changes.Messages {
		if u.ID == 1 && (u.Clicks != 3 || u.Previews != 2 || u.Links != 3 || !u.ClickedAt.Equal(t0.Add(10*time.Second))) {
			t.Errorf("message 1 got %+v, want 3 clicks, 2 previews, links 0 and 1, first click at +10s", u)
		}
		if u.ID == 2 && (u.Clicks != 1 || !u.ClickedAt.IsZero()) {
			t.Errorf("message 2 got %+v, want 1 click and its first click kept", u)
		}
	}
	// Past the wait, or at shutdown, the held click counts.
	changes, held, _ = Fold(held, msgs, t0.Add(time.Minute+DecideAfter+time.Second), false)
	if len(held) != 0 || len(changes.Messages) != 1 || changes.Messages[0].Clicks != 1 {
		t.Errorf("after the wait got %+v held %v, want message 3's click counted", changes.Messages, held)
	}
}
