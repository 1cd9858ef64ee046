package report

import (
	"sort"
	"strconv"
	"strings"
)

// Counter keys of link tracking (internal/clicks writes them).
const (
	// KeyClicked counts recipients who clicked a link at least once.
	KeyClicked = "r:clicked"
	// KeyClicks counts every click (a recipient may click many times).
	KeyClicks = "r:clicks"
	// KeyPreviews counts link previews: unfurlers and crawlers fetching a
	// link (by user agent, or within a second of the delivery), never
	// counted as clicks.
	KeyPreviews = "r:previews"
)

// SeriesClicked is the timeline's series of clicks.
const SeriesClicked = "clicked"

// StageClicked is the funnel's stage of recipients who clicked.
const StageClicked = "clicked"

// Series of the per-link counters.
const (
	LinkUnique   = "unique"
	LinkClicks   = "clicks"
	LinkPreviews = "previews"
)

const prefixLink = "link:"

// LinkKey is the counter of one tracked link's unique clicks, clicks or
// previews (Link*).
func LinkKey(link int, series string) string {
	return prefixLink + strconv.Itoa(link) + ":" + series
}

// LinkFigures are one tracked link's numbers.
type LinkFigures struct {
	// Index is the link's place in the message, from 0.
	Index int
	// Unique are recipients who clicked it; Clicks every click; Previews
	// the fetches of unfurlers, apart.
	Unique, Clicks, Previews int64
}

// ClickedShare is the recipients who clicked over the delivered messages.
func (f Figures) ClickedShare() Share {
	return Share{N: f.Clicked, Of: f.Delivered, Base: OfDelivered}
}

// Links reads the per-link counters, in the message's order.
func Links(counts map[string]int64) []LinkFigures {
	byIndex := map[int]*LinkFigures{}
	for k, n := range counts {
		if !strings.HasPrefix(k, prefixLink) {
			continue
		}
		rest := k[len(prefixLink):]
		i := strings.IndexByte(rest, ':')
		if i <= 0 {
			continue
		}
		idx, err := strconv.Atoi(rest[:i])
		if err != nil || idx < 0 {
			continue
		}
		l := byIndex[idx]
		if l == nil {
			l = &LinkFigures{Index: idx}
			byIndex[idx] = l
		}
		switch rest[i+1:] {
		case LinkUnique:
			l.Unique += n
		case LinkClicks:
			l.Clicks += n
		case LinkPreviews:
			l.Previews += n
		}
	}
	out := make([]LinkFigures, 0, len(byIndex))
	for _, l := range byIndex {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// HasClicks reports whether anyone clicked or previewed a tracked link:
// pages show the click figures then.
func (f Figures) HasClicks() bool { return f.Clicked > 0 || f.Previews > 0 }
