package views

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"arauto/internal/billing"
	"arauto/internal/campaign"
	"arauto/internal/frequency"
	"arauto/internal/report"
	"arauto/internal/wavy"
)

// ReportData is what a campaign's report page shows.
type ReportData struct {
	Campaign *campaign.Campaign
	Report   report.Report
	// Live is set while the numbers may still change: the page follows
	// them over SSE.
	Live bool
	// Loc is the campaign's zone. The report shows every instant in the
	// reader's zone (Env.Zone) instead, so this is no longer read.
	Loc *time.Location
	// UpdatedAt is when the numbers were read.
	UpdatedAt time.Time
	Table     ReportTable
	// Billing prices the billed segments.
	Billing billing.Settings
	// LinkURLs are the campaign's tracked links as written, by index.
	LinkURLs []string
	// AB is the campaign's A/B test side by side; nil without one.
	AB *ABReport
}

// ReportTable is one page of the per-recipient table.
type ReportTable struct {
	// Columns are the list's field names.
	Columns []string
	// Fallback shows the fallback SMS column (a WhatsApp campaign with
	// an SMS fallback).
	Fallback bool
	Rows     []ReportRow
	Filter   ReportFilter
	// Outcomes are the outcome filters offered.
	Outcomes         []string
	HasPrev, HasNext bool
	First, Last      int64
	// Showing is the number of the first row shown (1-based) when known.
	PerPage int
}

// ReportFilter is the table's filters as the query string gives them.
type ReportFilter struct {
	Outcome, Carrier, Phone string
	Code                    int
}

// Query is the filter as query parameters.
func (f ReportFilter) Query() url.Values {
	v := url.Values{}
	if f.Outcome != "" {
		v.Set("outcome", f.Outcome)
	}
	if f.Carrier != "" {
		v.Set("carrier", f.Carrier)
	}
	if f.Phone != "" {
		v.Set("q", f.Phone)
	}
	if f.Code != 0 {
		v.Set("code", strconv.Itoa(f.Code))
	}
	return v
}

// Active reports whether any filter is set.
func (f ReportFilter) Active() bool { return len(f.Query()) > 0 }

// ReportRow is one recipient's result.
type ReportRow struct {
	ID                      int64
	Phone                   string
	Fields                  []string
	Outcome                 string
	Carrier                 string
	SentCode, DeliveredCode int
	SubmittedAt, SentAt     time.Time
	DeliveredAt, ReadAt     time.Time
	// Cap is the frequency rule that kept the recipient from the campaign
	// (nil when none did).
	Cap *frequency.Rule
	// Fallback is the SMS the recipient got instead (nil when none).
	Fallback *FallbackCell
}

// FallbackCell is a recipient's fallback SMS in the results table: its
// outcome (as a row's), code and why it was sent.
type FallbackCell struct {
	Outcome string
	Code    int
	Reason  string
}

// Code is the status code that explains the row: the delivery code when
// there is one, else the sent code.
func (r ReportRow) Code() int {
	if r.DeliveredCode != 0 {
		return r.DeliveredCode
	}
	return r.SentCode
}

func reportURL(id int64, suffix string) string {
	return "/campaigns/" + strconv.FormatInt(id, 10) + "/report" + suffix
}

func (d ReportData) pageURL(after, before int64) string {
	v := d.Table.Filter.Query()
	if after > 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	if before > 0 {
		v.Set("before", strconv.FormatInt(before, 10))
	}
	u := reportURL(d.Campaign.ID, "")
	if q := v.Encode(); q != "" {
		u += "?" + q
	}
	return u + "#recipients"
}

func (d ReportData) exportURL(format string) string {
	u := reportURL(d.Campaign.ID, "/export."+format)
	if q := d.Table.Filter.Query().Encode(); q != "" {
		u += "?" + q
	}
	return u
}

// barWidth is the CSS width of a bar of p percent, never invisible when
// the count is not zero.
func barWidth(p float64, n int64) string {
	if n > 0 && p < 0.6 {
		p = 0.6
	}
	return "width: " + strconv.FormatFloat(min(p, 100), 'f', 1, 64) + "%"
}

// fmtLatency writes a delivery latency: "850 ms", "12 s", "3 min 05 s".
func fmtLatency(ctx context.Context, d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	case d < 10*time.Second:
		s := strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
		if EnvFrom(ctx).Lang != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s + " s"
	}
	return fmtDuration(ctx, d)
}

// codeMeaning is a status code's documented meaning in the reader's
// language, the tooltip of its label.
func codeMeaning(ctx context.Context, code int) string {
	sc, ok := wavy.LookupStatus(code)
	if !ok {
		return T(ctx, "report.code_unknown")
	}
	if EnvFrom(ctx).Lang == "en" {
		return sc.MeaningEN
	}
	return sc.MeaningPT
}

func failureMeaning(ctx context.Context, f report.Failure) string {
	m := f.MeaningPT
	if EnvFrom(ctx).Lang == "en" {
		m = f.MeaningEN
	}
	if m == "" {
		return T(ctx, "report.code_unknown")
	}
	return m
}

// outcomeClass colours an outcome badge.
func outcomeClass(o string) string {
	switch o {
	case "delivered", "read":
		return "badge badge-ok"
	case "failed", "not-delivered", "expired":
		return "badge badge-err"
	case "sent-no-receipt", "unknown-no-receipt":
		return "badge badge-noreceipt"
	case "sent", "accepted", "queued", "submitting":
		return "badge"
	}
	return "badge badge-muted"
}

// stageClass colours a funnel bar.
func stageClass(key string) string {
	switch key {
	case report.StageDelivered, report.StageRead:
		return "funnel-row ok"
	case report.StageFailed, report.StageExpired:
		return "funnel-row bad"
	case report.StageSuppressed, report.StageCapped:
		return "funnel-row muted"
	}
	return "funnel-row"
}

// Chart is the timeline as an inline SVG: polylines of sent, delivered
// and read messages per step.
type Chart struct {
	W, H                    int
	Left, Right, Top, Foot  int
	Sent, Delivered, Read   string
	SentArea                string
	Max                     int64
	YTicks                  []ChartTick
	XTicks                  []ChartTick
	TotalSent, TotalDeliv   int64
	TotalRead               int64
	Step                    time.Duration
	Points                  int
	From, To                time.Time
	HasRead, Empty          bool
	DeliveredDots, SentDots []ChartDot
}

// ChartTick is an axis label at a position.
type ChartTick struct {
	X, Y  int
	Label string
}

// ChartDot marks a single point (a series of one point draws no line).
type ChartDot struct{ X, Y int }

// niceMax rounds v up to 1, 2 or 5 times a power of ten.
func niceMax(v int64) int64 {
	if v <= 0 {
		return 1
	}
	p := int64(1)
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []int64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// NewChart lays out the timeline in loc.
func NewChart(ctx context.Context, t report.Timeline, loc *time.Location) Chart {
	c := Chart{W: 720, H: 220, Left: 48, Right: 12, Top: 12, Foot: 28, Step: t.Step, Points: len(t.Points)}
	if loc == nil {
		loc = time.UTC
	}
	if len(t.Points) == 0 {
		c.Empty = true
		return c
	}
	for _, p := range t.Points {
		c.Max = max(c.Max, p.Sent, p.Delivered, p.Read)
		c.TotalSent += p.Sent
		c.TotalDeliv += p.Delivered
		c.TotalRead += p.Read
	}
	c.HasRead = c.TotalRead > 0
	c.Max = niceMax(c.Max)
	c.From, c.To = t.Points[0].At, t.Points[len(t.Points)-1].At.Add(t.Step)
	pw, ph := c.W-c.Left-c.Right, c.H-c.Top-c.Foot
	n := len(t.Points)
	x := func(i int) int {
		if n == 1 {
			return c.Left + pw/2
		}
		return c.Left + i*pw/(n-1)
	}
	y := func(v int64) int { return c.Top + ph - int(v*int64(ph)/c.Max) }
	var sent, deliv, read strings.Builder
	for i, p := range t.Points {
		fmt.Fprintf(&sent, "%d,%d ", x(i), y(p.Sent))
		fmt.Fprintf(&deliv, "%d,%d ", x(i), y(p.Delivered))
		fmt.Fprintf(&read, "%d,%d ", x(i), y(p.Read))
	}
	c.Sent, c.Delivered, c.Read = strings.TrimSpace(sent.String()), strings.TrimSpace(deliv.String()), strings.TrimSpace(read.String())
	c.SentArea = fmt.Sprintf("%d,%d %s %d,%d", x(0), y(0), c.Sent, x(n-1), y(0))
	if n == 1 {
		c.SentDots = []ChartDot{{x(0), y(t.Points[0].Sent)}}
		c.DeliveredDots = []ChartDot{{x(0), y(t.Points[0].Delivered)}}
	}
	for i := int64(0); i <= 4; i++ {
		v := c.Max * i / 4
		c.YTicks = append(c.YTicks, ChartTick{X: c.Left - 6, Y: y(v), Label: num(ctx, v)})
	}
	ticks := min(n, 6)
	for i := 0; i < ticks; i++ {
		j := 0
		if ticks > 1 {
			j = i * (n - 1) / (ticks - 1)
		}
		at := t.Points[j].At.In(loc)
		label := at.Format("15:04")
		if t.Step >= 24*time.Hour {
			label = at.Format("02/01")
		}
		c.XTicks = append(c.XTicks, ChartTick{X: x(j), Y: c.H - 8, Label: label})
	}
	return c
}

// chartLabel is the chart's accessible summary.
func chartLabel(ctx context.Context, c Chart, loc *time.Location) string {
	if c.Empty {
		return T(ctx, "report.timeline.empty")
	}
	return T(ctx, "report.timeline.aria", num(ctx, c.TotalSent), num(ctx, c.TotalDeliv), TimeText(EnvFrom(ctx).Lang, loc, c.From), TimeText(EnvFrom(ctx).Lang, loc, c.To), fmtDuration(ctx, c.Step))
}

func itoaInt(n int) string { return strconv.Itoa(n) }

func pctOf(n, of int64) float64 {
	if of <= 0 || n <= 0 {
		return 0
	}
	return float64(n) * 100 / float64(of)
}
