package batchfile

import (
	"errors"
	"fmt"
)

// Code is the stable identifier of a refusal. Never rename one, only add.
type Code string

// The refusal codes.
const (
	// CodeSemicolon: a value holds ";", the field separator.
	CodeSemicolon Code = "semicolon"
	// CodeLineBreak: a value holds a line break, the record separator.
	CodeLineBreak Code = "line_break"
	// CodePipe: a template parameter name holds "|", the name separator.
	CodePipe Code = "pipe"
	// CodeEmpty: a required value is blank.
	CodeEmpty Code = "empty"
	// CodeNotDigits: a phone number holds something other than digits.
	CodeNotDigits Code = "not_digits"
	// CodeTooLong: a value exceeds its limit (Detail says which).
	CodeTooLong Code = "too_long"
	// CodeBadUTF8: the bytes are not UTF-8 text.
	CodeBadUTF8 Code = "bad_utf8"
	// CodeHeader: a header line is not what the layout requires.
	CodeHeader Code = "header"
	// CodeFieldCount: a line has more or fewer fields than the layout.
	CodeFieldCount Code = "field_count"
	// CodeNoEOF: the SMS file does not end with the EOF line (cut short).
	CodeNoEOF Code = "no_eof"
	// CodeAfterEOF: there is content after the EOF line.
	CodeAfterEOF Code = "after_eof"
	// CodeNoRows: the file has no recipient row.
	CodeNoRows Code = "no_rows"
	// CodeLineTooLong: a line exceeds MaxLineBytes.
	CodeLineTooLong Code = "line_too_long"
	// CodeBadValue: a value is not one the layout allows (Detail says which).
	CodeBadValue Code = "bad_value"
	// CodeName: a file name does not follow <SUBCONTA>.<YYYYMMDD>.<SEQ>.txt.
	CodeName Code = "name"
)

// Codes lists every code, for the catalogue test of the web layer.
var Codes = []Code{CodeSemicolon, CodeLineBreak, CodePipe, CodeEmpty, CodeNotDigits, CodeTooLong,
	CodeBadUTF8, CodeHeader, CodeFieldCount, CodeNoEOF, CodeAfterEOF, CodeNoRows, CodeLineTooLong,
	CodeBadValue, CodeName}

// I18nKey is the translation key of the code ("sftp.problem.<code>"); see
// Problem.Message for its arguments.
func (c Code) I18nKey() string { return "sftp.problem." + string(c) }

// Problem is one refusal: which row, line and field, and why.
type Problem struct {
	Row    int    // 1-based recipient row; 0 for a header line
	Line   int    // 1-based line of the file; 0 when not written yet
	Field  string // column as the layout names it (numero, texto, ...)
	Code   Code
	Detail string // what exactly, in English (a limit, the allowed values)
}

// Error describes the problem in English for logs and stored reasons.
func (p *Problem) Error() string {
	where := ""
	switch {
	case p.Row > 0:
		where = fmt.Sprintf("row %d", p.Row)
	case p.Line > 0:
		where = fmt.Sprintf("line %d", p.Line)
	}
	if p.Field != "" {
		if where != "" {
			where += ", "
		}
		where += "field " + p.Field
	}
	msg := codeText[p.Code]
	if msg == "" {
		msg = string(p.Code)
	}
	if p.Detail != "" {
		msg += " (" + p.Detail + ")"
	}
	if where == "" {
		return "batchfile: " + msg
	}
	return "batchfile: " + where + ": " + msg
}

var codeText = map[Code]string{
	CodeSemicolon:   `contains ";", which separates fields in the file`,
	CodeLineBreak:   "contains a line break, which ends a record in the file",
	CodePipe:        `contains "|", which separates parameter names`,
	CodeEmpty:       "is empty",
	CodeNotDigits:   "must hold digits only (country code, area code and number)",
	CodeTooLong:     "is too long",
	CodeBadUTF8:     "is not valid UTF-8 text",
	CodeHeader:      "is not the header the layout requires",
	CodeFieldCount:  "has the wrong number of fields",
	CodeNoEOF:       "the file does not end with the EOF line (it was cut short)",
	CodeAfterEOF:    "there is content after the EOF line",
	CodeNoRows:      "the file has no recipient rows",
	CodeLineTooLong: "the line is too long",
	CodeBadValue:    "holds a value the layout does not allow",
	CodeName:        "the file name does not follow <SUBCONTA>.<YYYYMMDD>.<SEQUENCIA>.txt",
}

// AsProblem returns the *Problem inside err, if any.
func AsProblem(err error) (*Problem, bool) {
	var p *Problem
	ok := errors.As(err, &p)
	return p, ok
}

// Message renders the problem in the user's language with t, the
// translator (i18n.T bound to a language): field problems name the row
// (or line) and the field, line problems the line, file problems nothing.
func (p *Problem) Message(t func(key string, args ...any) string) string {
	n := p.Row
	if n == 0 {
		n = p.Line
	}
	switch p.Code {
	case CodeNoEOF, CodeNoRows, CodeName:
		return t(p.Code.I18nKey())
	case CodeHeader, CodeFieldCount, CodeLineTooLong, CodeAfterEOF:
		return t(p.Code.I18nKey(), n)
	}
	return t(p.Code.I18nKey(), n, p.Field)
}
