// Package recipient turns the files marketers upload (CSV, TXT including the
// Wavy SFTP layout "numero;texto;correlationId;", and XLSX) into recipients:
// E.164 mobile numbers, deduplicated, with the other columns kept as fields
// for {{placeholders}}.
//
// The flow is Inspect, then Import:
//
//   - Inspect reads a bounded prefix of the file and returns a Preview: the
//     format; for text, the encoding (UTF-8 with or without BOM, UTF-16 with
//     BOM, or Windows-1252 when the first 64 KB are not valid UTF-8) and the
//     delimiter (';' ',' tab '|', by consistency of counts outside quotes);
//     for workbooks, the sheets and the first non-empty one; whether there is
//     a header (and title rows above it); normalised column names ("Nome
//     Completo" -> "nome_completo", repeats -> "nome_2", no header ->
//     "coluna_1"); the first rows; and the detected phone, correlationId and
//     separate-DDD columns. Preview.Mapping is the mapping to confirm.
//   - Import streams every row through NormalizePhone and a dedupe set into
//     a Sink the caller provides (the store implements it), in batches of
//     DefaultBatchSize, overlapping parsing with the sink. It returns a
//     Report whose JSON is the `arauto import --dry-run` contract.
//
// Memory stays flat however large the file: text is read with encoding/csv
// reusing its record; a workbook is read straight from its zip, streaming
// the one worksheet asked for row by row with encoding/xml, and no other
// entry (images, anything an attacker adds) is ever decompressed. Its
// shared strings are held in memory up to 8 MB of XML, beyond that in a
// temporary file with only their offsets in memory. The dedupe set grows
// with the unique numbers (about 16 bytes each). A CSV/TXT record may not
// exceed 1 MB, a worksheet row 8 MB of XML (ErrLineTooLong, raised after
// reading about that much, so a file without line breaks or with an
// unclosed quote fails fast). A workbook is refused as a decompression bomb
// (ErrZipBomb) when any entry, or the whole, expands more than 200 times
// (plus 1 MiB per entry, so tiny parts are not judged by their ratio), when
// it would unzip beyond 1 GiB, or when an entry inflates past the size the
// zip directory declares.
//
// Refused files come back as the *FileError sentinels (ErrEmpty, ErrNoRows,
// ErrBinary, ErrNotXLSX, ErrLegacyXLS, ErrZipBomb, ErrLineTooLong,
// ErrNoPhoneColumn, ErrNoSheet, ErrEncoding), wrapped with %w; test them with
// errors.Is and translate them with ErrorMessage or FileError.Message.
// Rejected rows carry a Reason, a stable code with Reason.Message in pt-BR and
// English.
//
// Phone policy (see NormalizePhone): only mobiles are accepted. Brazilian
// numbers take a fast path (digits, DDD list, 9 + 8 digits) that agrees with
// github.com/nyaruka/phonenumbers, which handles everything else. Excel's
// damage is repaired only when no digit was lost: numeric cells are read raw,
// "5,519997712322E+12" is expanded, "5,52E+12" is rejected as lost_digits.
//
// Workbook cells are read as stored, not as displayed: numbers keep every
// digit whatever their format, but dates in other columns arrive as Excel
// serial numbers.
//
// Rows are numbered as the marketer sees them: the line of a text file
// (fully empty lines are skipped by the reader and not counted as blank)
// and the row of a sheet.
//
// The package has no database or web code. RunDryRunCLI implements
// `arauto import --dry-run FILE`; the recipienttest package writes
// realistic files for tests and whole-system benchmarks.
package recipient
