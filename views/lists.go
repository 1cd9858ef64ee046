package views

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"arauto/internal/listimport"
	"arauto/internal/recipient"
)

// ListData is what a list page shows.
type ListData struct {
	List       *recipient.List
	Progress   *recipient.Progress // while importing
	Recipients RecipientPageView
	Query      string
	Page       int
	PerPage    int
	// CheckingCarriers is set while a carrier lookup runs; CarriersChecked
	// counts the numbers done.
	CheckingCarriers bool
	CarriersChecked  int
}

// RecipientPageView is one page of recipients (store.RecipientPage's shape,
// repeated here because views must not import store).
type RecipientPageView = struct {
	Recipients []recipient.Recipient
	Inactive   []bool
	Carriers   []string
	Total      int
}

// Pages is how many pages the recipients table has.
func (d ListData) Pages() int {
	if d.PerPage == 0 {
		return 1
	}
	return max(1, (d.Recipients.Total+d.PerPage-1)/d.PerPage)
}

func (d ListData) pageURL(page int) string {
	u := fmt.Sprintf("/lists/%d?page=%d", d.List.ID, page)
	if d.Query != "" {
		u += "&q=" + urlQueryEscape(d.Query)
	}
	return u
}

// reasonCount is one line of the invalid-by-reason breakdown.
type reasonCount struct {
	Reason recipient.Reason
	Count  int
}

func reasonsOf(r recipient.Report) []reasonCount {
	var out []reasonCount
	for k, v := range r.InvalidByReason {
		out = append(out, reasonCount{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}

func reasonText(ctx context.Context, r recipient.Reason) string { return r.Message(EnvFrom(ctx).Lang) }

// listErrorText explains why a list failed, in the reader's language.
func listErrorText(ctx context.Context, l *recipient.List) string {
	if fe, ok := recipient.FileErrorByCode(l.ErrorCode); ok {
		return T(ctx, fe.Key())
	}
	if l.ErrorCode == "interrupted" {
		return T(ctx, "lists.failed.interrupted")
	}
	return T(ctx, "lists.failed.unknown")
}

// percent of part in whole, 0..100.
func percent(part, whole int64) int {
	if whole <= 0 {
		return 0
	}
	return int(min(100, part*100/whole))
}

// formatPhone shows E.164 digits readably: +55 19 99771-2322.
func formatPhone(d string) string {
	if len(d) == 13 && strings.HasPrefix(d, "55") {
		return "+55 " + d[2:4] + " " + d[4:9] + "-" + d[9:]
	}
	if len(d) == 12 && strings.HasPrefix(d, "55") {
		return "+55 " + d[2:4] + " " + d[4:8] + "-" + d[8:]
	}
	return "+" + d
}

func fieldAt(r recipient.Recipient, i int) string {
	if i < len(r.Fields) {
		return r.Fields[i]
	}
	return ""
}

func listStateLabel(ctx context.Context, s recipient.ListState) string {
	return T(ctx, "lists.state."+string(s))
}

func listStateBadge(s recipient.ListState) string {
	switch s {
	case recipient.ListReady:
		return "badge-ok"
	case recipient.ListFailed:
		return "badge-err"
	}
	return "badge"
}

func delimiterName(ctx context.Context, r rune) string {
	switch r {
	case ',':
		return T(ctx, "lists.delim.comma")
	case ';':
		return T(ctx, "lists.delim.semicolon")
	case '\t':
		return T(ctx, "lists.delim.tab")
	case '|':
		return T(ctx, "lists.delim.pipe")
	}
	return ""
}

// hasUploaded reports whether any list waits for its column mapping.
func hasUploaded(lists []*recipient.List) bool {
	for _, l := range lists {
		if l.State == recipient.ListUploaded {
			return true
		}
	}
	return false
}

// abandonedDays is how many days an upload may wait for its column
// mapping before it is deleted (listimport.AbandonedAfter).
func abandonedDays() int { return int(listimport.AbandonedAfter / (24 * time.Hour)) }
