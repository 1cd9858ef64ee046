package listimport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"arauto/internal/contact"
	"arauto/internal/recipient"
)

// Upload is a file received for a new list, already on disk.
type Upload struct {
	// Path is where the file was saved; it is removed when Upload fails.
	Path string
	// FileName is the name the file was sent with.
	FileName string
	// Size is the file's size in bytes.
	Size int64
	// Name names the list; "" names it after the file.
	Name string
	// CreatedBy is the user the list belongs to (0: none).
	CreatedBy int64
	// Region is the default phone region of the numbers (config).
	Region string
	// Start imports the list at once with the detected columns (or those
	// Columns names); otherwise the list waits for its column mapping.
	Start bool
	// Columns are the caller's choices over the detected ones.
	Columns Columns
}

// Columns are the columns a caller names instead of the detected ones.
// An empty string keeps what inspecting the file found.
type Columns struct {
	// PhoneColumn is the 0-based index of the phone column.
	PhoneColumn string
	// CorrelationColumn is the index of the correlationId column, "-1" for
	// none.
	CorrelationColumn string
	// HasHeader, when not nil, says whether the first row names columns.
	HasHeader *bool
}

// Upload fields named in a ColumnError.
const (
	FieldPhoneColumn       = "phone_column"
	FieldCorrelationColumn = "correlation_column"
)

// ColumnError names the chosen columns that the file does not have.
type ColumnError struct {
	// Fields are FieldPhoneColumn and/or FieldCorrelationColumn.
	Fields []string
	// Last is the highest column index the file has.
	Last int
}

func (e *ColumnError) Error() string {
	return fmt.Sprintf("listimport: no column %s in a file with %d", strings.Join(e.Fields, ", "), e.Last+1)
}

// ErrUnreadable wraps what made an upload unreadable (a recipient
// FileError; recipient.ErrorKey names it).
var ErrUnreadable = errors.New("listimport: the file cannot be read")

// Name limits of a list (the lists page's columns).
const (
	maxListName = 120
	maxFileName = 255
	// maxPreviewCell bounds each preview cell kept with the list (a record
	// may be up to 1 MB; the mapping step shows the start of it).
	maxPreviewCell = 200
)

// Upload inspects an uploaded file and stores it as a list with what the
// inspection found, in one store transaction: waiting for its column
// mapping, or (Start) importing, whose job then starts. A file that cannot
// be read (ErrUnreadable), names columns it lacks (*ColumnError) or that
// the store refuses leaves nothing behind, its file included.
func (j *Jobs) Upload(ctx context.Context, u Upload) (*recipient.List, error) {
	l, err := j.upload(ctx, u)
	if err != nil {
		os.Remove(u.Path)
		return nil, err
	}
	if l.State == recipient.ListImporting {
		j.Start(l)
	}
	return l, nil
}

func (j *Jobs) upload(ctx context.Context, u Upload) (*recipient.List, error) {
	preview, err := recipient.Inspect(u.Path, recipient.InspectOptions{Region: u.Region})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	m := preview.Mapping()
	state := recipient.ListUploaded
	if u.Start {
		if m, err = u.Columns.apply(m, preview); err != nil {
			return nil, err
		}
		state = recipient.ListImporting
	}
	name := strings.TrimSpace(u.Name)
	if name == "" {
		name = strings.TrimSuffix(u.FileName, filepath.Ext(u.FileName))
	}
	l := &recipient.List{Name: truncateRunes(name, maxListName), FileName: truncateRunes(u.FileName, maxFileName), FilePath: u.Path,
		FileSize: u.Size, State: state, Mapping: m, CreatedBy: u.CreatedBy}
	if err := j.store.CreateUploadedList(ctx, l, KeepPreview(preview)); err != nil {
		return nil, fmt.Errorf("listimport: store the upload %q: %w", u.FileName, err)
	}
	return l, nil
}

// Confirm starts the import of list l, waiting for its mapping, with the
// mapping m confirmed by user by: the legal basis its contacts are
// processed under and who imports them (the proof the contacts keep) are
// stored with the importing state in one store call, then its job starts.
func (j *Jobs) Confirm(ctx context.Context, l *recipient.List, m recipient.Mapping, basis contact.LegalBasis, by int64) error {
	if err := j.store.ConfirmListImport(ctx, l.ID, m, basis, by); err != nil {
		return fmt.Errorf("listimport: confirm list %d: %w", l.ID, err)
	}
	l.Mapping, l.State = m, recipient.ListImporting
	j.Start(l)
	return nil
}

// apply puts the chosen columns over the detected mapping m of preview.
func (c Columns) apply(m recipient.Mapping, preview recipient.Preview) (recipient.Mapping, error) {
	last := len(preview.Columns) - 1
	bad := &ColumnError{Last: last}
	column := func(field, v string, allowNone bool) (int, bool) {
		if v == "" {
			return 0, false
		}
		if allowNone && v == "-1" {
			return -1, true
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > last {
			bad.Fields = append(bad.Fields, field)
			return 0, false
		}
		return n, true
	}
	if n, ok := column(FieldPhoneColumn, c.PhoneColumn, false); ok {
		m.PhoneColumn = n
	}
	if n, ok := column(FieldCorrelationColumn, c.CorrelationColumn, true); ok {
		m.CorrelationColumn = n
	}
	if c.HasHeader != nil {
		m.HasHeader = *c.HasHeader
		if !m.HasHeader {
			m.FirstRow = preview.FirstRow
		}
	}
	if m.CorrelationColumn == m.PhoneColumn {
		m.CorrelationColumn = -1
	}
	if len(bad.Fields) > 0 {
		return m, bad
	}
	return m, nil
}

// KeepPreview is p with long cells cut, to be kept with its list.
func KeepPreview(p recipient.Preview) recipient.Preview {
	rows := make([][]string, len(p.Rows))
	for i, r := range p.Rows {
		rows[i] = make([]string, len(r))
		for j, v := range r {
			rows[i][j] = truncateRunes(v, maxPreviewCell)
		}
	}
	p.Rows = rows
	return p
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
