package recipient

import "time"

// ListState is where a list is in its life: uploaded (waiting for the
// column mapping), importing, ready, or failed (with the reason; a failed
// list holds no recipients and can be deleted or imported again).
type ListState string

// The list states.
const (
	ListUploaded  ListState = "uploaded"
	ListImporting ListState = "importing"
	ListReady     ListState = "ready"
	ListFailed    ListState = "failed"
)

// List is a named set of recipients imported from one file.
type List struct {
	ID          int64
	Name        string
	FileName    string // as uploaded, for display
	FilePath    string // the stored upload, kept until the import succeeds
	FileSize    int64
	State       ListState
	Mapping     Mapping
	Columns     []string // personalisation fields, in Recipient.Fields order
	PhoneColumn string
	Report      Report
	ErrorCode   string // FileError code or "interrupted", when failed
	ErrorDetail string
	// Counters shown on list pages without loading the report.
	Rows, Valid, Invalid, Duplicates, Landlines, Suppressed, Inactive int
	CarriersCheckedAt                                                 time.Time
	CreatedBy                                                         int64
	// Kind is "upload" for a list imported from a file, "segment" for the
	// contacts of a segment frozen when a campaign was launched.
	Kind string
	// SegmentID is, for a segment audience not yet frozen (ID 0), the
	// segment whose contacts it stands for.
	SegmentID int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// FieldSeparator joins Recipient.Fields into one stored string. Import
// never produces it inside a value (it is a control character that
// spreadsheets do not keep).
const FieldSeparator = "\x1f"

// FileErrorByCode returns the FileError with that code, to explain a failed
// list stored with only its code.
func FileErrorByCode(code string) (*FileError, bool) {
	for _, e := range []*FileError{ErrEmpty, ErrNoRows, ErrBinary, ErrNotXLSX, ErrLegacyXLS, ErrZipBomb, ErrLineTooLong, ErrNoPhoneColumn, ErrNoSheet, ErrEncoding} {
		if e.Code == code {
			return e, true
		}
	}
	return nil, false
}
