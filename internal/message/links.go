package message

import (
	"net/url"
	"regexp"
	"strings"
)

// Link tracking (internal/clicks) replaces a message's http(s) links by
// short per-recipient links of one fixed length, so the text is counted,
// priced and limited to 1280 characters with the short links in it.

// Link is an http(s) link of a message body that is tracked.
type Link struct {
	// URL is the link as written.
	URL string
	// Start and End are byte offsets: body[Start:End] is URL.
	Start, End int
}

// Reasons a link-looking token is left as written.
const (
	// UntrackedScheme: not http or https (ftp://, www. without a scheme).
	UntrackedScheme = "scheme"
	// UntrackedField: the link has a {{field}} in it, so it differs per
	// recipient.
	UntrackedField = "field"
	// UntrackedTooMany: past the MaxTrackedLinks first links.
	UntrackedTooMany = "too_many"
)

// Untracked is a link-looking token left as written, and why.
type Untracked struct {
	Text   string
	Reason string
}

// MaxTrackedLinks is how many links of one message are tracked (the
// short link's code has room for 16).
const MaxTrackedLinks = 16

var tokenRE = regexp.MustCompile(`\S+`)

// trailing are characters that end a sentence rather than a link.
const trailing = `.,;:!?)]"'»”’>`

// FindLinks returns the body's http(s) links to track, in order, and the
// link-looking tokens left as written: other schemes (ftp://, mailto:),
// addresses without a scheme (www.loja.com), links with a placeholder in
// them, and links past MaxTrackedLinks.
func FindLinks(body string) (links []Link, untracked []Untracked) {
	for _, span := range tokenRE.FindAllStringIndex(body, -1) {
		start, end := span[0], span[1]
		tok := body[start:end]
		// Trim what opens or closes a sentence around the link.
		for len(tok) > 0 && strings.ContainsRune(`("'«“‘<[`, rune(tok[0])) {
			tok, start = tok[1:], start+1
		}
		for len(tok) > 0 && strings.ContainsRune(trailing, lastRune(tok)) {
			r := lastRune(tok)
			n := len(string(r))
			tok, end = tok[:len(tok)-n], end-n
		}
		lower := strings.ToLower(tok)
		scheme := strings.Index(lower, "://")
		switch {
		case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
			if strings.Contains(tok, Open) || strings.Contains(tok, Close) {
				untracked = append(untracked, Untracked{Text: tok, Reason: UntrackedField})
				continue
			}
			u, err := url.Parse(tok)
			if err != nil || u.Host == "" {
				untracked = append(untracked, Untracked{Text: tok, Reason: UntrackedScheme})
				continue
			}
			if len(links) >= MaxTrackedLinks {
				untracked = append(untracked, Untracked{Text: tok, Reason: UntrackedTooMany})
				continue
			}
			links = append(links, Link{URL: tok, Start: start, End: end})
		case scheme > 0 && scheme < 20, strings.HasPrefix(lower, "www."), strings.HasPrefix(lower, "mailto:"):
			untracked = append(untracked, Untracked{Text: tok, Reason: UntrackedScheme})
		}
	}
	return links, untracked
}

func lastRune(s string) rune {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < 0x80 || s[i] >= 0xC0 {
			r := []rune(s[i:])
			return r[0]
		}
	}
	return 0
}

// Shortener says how tracked links look once shortened: Prefix (the
// console's public URL and "/r/") followed by a code of CodeLen
// characters.
type Shortener struct {
	Prefix  string
	CodeLen int
}

// Sample is a short link as long as every real one, made of characters
// billed like the codes' (base64url: GSM-7 and printable ASCII), for
// counting before the codes exist.
func (s Shortener) Sample() string { return s.Prefix + strings.Repeat("A", s.CodeLen) }

// Shorten returns body with its tracked links replaced by Sample: the text
// the counter, the phone preview and the 1280 limit see.
func (s Shortener) Shorten(body string) string {
	links, _ := FindLinks(body)
	if len(links) == 0 {
		return body
	}
	var b strings.Builder
	last := 0
	for _, l := range links {
		b.WriteString(body[last:l.Start])
		b.WriteString(s.Sample())
		last = l.End
	}
	b.WriteString(body[last:])
	return b.String()
}

// linkField is the name a tracked link takes in a compiled body: a
// placeholder no one can type (a NUL byte) numbered by the link's index.
func linkField(i int) string { return "\x00link" + itoa(i) }

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return string(rune('0'+i/10)) + string(rune('0'+i%10))
}

// trackedBody replaces each link by its placeholder and returns the
// columns extended by the links' names.
func trackedBody(body string, links []Link, columns []string) (string, []string) {
	var b strings.Builder
	last := 0
	cols := append([]string(nil), columns...)
	for i, l := range links {
		b.WriteString(body[last:l.Start])
		b.WriteString(Open + linkField(i) + Close)
		last = l.End
		cols = append(cols, linkField(i))
	}
	b.WriteString(body[last:])
	return b.String(), cols
}
