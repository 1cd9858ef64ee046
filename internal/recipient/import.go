package recipient

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Recipient is one accepted row.
type Recipient struct {
	// Row is the 1-based row number in the file (text line or sheet row).
	Row int
	// Phone is the number in E.164 digits without '+', e.g. "5519997712322".
	Phone string
	// CorrelationID comes from the mapped correlationId column, trimmed.
	CorrelationID string
	// Fields are the other columns in file order (neither phone,
	// correlationId nor DDD column); Report.Columns names them.
	Fields []string
	// Suppressed is set when ImportOptions.Suppressed matched the number.
	// Suppressed recipients are imported (flagged), not rejected.
	Suppressed bool
	// Carrier is what the list's carrier check found ("" before one);
	// Import never sets it.
	Carrier string
}

// Sink receives accepted recipients in batches, in file order. Import calls
// AddRecipients from one goroutine at a time (not necessarily the caller's),
// overlapping it with parsing of the next batch. The batch slice and every
// Fields slice are reused after AddRecipients returns: copy what must be
// kept (the strings themselves are immutable and may be retained).
type Sink interface {
	AddRecipients(ctx context.Context, batch []Recipient) error
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(ctx context.Context, batch []Recipient) error

// AddRecipients calls f.
func (f SinkFunc) AddRecipients(ctx context.Context, batch []Recipient) error { return f(ctx, batch) }

// Discard is a Sink that drops everything (dry runs, benchmarks).
var Discard Sink = SinkFunc(func(context.Context, []Recipient) error { return nil })

// Mapping tells Import how to read a file; Preview.Mapping gives the detected
// one.
type Mapping struct {
	// Sheet of a workbook; "" means the first non-empty sheet.
	Sheet string
	// PhoneColumn is the 0-based index of the phone column.
	PhoneColumn int
	// CorrelationColumn is the index of a correlationId column, -1 for none.
	// A value equal to PhoneColumn also means none.
	CorrelationColumn int
	// AreaCodeColumn is the index of a separate DDD column, -1 for none (a
	// value equal to PhoneColumn also means none). Its value is only used
	// for phone cells that lack the DDD, and only when it is a real DDD.
	AreaCodeColumn int
	// HasHeader says the first table row names the columns.
	HasHeader bool
	// FirstRow is the 1-based row where the table starts (header or first
	// data row); rows above are ignored. 0 means the first non-blank row.
	FirstRow int
	// Delimiter of a text file; 0 detects it.
	Delimiter rune
	// Encoding of a text file ("utf-8", "windows-1252", "utf-16le", ...);
	// "" detects it.
	Encoding string
	// Region for numbers without a country code; "" means "BR".
	Region string
}

// Progress is reported while importing.
type Progress struct {
	Rows       int   `json:"rows"`
	Valid      int   `json:"valid"`
	Invalid    int   `json:"invalid"`
	Duplicates int   `json:"duplicates"`
	BytesRead  int64 `json:"bytes_read"`  // text files only
	TotalBytes int64 `json:"total_bytes"` // size of the file
	Done       bool  `json:"done"`
}

// RejectedRow is a row that was not imported, for the "download rejected
// rows" file.
type RejectedRow struct {
	Row    int      `json:"row"`
	Phone  string   `json:"phone"`  // the phone cell as written
	Reason Reason   `json:"reason"` // includes ReasonDuplicate
	Fields []string `json:"fields"` // the whole row as read (a copy)
}

// ImportOptions tunes Import. The zero value is ready to use.
type ImportOptions struct {
	// Progress, when set, is called at most every ProgressInterval (100 ms)
	// and once at the end with Done set, never per row.
	Progress func(Progress)
	// ProgressInterval overrides the 100 ms between Progress calls.
	ProgressInterval time.Duration
	// Suppressed, when set, flags numbers on the suppression list. It gets
	// the E.164 digits.
	Suppressed func(phone string) bool
	// MaxRejectedKept is how many rejected rows Report.Rejected keeps
	// (0 keeps none).
	MaxRejectedKept int
	// Rejected, when set, receives every rejected row (duplicates
	// included) as it is found; an error aborts the import.
	Rejected func(RejectedRow) error
	// Columns, when set, is called once with Report.Columns (the names of
	// Recipient.Fields) before the first batch reaches the sink.
	Columns func(columns []string) error
	// BatchSize is the number of recipients per Sink call (default 5000).
	BatchSize int
	// MaxRecordBytes bounds one CSV/TXT record (default 1 MB).
	MaxRecordBytes int
	// MaxUnzipBytes bounds a workbook's uncompressed size (default 1 GiB).
	MaxUnzipBytes int64
}

// Report sums up an import. Rows = Valid + Invalid + Duplicates; blank rows
// are counted apart. Landlines and TollFree repeat those entries of
// InvalidByReason; Suppressed counts valid rows that were flagged.
type Report struct {
	Rows            int            `json:"rows"`
	Valid           int            `json:"valid"`
	Invalid         int            `json:"invalid_total"`
	InvalidByReason map[Reason]int `json:"invalid"`
	Duplicates      int            `json:"duplicates"`
	Landlines       int            `json:"landlines"`
	TollFree        int            `json:"toll_free"`
	Suppressed      int            `json:"suppressed"`
	Ragged          int            `json:"ragged"`
	Blank           int            `json:"blank"`
	// Columns names Recipient.Fields, in order.
	Columns []string `json:"columns"`
	// PhoneColumn is the name of the phone column.
	PhoneColumn string `json:"phone_column"`
	// CorrelationColumn is the name of the correlationId column, if any.
	CorrelationColumn string `json:"correlation_column,omitempty"`
	// Rejected keeps the first MaxRejectedKept rejected rows.
	Rejected []RejectedRow `json:"rejected_sample,omitempty"`
}

// DefaultBatchSize is the number of recipients per Sink call.
const DefaultBatchSize = 5000

// maxCorrelationID is Wavy's limit for correlationId.
const maxCorrelationID = 64

// Import streams the file at path through phone normalisation and dedupe
// into sink, in batches, and reports what it did. Memory stays flat whatever
// the file size (the dedupe set grows with the unique numbers, ~16 bytes
// each). It stops at the first read, sink or callback error, or when ctx is
// done; rows already handed to the sink stay there (wrap the sink in a
// transaction to make the import all-or-nothing).
func Import(ctx context.Context, path string, m Mapping, sink Sink, opts ImportOptions) (Report, error) {
	region := canonicalRegion(m.Region)
	t, err := openTable(path, m.Encoding, m.Delimiter, m.Sheet, opts.MaxRecordBytes, opts.MaxUnzipBytes)
	if err != nil {
		return Report{}, err
	}
	defer t.close()
	sample, err := t.readSample(path, sampleSize)
	if err != nil {
		return Report{}, err
	}
	if len(sample) == 0 {
		return Report{}, wrapPath(path, ErrEmpty)
	}
	m.Delimiter = t.delimiter
	if m.PhoneColumn < 0 {
		return Report{}, wrapPath(path, fmt.Errorf("recipient: phone column %d: %w", m.PhoneColumn, ErrNoPhoneColumn))
	}
	if m.CorrelationColumn == m.PhoneColumn {
		m.CorrelationColumn = -1
	}
	if m.AreaCodeColumn == m.PhoneColumn || m.AreaCodeColumn == m.CorrelationColumn {
		m.AreaCodeColumn = -1
	}
	lay := computeLayout(sample, m, t.wb == nil)
	if m.PhoneColumn >= lay.natural {
		return Report{}, wrapPath(path, fmt.Errorf("recipient: phone column %d of %d: %w", m.PhoneColumn+1, lay.natural, ErrNoPhoneColumn))
	}

	imp := &importer{
		m: m, region: region, opts: opts, lay: lay,
		width: len(lay.names), text: t.wb == nil,
		// Detected UTF-8 may still meet Windows-1252 bytes after the
		// sniffed 64 KB; such fields are decoded one by one.
		fixLatin1: t.wb == nil && t.encoding == EncodingUTF8 && !t.bom,
		seen:      make(map[uint64]struct{}, 1024),
		rep:       Report{InvalidByReason: map[Reason]int{}, PhoneColumn: lay.names[m.PhoneColumn]},
	}
	if m.CorrelationColumn >= 0 {
		imp.rep.CorrelationColumn = lay.names[m.CorrelationColumn]
	}
	for i, name := range lay.names {
		if i != m.PhoneColumn && i != m.CorrelationColumn && i != m.AreaCodeColumn {
			imp.fieldIdx = append(imp.fieldIdx, i)
			imp.rep.Columns = append(imp.rep.Columns, name)
		}
	}
	if opts.Columns != nil {
		if err := opts.Columns(imp.rep.Columns); err != nil {
			return Report{}, fmt.Errorf("recipient: columns: %w", err)
		}
	}
	src, err := t.open(path)
	if err != nil {
		return Report{}, wrapPath(path, err)
	}
	defer src.close()
	imp.progress = Progress{TotalBytes: t.size}
	if err := imp.run(ctx, src, sink); err != nil {
		return imp.rep, wrapPath(path, err)
	}
	return imp.rep, nil
}

// importer holds the state of one Import.
type importer struct {
	m         Mapping
	region    string
	opts      ImportOptions
	lay       layout
	width     int
	fieldIdx  []int
	seen      map[uint64]struct{}
	rep       Report
	progress  Progress
	lastProg  time.Time
	text      bool // a CSV/TXT file, where the SFTP "EOF" line is skipped
	fixLatin1 bool // decode invalid UTF-8 fields as Windows-1252
}

// batch is a reusable buffer of recipients and the arena their Fields share.
type batch struct {
	recs  []Recipient
	arena []string
}

// run reads rows and hands full batches to a sink goroutine, so parsing the
// next batch overlaps with storing the previous one. Three buffers rotate.
func (imp *importer) run(ctx context.Context, src source, sink Sink) error {
	size := imp.opts.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	free := make(chan *batch, 3)
	for range 3 {
		free <- &batch{recs: make([]Recipient, 0, size), arena: make([]string, 0, size*len(imp.fieldIdx))}
	}
	work := make(chan *batch, 1)
	var (
		sinkErr  error
		sinkMu   sync.Mutex
		sinkDone = make(chan struct{})
	)
	go func() {
		defer close(sinkDone)
		for b := range work {
			sinkMu.Lock()
			failed := sinkErr != nil
			sinkMu.Unlock()
			if !failed {
				if err := sink.AddRecipients(ctx, b.recs); err != nil {
					sinkMu.Lock()
					sinkErr = fmt.Errorf("recipient: sink: %w", err)
					sinkMu.Unlock()
				}
			}
			b.recs, b.arena = b.recs[:0], b.arena[:0]
			free <- b
		}
	}()
	failed := func() error {
		sinkMu.Lock()
		defer sinkMu.Unlock()
		return sinkErr
	}
	cur := <-free
	err := imp.loop(ctx, src, func(r *Recipient, fields []string) error {
		start := len(cur.arena)
		for _, i := range imp.fieldIdx {
			cur.arena = append(cur.arena, imp.clean(cell(fields, i)))
		}
		r.Fields = cur.arena[start:len(cur.arena):len(cur.arena)]
		cur.recs = append(cur.recs, *r)
		if len(cur.recs) < size {
			return nil
		}
		if err := failed(); err != nil {
			return err
		}
		work <- cur
		cur = <-free
		return nil
	})
	if err == nil && len(cur.recs) > 0 {
		work <- cur
	}
	close(work)
	<-sinkDone
	if err == nil {
		err = sinkErr
	}
	if err == nil && imp.opts.Progress != nil {
		imp.progress.Done = true
		imp.report(src)
	}
	return err
}

// loop is the per-row hot path: normalise, classify, dedupe, emit.
func (imp *importer) loop(ctx context.Context, src source, emit func(*Recipient, []string) error) error {
	m, rep := imp.m, &imp.rep
	headerRow, firstRow := imp.lay.headerRow, imp.lay.firstRow
	text := imp.text
	for n := 1; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("recipient: import: %w", err)
			}
			if imp.opts.Progress != nil {
				imp.maybeReport(src)
			}
		}
		fields, row, err := src.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if row < firstRow || row == headerRow {
			continue
		}
		if blankRow(fields) {
			rep.Blank++
			continue
		}
		if text && eofMarker(fields) {
			continue
		}
		rep.Rows++
		// Sheets omit trailing empty cells, so only text rows can be short.
		if (text && len(fields) < imp.width) || (len(fields) > imp.width && !blankRow(fields[imp.width:])) {
			rep.Ragged++
		}
		raw := cell(fields, m.PhoneColumn)
		key, reason := normalize(raw, imp.region)
		if reason == ReasonNoAreaCode && m.AreaCodeColumn >= 0 {
			if ddd, ok := parseDDD(cell(fields, m.AreaCodeColumn)); ok {
				key, reason = normalize(ddd+trimPhone(raw), imp.region)
			}
		}
		corr := ""
		if reason == "" && m.CorrelationColumn >= 0 {
			corr = imp.clean(strings.TrimSpace(cell(fields, m.CorrelationColumn)))
			if len(corr) > maxCorrelationID {
				reason = ReasonCorrelationTooLong
			}
		}
		if reason != "" {
			rep.Invalid++
			rep.InvalidByReason[reason]++
			switch reason {
			case ReasonLandline:
				rep.Landlines++
			case ReasonTollFree:
				rep.TollFree++
			}
			if err := imp.reject(row, raw, reason, fields); err != nil {
				return err
			}
			continue
		}
		if _, dup := imp.seen[key]; dup {
			rep.Duplicates++
			if err := imp.reject(row, raw, ReasonDuplicate, fields); err != nil {
				return err
			}
			continue
		}
		imp.seen[key] = struct{}{}
		rep.Valid++
		r := Recipient{Row: row, Phone: strconv.FormatUint(key, 10), CorrelationID: corr}
		if imp.opts.Suppressed != nil && imp.opts.Suppressed(r.Phone) {
			r.Suppressed = true
			rep.Suppressed++
		}
		if err := emit(&r, fields); err != nil {
			return err
		}
	}
}

func (imp *importer) reject(row int, raw string, reason Reason, fields []string) error {
	keep := len(imp.rep.Rejected) < imp.opts.MaxRejectedKept
	if !keep && imp.opts.Rejected == nil {
		return nil
	}
	rr := RejectedRow{Row: row, Phone: raw, Reason: reason, Fields: append([]string(nil), fields...)}
	if keep {
		imp.rep.Rejected = append(imp.rep.Rejected, rr)
	}
	if imp.opts.Rejected != nil {
		if err := imp.opts.Rejected(rr); err != nil {
			return fmt.Errorf("recipient: rejected rows: %w", err)
		}
	}
	return nil
}

func (imp *importer) maybeReport(src source) {
	interval := imp.opts.ProgressInterval
	if interval <= 0 {
		interval = 100 * time.Millisecond
	}
	now := time.Now()
	if now.Sub(imp.lastProg) < interval {
		return
	}
	imp.lastProg = now
	imp.report(src)
}

func (imp *importer) report(src source) {
	p := &imp.progress
	p.Rows, p.Valid, p.Invalid, p.Duplicates = imp.rep.Rows, imp.rep.Valid, imp.rep.Invalid, imp.rep.Duplicates
	p.BytesRead = src.bytesRead()
	if p.Done && p.TotalBytes > 0 {
		p.BytesRead = p.TotalBytes
	}
	imp.opts.Progress(*p)
}

// clean repairs a field before it leaves the package: Windows-1252 bytes in
// a file detected as UTF-8 are decoded, and the unit separator the store
// joins fields with (FieldSeparator, 0x1F) becomes a space.
func (imp *importer) clean(v string) string {
	if imp.fixLatin1 && !utf8.ValidString(v) {
		v = latin1String(v)
	}
	if strings.IndexByte(v, 0x1f) >= 0 {
		v = strings.ReplaceAll(v, "\x1f", " ")
	}
	return v
}

// latin1String decodes a Windows-1252 string that reached us undecoded.
func latin1String(s string) string {
	out, err := decoderFor(EncodingWindows1252).String(s)
	if err != nil {
		return s
	}
	return out
}
