// Package message is the text of what Arauto sends: saved templates, their
// {{field}} placeholders filled from a recipient's personalisation fields,
// and what a message costs once rendered for every recipient of a list.
//
// # Placeholders
//
// A placeholder is "{{", a field name, "}}". Spaces around the name are
// ignored ({{ nome }} is {{nome}}) and names match a list's columns exactly
// first, then case-insensitively, so a spreadsheet header "Nome" answers to
// {{nome}}. A "{{" with no "}}" after it is a syntax error, as is an empty
// name; an unknown name is an *UnknownFieldsError that names it and lists
// the fields the list has. A recipient with fewer fields than the list has
// columns renders the missing ones as the empty string.
//
// Segments are always counted by package sms, the one authority: this
// package only renders the text that sms measures.
//
// # Plan and cost
//
// A Plan is how one message goes out to a list: compiled for its columns,
// counted under the billing rule in force, with the accents of field values
// replaced when the campaign asks. The composer, the pre-flight and the
// dispatcher all render and count through a Plan, so what is previewed,
// priced and sent are the same texts. Plan.Cost streams over every
// recipient, renders each message into one reused buffer and measures it
// without allocating, so a million recipients cost well under a second of
// CPU; recipients on Sercomtel are billed the separate SMS they receive.
// CostPreview is the same walk over recipients given by their fields.
//
// # WhatsApp
//
// WhatsApp is the message of a WhatsApp campaign: an approved template
// (header text with parameters, or a media header by URL with a title;
// body and footer) or free-form content for open sessions (text with its
// link preview, media by URL or uploaded as base64 within
// MaxWhatsAppMediaData, a location with name and address, contact cards
// with the seeds' vCard fields). Problems checks it against the API's
// rules and the list's columns; Preview renders it as a phone shows it.
// A MediaUpload is a file uploaded in the editor; MediaTypeOf says which
// kind of message takes a file type.
//
// The package is pure: no I/O, no web, no SQL. Functions that find a
// problem with user input return translation keys (as packages user and
// campaign do), so the web layer can say it in the reader's language.
package message
