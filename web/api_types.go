package web

import (
	"arauto/internal/abtest"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/report"
	"arauto/store"
)

// The API's JSON shapes, one per resource, matching the schemas of
// openapi.json (a test validates every answer against them).

// apiTime is a time as the API writes it (RFC 3339, UTC), nil when zero.
func apiTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

type apiCampaign struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Alias       string  `json:"alias"`
	Channel     string  `json:"channel"`
	State       string  `json:"state"`
	ListID      *int64  `json:"list_id"`
	SegmentID   *int64  `json:"segment_id"`
	Message     string  `json:"message"`
	Flash       bool    `json:"flash"`
	ExtraInfo   string  `json:"extra_info"`
	ScheduledAt *string `json:"scheduled_at"`
	SentCount   int64   `json:"sent_count"`
	StartedAt   *string `json:"started_at"`
	FinishedAt  *string `json:"finished_at"`
	LastError   string  `json:"last_error"`
	CreatedAt   *string `json:"created_at"`
	UpdatedAt   *string `json:"updated_at"`
	// ABTest is the SMS campaign's A/B test, read-only; absent without one.
	ABTest *apiABTest `json:"ab_test,omitempty"`
	// Fallback is a WhatsApp campaign's SMS fallback with its figures, on
	// the one-campaign answer; absent without one.
	Fallback *apiFallback `json:"fallback,omitempty"`
}

// apiFallback is a WhatsApp campaign's SMS fallback as the API shows it:
// its settings and what became of it (report.Figures.Fallback).
type apiFallback struct {
	Text         string `json:"text"`
	WaitHours    int    `json:"wait_hours"`
	FellBack     int64  `json:"fell_back"`
	SMSSubmitted int64  `json:"sms_submitted"`
	SMSDelivered int64  `json:"sms_delivered"`
	SMSFailed    int64  `json:"sms_failed"`
	// ReachedAny counts recipients delivered on either channel.
	ReachedAny int64 `json:"reached_any"`
}

// apiABTest is a campaign's A/B test as the API shows it.
type apiABTest struct {
	Variants  []apiVariant `json:"variants"`
	Share     int          `json:"share"`
	Criterion string       `json:"criterion"`
	WaitHours int          `json:"wait_hours"`
	Manual    bool         `json:"manual"`
	Winner    *string      `json:"winner"`
}

type apiVariant struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

func abTestJSON(c *campaign.Campaign) *apiABTest {
	if c.Channel != campaign.SMS || !c.ABTest.On() {
		return nil
	}
	set := c.ABTest
	out := &apiABTest{Share: set.Share, Criterion: set.CriterionOf().Name, WaitHours: int(set.Wait.Hours()), Manual: set.Manual}
	for v := 1; v <= set.Variants(); v++ {
		out.Variants = append(out.Variants, apiVariant{Name: abtest.Name(v), Message: set.Text(c.Message, v)})
	}
	if c.ABWinner > 0 {
		w := abtest.Name(c.ABWinner)
		out.Winner = &w
	}
	return out
}

func campaignJSON(c *campaign.Campaign) apiCampaign {
	return apiCampaign{ABTest: abTestJSON(c), ID: c.ID, Name: c.Name, Alias: c.Alias, Channel: string(c.Channel), State: string(c.State), ListID: nullID(c.ListID), SegmentID: nullID(c.SegmentID),
		Message: c.Message, Flash: c.Flash, ExtraInfo: c.ExtraInfo, ScheduledAt: apiTime(c.ScheduledAt), SentCount: c.SentCount,
		StartedAt: apiTime(c.StartedAt), FinishedAt: apiTime(c.FinishedAt), LastError: c.LastError,
		CreatedAt: apiTime(c.CreatedAt), UpdatedAt: apiTime(c.UpdatedAt)}
}

type apiList struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	FileName   string   `json:"file_name"`
	State      string   `json:"state"`
	Columns    []string `json:"columns"`
	Rows       int      `json:"rows"`
	Valid      int      `json:"valid"`
	Invalid    int      `json:"invalid"`
	Duplicates int      `json:"duplicates"`
	Landlines  int      `json:"landlines"`
	Suppressed int      `json:"suppressed"`
	// Progress is the running import's, while importing.
	Progress  *apiProgress `json:"progress,omitempty"`
	ErrorCode string       `json:"error_code"`
	Error     string       `json:"error"`
	CreatedAt *string      `json:"created_at"`
}

type apiProgress struct {
	Rows  int64 `json:"rows"`
	Valid int64 `json:"valid"`
	Bytes int64 `json:"bytes"`
	Total int64 `json:"total_bytes"`
}

func listJSON(l *recipient.List) apiList {
	cols := l.Columns
	if cols == nil {
		cols = []string{}
	}
	return apiList{ID: l.ID, Name: l.Name, FileName: l.FileName, State: string(l.State), Columns: cols, Rows: l.Rows,
		Valid: l.Valid, Invalid: l.Invalid, Duplicates: l.Duplicates, Landlines: l.Landlines, Suppressed: l.Suppressed,
		ErrorCode: l.ErrorCode, CreatedAt: apiTime(l.CreatedAt)}
}

type apiRecipient struct {
	Row    int               `json:"row"`
	Phone  string            `json:"phone"`
	Fields map[string]string `json:"fields"`
}

type apiTemplate struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	Channel   string  `json:"channel"`
	Body      string  `json:"body"`
	Flash     bool    `json:"flash"`
	ExtraInfo string  `json:"extra_info"`
	ListID    *int64  `json:"list_id"`
	CreatedAt *string `json:"created_at"`
	UpdatedAt *string `json:"updated_at"`
}

func templateJSON(t *message.Template) apiTemplate {
	return apiTemplate{ID: t.ID, Name: t.Name, Channel: t.Channel, Body: t.Body, Flash: t.Flash, ExtraInfo: t.ExtraInfo,
		ListID: nullID(t.ListID), CreatedAt: apiTime(t.CreatedAt), UpdatedAt: apiTime(t.UpdatedAt)}
}

type apiProgressCounts struct {
	CampaignID int64            `json:"campaign_id"`
	State      string           `json:"state"`
	Total      int64            `json:"total"`
	Done       int64            `json:"done"`
	Counts     map[string]int64 `json:"counts"`
}

type apiStage struct {
	Key  string  `json:"key"`
	N    int64   `json:"n"`
	Pct  float64 `json:"pct"`
	Rate float64 `json:"rate"`
}

type apiFailure struct {
	Code  int     `json:"code"`
	Name  string  `json:"name"`
	N     int64   `json:"n"`
	Share float64 `json:"share"`
}

type apiCarrier struct {
	Name      string `json:"name"`
	Sent      int64  `json:"sent"`
	Delivered int64  `json:"delivered"`
	Failed    int64  `json:"failed"`
}

type apiReport struct {
	CampaignID int64        `json:"campaign_id"`
	Recipients int64        `json:"recipients"`
	Funnel     []apiStage   `json:"funnel"`
	Queued     int64        `json:"queued"`
	Awaiting   int64        `json:"awaiting"`
	NoReceipt  int64        `json:"no_receipt"`
	Unknown    int64        `json:"unknown"`
	Replies    int64        `json:"replies"`
	OptOuts    int64        `json:"opt_outs"`
	Failures   []apiFailure `json:"failures"`
	Carriers   []apiCarrier `json:"carriers"`
	// LatencyMedianSeconds and LatencyP90Seconds: sent to delivered.
	LatencyMedianSeconds float64 `json:"latency_median_seconds"`
	LatencyP90Seconds    float64 `json:"latency_p90_seconds"`
}

func reportJSON(id int64, r report.Report) apiReport {
	out := apiReport{CampaignID: id, Recipients: r.Recipients, Queued: r.Queued + r.Submitting, Awaiting: r.Awaiting,
		NoReceipt: r.NoReceipt, Unknown: r.Unknown, Replies: r.Replies, OptOuts: r.OptOuts,
		Funnel: []apiStage{}, Failures: []apiFailure{}, Carriers: []apiCarrier{},
		LatencyMedianSeconds: r.Latency.Median.Seconds(), LatencyP90Seconds: r.Latency.P90.Seconds()}
	for _, s := range r.Funnel {
		out.Funnel = append(out.Funnel, apiStage{Key: s.Key, N: s.N, Pct: s.Pct, Rate: s.Rate})
	}
	for _, f := range r.Failures {
		out.Failures = append(out.Failures, apiFailure{Code: f.Code, Name: f.Name, N: f.N, Share: f.Share})
	}
	for _, c := range r.Carriers {
		out.Carriers = append(out.Carriers, apiCarrier{Name: c.Name, Sent: c.Sent, Delivered: c.Delivered, Failed: c.Failed})
	}
	return out
}

type apiMessageResult struct {
	ID            int64   `json:"id"`
	Phone         string  `json:"phone"`
	Outcome       string  `json:"outcome"`
	Carrier       string  `json:"carrier"`
	SentCode      int     `json:"sent_code"`
	DeliveredCode int     `json:"delivered_code"`
	SubmittedAt   *string `json:"submitted_at"`
	SentAt        *string `json:"sent_at"`
	DeliveredAt   *string `json:"delivered_at"`
	ReadAt        *string `json:"read_at"`
}

func messageResultJSON(m store.MessageRow) apiMessageResult {
	return apiMessageResult{ID: m.ID, Phone: m.Phone, Outcome: m.Outcome(), Carrier: m.Carrier, SentCode: m.SentCode,
		DeliveredCode: m.DeliveredCode, SubmittedAt: apiTime(m.SubmittedAt), SentAt: apiTime(m.SentAt),
		DeliveredAt: apiTime(m.DeliveredAt), ReadAt: apiTime(m.ReadAt)}
}

type apiSent struct {
	ID            string  `json:"id"`
	Channel       string  `json:"channel"`
	To            string  `json:"to"`
	CorrelationID string  `json:"correlation_id"`
	Status        string  `json:"status"`
	CreatedAt     *string `json:"created_at"`
}

type apiTransactional struct {
	apiSent
	Outcome       string  `json:"outcome"`
	Carrier       string  `json:"carrier"`
	SentCode      int     `json:"sent_code"`
	DeliveredCode int     `json:"delivered_code"`
	SentAt        *string `json:"sent_at"`
	DeliveredAt   *string `json:"delivered_at"`
	ReadAt        *string `json:"read_at"`
	Error         string  `json:"error"`
}

type apiSuppression struct {
	Phone      string  `json:"phone"`
	Suppressed bool    `json:"suppressed"`
	Reason     string  `json:"reason"`
	Note       string  `json:"note"`
	CreatedAt  *string `json:"created_at"`
}

type apiReply struct {
	ID          int64   `json:"id"`
	Channel     string  `json:"channel"`
	Phone       string  `json:"phone"`
	ProfileName string  `json:"profile_name"`
	Kind        string  `json:"kind"`
	Text        string  `json:"text"`
	ReceivedAt  *string `json:"received_at"`
	CampaignID  *int64  `json:"campaign_id"`
	MessageID   *int64  `json:"message_id"`
	OptOut      bool    `json:"opt_out"`
}

func replyJSON(in store.Inbound) apiReply {
	return apiReply{ID: in.ID, Channel: in.Channel, Phone: in.Phone, ProfileName: in.ProfileName, Kind: in.Kind, Text: in.Text,
		ReceivedAt: apiTime(in.ReceivedAt), CampaignID: nullID(in.CampaignID), MessageID: nullID(in.MessageID), OptOut: in.OptOut}
}

type apiConversationEntry struct {
	Direction string  `json:"direction"`
	Channel   string  `json:"channel"`
	Text      string  `json:"text"`
	At        *string `json:"at"`
	Outcome   string  `json:"outcome"`
}
