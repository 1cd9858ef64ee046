package recipient

import (
	"errors"
	"fmt"
)

// FileError is the type of the sentinel errors below: a file the importer
// refuses. Code is a stable identifier; Key names its sentence in the i18n
// catalogue. Import and Inspect wrap these with %w, so test with errors.Is
// (or errors.As to get the Code).
type FileError struct {
	// Code is the stable machine-readable identifier, e.g. "empty_file".
	Code string
	en   string
}

// Error returns the English description prefixed with the package name,
// for logs.
func (e *FileError) Error() string { return "recipient: " + e.en }

// Key is the translation key of the error's sentence for people.
func (e *FileError) Key() string { return "recipient.file_error." + e.Code }

// The errors a refused file produces.
var (
	// ErrEmpty: the file has no bytes, or no non-blank row.
	ErrEmpty = &FileError{Code: "empty_file",
		en: "the file is empty"}
	// ErrNoRows: the file has a header but no data rows.
	ErrNoRows = &FileError{Code: "no_rows",
		en: "the file has a header but no data rows"}
	// ErrBinary: the file is not text (NUL bytes, control characters, or a
	// known binary format such as PDF or an image).
	ErrBinary = &FileError{Code: "binary_file",
		en: "the file is not a text, CSV or XLSX file"}
	// ErrNotXLSX: the file is named .xlsx, or looks like a zip, but is not a
	// readable Excel workbook.
	ErrNotXLSX = &FileError{Code: "not_xlsx",
		en: "the file is not a valid Excel (.xlsx) workbook"}
	// ErrLegacyXLS: an old binary Excel 97-2003 (.xls) or password-protected
	// workbook; the user must save it as .xlsx or .csv.
	ErrLegacyXLS = &FileError{Code: "legacy_xls",
		en: "old .xls or password-protected workbooks are not supported: save it as .xlsx or .csv"}
	// ErrZipBomb: the workbook would expand beyond the unzip limits.
	ErrZipBomb = &FileError{Code: "zip_bomb",
		en: "the workbook expands to more data than allowed"}
	// ErrLineTooLong: one record is longer than the per-record limit
	// (1 MB by default), e.g. a file without line breaks or an unclosed quote.
	ErrLineTooLong = &FileError{Code: "line_too_long",
		en: "a line of the file is too long (missing line breaks or an unclosed quote?)"}
	// ErrNoPhoneColumn: no column holds phone-like values, or the mapping
	// names a column the file does not have.
	ErrNoPhoneColumn = &FileError{Code: "no_phone_column",
		en: "no column with phone numbers was found"}
	// ErrNoSheet: the requested worksheet does not exist.
	ErrNoSheet = &FileError{Code: "no_sheet",
		en: "the worksheet does not exist"}
	// ErrEncoding: the mapping names an unsupported text encoding.
	ErrEncoding = &FileError{Code: "bad_encoding",
		en: "unsupported text encoding"}
)

// ErrorKey returns the translation key that explains an error returned by
// this package: the FileError's when err wraps one, otherwise a generic
// "could not read the file".
func ErrorKey(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Key()
	}
	return "recipient.file_error.unreadable"
}

// ErrorCode returns the FileError code wrapped in err, or "" when err is not
// a file error.
func ErrorCode(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Code
	}
	return ""
}

// lineError wraps ErrLineTooLong with the position where it happened.
func lineError(row int, limit int) error {
	if row == 0 {
		return fmt.Errorf("recipient: the first record exceeds %d bytes: %w", limit, ErrLineTooLong)
	}
	return fmt.Errorf("recipient: the record after line %d exceeds %d bytes: %w", row, limit, ErrLineTooLong)
}
