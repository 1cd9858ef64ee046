// Package campaign is the campaign model: its states and the moves between
// them, what is still missing before it can be sent, and the rules for its
// name and alias (the short identifier registered with the Campaign API on
// apigw, which every message carries as campaignAlias).
//
// It is pure: no web, no SQL, no provider calls. Functions that find a
// problem with user input return a translation key (as package user does),
// so the web layer can say it in the user's language.
package campaign
