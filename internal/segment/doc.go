// Package segment is the saved filter over the contact book: its rules,
// how they combine, and their validation.
//
// Contract:
//   - A Filter is a list of Rules joined by Match (all: AND, any: OR); no
//     rule selects every contact. Each Rule tests one thing about a
//     contact: a field's value (equals, contains, one of), membership of a
//     list, the number's DDD or state, its carrier, the last delivery,
//     reply or click within N days, never messaged, opted out; Not turns
//     it around.
//   - Field values are compared folded (contact.Fold: no case, no accents);
//     Rule.Folded gives the values to compare with.
//   - Check judges a filter against what is Known (the fields contacts
//     have, the lists there are) and returns Problems naming the rule and
//     its input, as translation keys: a rule on a field no contact has says
//     so. A filter with problems is not saved nor counted.
//   - The SQL a filter compiles to lives in the store; this package knows
//     no SQL.
//   - "Clicked within" reads the contact's last click on a tracked link
//     (internal/clicks keeps it; previews of link bots are not clicks).
package segment
