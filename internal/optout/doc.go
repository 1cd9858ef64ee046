// Package optout recognises opt-out replies: an inbound message that is
// nothing but one of the configured keywords (SAIR, PARAR, ...), whatever
// its case, accents, surrounding blanks and punctuation. A keyword inside a
// sentence ("quero sair da lista") is not an opt-out: the decision is
// conservative, because it silences a number for good.
//
// The package is pure: the keywords come from the caller (config holds the
// defaults and the settings key).
package optout
