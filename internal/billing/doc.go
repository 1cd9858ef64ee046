// Package billing holds what an organisation's messages cost and how they
// are counted: the billing rule (Wavy's table, the default, or GSM 03.38),
// whether Wavy's support enabled accents on the account, and the prices
// per billed SMS segment and per WhatsApp message, in reais.
//
// Settings come from the saved settings (keys Setting*), which an admin
// edits on the Settings page; Load never fails: a value that cannot be read
// falls back to its default, so sending never stops over a price.
//
// Money is counted in ten-thousandths of a real (a price per SMS is often
// a fraction of a cent, R$ 0,045); totals are shown rounded to the cent.
// ParsePrice reads a price as people type it in Brazil or elsewhere
// ("0,045", "R$ 1.234,56", "0.05") and says what is wrong with one that is
// not, as a translation key.
//
// The package is pure: no I/O.
package billing
