package views

import (
	"context"
	"strconv"

	"arauto/internal/billing"
	"arauto/internal/i18n"
	"arauto/internal/report"
)

// money writes a total in reais in the reader's language, rounded to the
// cent: "R$ 1.234,56".
func money(ctx context.Context, m billing.Money) string { return Money(EnvFrom(ctx).Lang, m) }

// price writes a price per message with up to four decimals: "R$ 0,045".
func price(ctx context.Context, m billing.Money) string {
	return i18n.FormatMoney(EnvFrom(ctx).Lang, m.Reais(), 4)
}

// Money writes a total in reais in lang, rounded to the cent, for pages
// and for files written outside a page (exports).
func Money(lang string, m billing.Money) string {
	return i18n.FormatMoney(lang, float64(m.Cents())/100, 2)
}

// samplePiece is a stretch of a sample message, marked when it forces the
// 70 table.
type samplePiece struct {
	text string
	mark bool
}

// samplePieces splits a sample at the characters its analysis highlights.
func samplePieces(s *ComposeSample) []samplePiece {
	var out []samplePiece
	last := 0
	for _, h := range s.Analysis.Highlights {
		if h.Start > last {
			out = append(out, samplePiece{text: s.Text[last:h.Start]})
		}
		out = append(out, samplePiece{text: s.Text[h.Start:h.End], mark: true})
		last = h.End
	}
	if last < len(s.Text) {
		out = append(out, samplePiece{text: s.Text[last:]})
	}
	return out
}

// shareText writes a share with its denominator: "66,7% de 6 enviadas".
func shareText(ctx context.Context, s report.Share) string {
	return T(ctx, "figures.share", fmtPct(ctx, s.Pct()), N(ctx, "figures.of."+s.Base, s.Of, num(ctx, s.Of)))
}

// funnelRow is one line of the report's funnel.
type funnelRow struct {
	Key   string // report.Stage*, or "noreceipt"
	N     int64
	Share report.Share // zero Of for the recipients
	Sub   bool         // a detail of the line above
}

// figureFunnel is the funnel of a campaign's figures, each line with its
// share over the base every page uses for it.
func figureFunnel(f report.Figures) []funnelRow {
	rows := []funnelRow{
		{Key: report.StageRecipients, N: f.Recipients},
		{Key: report.StageSubmitted, N: f.Submitted, Share: f.SubmittedShare()},
		{Key: report.StageSent, N: f.Sent, Share: f.SentShare()},
	}
	if f.NoReceipt > 0 {
		rows = append(rows, funnelRow{Key: "noreceipt", N: f.NoReceipt, Share: report.Share{N: f.NoReceipt, Of: f.Sent, Base: "sent"}, Sub: true})
	}
	rows = append(rows, funnelRow{Key: report.StageDelivered, N: f.Delivered, Share: f.DeliveredShare()})
	if f.Read > 0 {
		rows = append(rows, funnelRow{Key: report.StageRead, N: f.Read, Share: f.ReadShare()})
	}
	if f.HasClicks() {
		rows = append(rows, funnelRow{Key: report.StageClicked, N: f.Clicked, Share: f.ClickedShare()})
	}
	rows = append(rows,
		funnelRow{Key: report.StageFailed, N: f.Failed, Share: f.FailedShare()},
		funnelRow{Key: report.StageExpired, N: f.Expired, Share: f.ExpiredShare()},
		funnelRow{Key: report.StageSuppressed, N: f.Suppressed, Share: f.SuppressedShare()})
	return rows
}

// reasonLabel names why messages were not delivered: the provider code's
// words, or the refusal here.
func reasonLabel(ctx context.Context, r report.Reason) string {
	if r.Code != 0 {
		return statusLabel(ctx, r.Code)
	}
	return T(ctx, "figures.reason."+r.Kind)
}

// reasonMeaning explains a reason.
func reasonMeaning(ctx context.Context, r report.Reason) string {
	if r.Code != 0 {
		return failureMeaning(ctx, r.Failure)
	}
	if r.Kind == report.ReasonCapped {
		return T(ctx, "report.capped_rule", capText(ctx, r.Cap))
	}
	return T(ctx, "figures.reason."+r.Kind+"_hint")
}

// reasonFilter is the per-recipient table's filter that shows a reason's
// messages.
func reasonFilter(r report.Reason) string {
	switch {
	case r.Code != 0:
		return "?code=" + strconv.Itoa(r.Code)
	case r.Kind == report.ReasonSuppressed:
		return "?outcome=suppressed"
	case r.Kind == report.ReasonExpiredUnsent:
		return "?outcome=expired"
	case r.Kind == report.ReasonCapped:
		return "?outcome=capped"
	}
	return "?outcome=failed"
}

// reasonKey names a reason for data attributes: its code, or its kind.
func reasonKey(r report.Reason) string {
	if r.Code != 0 {
		return strconv.Itoa(r.Code)
	}
	return r.Kind
}

// stageLabel names a funnel line.
func stageLabel(ctx context.Context, key string) string {
	if key == "noreceipt" {
		return T(ctx, "report.noreceipt")
	}
	return T(ctx, "report.stage."+key)
}
