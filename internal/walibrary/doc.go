// Package walibrary is the library of approved WhatsApp templates: what a
// person copies once from the Facebook Business Manager (namespace, element
// name, language, header, body with its parameters, footer, buttons) so the
// composer can offer it by name instead of having namespaces typed by hand.
//
// Contract:
//   - A Template's status (approved, paused, rejected) is set by hand: the
//     seeds document no API that lists templates or their state, so nothing
//     here asks Wavy. Only approved templates are offered in the composer.
//   - Every {{n}} variable of the header text and of the body has a
//     parameter name, in order; Problems refuses a template whose names do
//     not match its variables. A name is a field of the recipient list, as
//     in the seeds' SFTP layout ("nome|empresa").
//   - Fill turns a template into the campaign message
//     (message.WhatsAppTemplateMsg) with each parameter written as the
//     list field of that name ({{nome}}); names the list does not have are
//     returned, so the composer can say which.
//   - Buttons are kept for the preview only: a send request carries no
//     button parameters (seeds 000), the approved template has them.
package walibrary
