// Package contact is the contact book: one Contact per mobile number,
// its fields merged from every import, where it came from, and the rights
// of the person behind it (LGPD).
//
// Contract:
//   - A contact is known by its number in E.164 digits. Each imported row
//     becomes a Record (Encoder): the row's non-empty fields as a JSON
//     object, the same folded (Fold: no case, no accents, one space) for
//     searching, and the folded name (NameField picks the column). Empty
//     cells never erase a known value; a value longer than MaxValueBytes is
//     cut (the list keeps the whole cell).
//   - Each Record also carries its Words (AppendWords: the folded values'
//     runs of letters and digits, two bytes or more, cut at MaxWordBytes, at
//     most MaxWordsPerContact): the store indexes the contact by them. A
//     search by words (ParseSearch) finds the contacts whose current fields
//     have every whole word of it and a word starting with its last,
//     unfinished one (Search.Match over AttrWords).
//   - Merging is the store's: the latest non-empty value of a field wins and
//     the value it replaced is kept as an AttrChange with its Source.
//   - A Source is the proof of where contacts came from: an import (list,
//     file, row, the user, the date and the LegalBasis declared) or an
//     opt-in reply. It outlives the list.
//   - Erased numbers are remembered only by Hash (HMAC-SHA256 under the
//     installation's pepper); Erased answers whether a number was erased,
//     at no cost while none was.
//   - Privacy runs the data subject's requests (privacy.go): Export gathers
//     everything known about a number, Erase removes it and keeps the hash;
//     both are recorded in an append-only audit log with who asked and when.
package contact
