package views

import "arauto/internal/report"

// reportLinkRow is one tracked link's row: its URL and figures.
type reportLinkRow struct {
	report.LinkFigures
	URL string
}

// reportLinkRows pairs every tracked link with its figures (zero when no
// one clicked it yet).
func reportLinkRows(d ReportData) []reportLinkRow {
	byIndex := map[int]report.LinkFigures{}
	for _, l := range d.Report.Links {
		byIndex[l.Index] = l
	}
	out := make([]reportLinkRow, 0, len(d.LinkURLs))
	for i, u := range d.LinkURLs {
		f := byIndex[i]
		f.Index = i
		out = append(out, reportLinkRow{LinkFigures: f, URL: u})
		delete(byIndex, i)
	}
	for _, l := range d.Report.Links {
		if _, left := byIndex[l.Index]; left {
			out = append(out, reportLinkRow{LinkFigures: l, URL: "#" + itoa(int64(l.Index+1))})
		}
	}
	return out
}

// clickPoints are the timeline's points with clicks, at most the last 24,
// and the largest count (the bars' scale).
func clickPoints(t report.Timeline) ([]report.Point, int64) {
	var out []report.Point
	var most int64
	for _, p := range t.Points {
		if p.Clicked > 0 {
			out = append(out, p)
			most = max(most, p.Clicked)
		}
	}
	if len(out) > 24 {
		out = out[len(out)-24:]
	}
	return out, most
}
