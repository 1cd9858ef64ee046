package sms

import (
	"strconv"
	"unicode/utf8"
)

// Unrepresentable replaces, in what a Sercomtel recipient receives, a
// character that has no look-alike in Wavy's table (an emoji, another
// script). The seeds say only that accents are replaced ("á para a, é para
// e, etc."); showing "?" is our reading of what cannot be replaced.
const Unrepresentable = '?'

// SercomtelDelivery is what a recipient on a carrier without accents and
// without concatenation (Sercomtel, seeds/000 "Acentos e caracteres
// especiais" and "Textos grandes") receives, and what it is billed.
type SercomtelDelivery struct {
	// Text is the message after the provider's substitution of accents.
	Text string
	// Parts are the SMS as the recipient receives them, in order: each at
	// most 160 characters, each ending with its order marker " (i/n)"
	// when there are several.
	Parts []string
	// Billed is how many SMS are billed: one per part.
	Billed int
}

// Sercomtel returns what a Sercomtel recipient receives for text. The
// provider replaces accents (the Wavy rule's look-alikes; anything still
// outside the table becomes Unrepresentable) and, as the carrier cannot
// concatenate, sends a long text as separate SMS of at most 160
// characters, each ending with an order marker, as in the seeds' example
// "Inicio do texto… (1/2)", "…fim do texto (2/2)". A text of at most 160
// characters is one SMS without marker. Parts are cut between characters,
// as the provider does not say it looks for spaces. The empty text is
// nothing, billed 0.
func Sercomtel(text string) SercomtelDelivery {
	t := asciiOnly(transliterateASCII(text))
	d := SercomtelDelivery{Text: t}
	switch {
	case t == "":
		return d
	case len(t) <= GSM7Single:
		d.Parts, d.Billed = []string{t}, 1
		return d
	}
	// The marker's width depends on the number of parts: guess it from
	// the smallest marker, then grow until the count is stable.
	n := 2
	for {
		parts := sercomtelParts(t, n)
		if len(parts) <= n {
			d.Parts, d.Billed = parts, len(parts)
			return d
		}
		n = len(parts)
	}
}

// sercomtelParts cuts t, which is ASCII, into SMS of at most 160
// characters each ending with " (i/n)", assuming n parts in all.
func sercomtelParts(t string, n int) []string {
	total := strconv.Itoa(n)
	var out []string
	for i := 1; len(t) > 0; i++ {
		marker := " (" + strconv.Itoa(i) + "/" + total + ")"
		room := GSM7Single - len(marker)
		take := min(room, len(t))
		// A CR LF pair stays in one part.
		if take < len(t) && take > 0 && t[take-1] == '\r' && t[take] == '\n' {
			take--
		}
		out = append(out, t[:take]+marker)
		t = t[take:]
	}
	return out
}

// asciiOnly replaces what is still outside Wavy's table after
// transliteration by Unrepresentable, one per grapheme cluster (an emoji
// with a skin tone is one "?").
func asciiOnly(t string) string {
	i := 0
	for i < len(t) && t[i] < utf8.RuneSelf && wavyASCII[t[i]] != 0 {
		i++
	}
	if i == len(t) {
		return t
	}
	buf := make([]byte, i, len(t))
	copy(buf, t[:i])
	for i < len(t) {
		if c := t[i]; c < utf8.RuneSelf && wavyASCII[c] != 0 {
			buf = append(buf, c)
			i++
			continue
		}
		buf = append(buf, Unrepresentable)
		i = clusterEnd(t, i)
	}
	return string(buf)
}
