package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"arauto/internal/contact"
	"arauto/internal/segment"
)

// SetListConsent records, before a list is imported, the legal basis its
// contacts are processed under and who imports it.
func (s *Store) SetListConsent(ctx context.Context, listID int64, basis contact.LegalBasis, userID int64) error {
	res, err := s.w.ExecContext(ctx, "UPDATE lists SET legal_basis = ?, imported_by = ? WHERE id = ?", string(basis), userID, listID)
	if err != nil {
		return fmt.Errorf("store: consent of list %d: %w", listID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: consent of list %d: %w", listID, ErrNotFound)
	}
	return nil
}

// StartContactImport returns the contact source of a list's import: the
// record of the file, the legal basis and the user, made on the first
// attempt and reused when an interrupted import starts again. The list's
// columns become known contact fields.
func (s *Store) StartContactImport(ctx context.Context, listID int64, columns []string) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT id FROM contact_sources WHERE list_id = ? AND kind = 'import' ORDER BY id DESC LIMIT 1", listID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			res, ierr := insertRow(ctx, tx, `INSERT INTO contact_sources (kind, basis, list_id, list_name, file_name, user_id, user_email, created_at)
				SELECT 'import', CASE WHEN l.legal_basis = '' THEN 'consent' ELSE l.legal_basis END, l.id, l.name, l.file_name,
					coalesce(u.id, 0), coalesce(u.email, ''), ?
				FROM lists l LEFT JOIN users u ON u.id = CASE WHEN l.imported_by <> 0 THEN l.imported_by ELSE l.created_by END
				WHERE l.id = ?`, toMS(time.Now()), listID)
			if ierr != nil {
				return ierr
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
			id, _ = res.LastInsertId()
		} else if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, "INSERT INTO contact_fields (name, first_seen) VALUES (?, ?) ON CONFLICT DO NOTHING")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range columns {
			if _, err := stmt.ExecContext(ctx, c, toMS(time.Now())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: start contact import of list %d: %w", listID, err)
	}
	return id, nil
}

// contactsPerStatement is how many contacts one INSERT carries: fewer
// round trips through database/sql, well under SQLite's 32766 variables.
const contactsPerStatement = 400

// UpsertContacts creates or updates the contacts of a chunk of imported
// rows in one transaction: fields merge (a non-empty value replaces the
// old one, which the history keeps), the source is added to the contact's
// sources and becomes its consent. The chunk is written in number order,
// so each page of the table is touched once per chunk; recs is sorted in
// place. Numbers appear at most once per chunk. The contacts' words go
// into the word index in the same transaction, one block per word.
func (s *Store) UpsertContacts(ctx context.Context, sourceID int64, recs []contact.Record) error {
	if len(recs) == 0 {
		return nil
	}
	slices.SortFunc(recs, func(a, b contact.Record) int {
		switch {
		case a.Phone < b.Phone:
			return -1
		case a.Phone > b.Phone:
			return 1
		}
		return 0
	})
	total := len(recs)
	now := toMS(time.Now())
	src := "," + strconv.FormatInt(sourceID, 10) + ","
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmts := map[int]*sql.Stmt{}
		defer func() {
			for _, st := range stmts {
				st.Close()
			}
		}()
		args := make([]any, 0, contactsPerStatement*6)
		var words []contactWord
		for len(recs) > 0 {
			n := min(len(recs), contactsPerStatement)
			stmt := stmts[n]
			if stmt == nil {
				var err error
				if stmt, err = tx.PrepareContext(ctx, upsertContactsSQL(n, src, sourceID)); err != nil {
					return err
				}
				stmts[n] = stmt
			}
			args = args[:0]
			for _, r := range recs[:n] {
				args = append(args, r.Phone, r.Attrs, r.Fold, r.NameKey, r.Row, now)
			}
			// The statement returns each contact's id, for its words.
			rows, err := stmt.QueryContext(ctx, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var phone, id int64
				if err := rows.Scan(&phone, &id); err != nil {
					rows.Close()
					return err
				}
				if i, ok := slices.BinarySearchFunc(recs[:n], phone, func(r contact.Record, p int64) int { return cmp.Compare(r.Phone, p) }); ok {
					for _, w := range recs[i].Words {
						words = append(words, contactWord{w, id})
					}
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			recs = recs[n:]
		}
		return writeContactWords(ctx, tx, words)
	})
	if err != nil {
		return fmt.Errorf("store: upsert %d contacts: %w", total, err)
	}
	return nil
}

// upsertContactsSQL is the statement for n contacts of one source.
func upsertContactsSQL(n int, src string, sourceID int64) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO contacts (phone, attrs, fold, name_key, consent_row, created_at, updated_at, sources, consent_source) VALUES `)
	tail := ", '" + src + "', " + strconv.FormatInt(sourceID, 10) + ")"
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?, ?, jsonb(?), ?, ?, ?, ?6")
		b.WriteString(tail)
	}
	b.WriteString(` ON CONFLICT (phone) DO UPDATE SET
		attrs = json_patch(contacts.attrs, excluded.attrs),
		fold = jsonb_patch(contacts.fold, excluded.fold),
		name_key = CASE WHEN excluded.name_key <> '' THEN excluded.name_key ELSE contacts.name_key END,
		sources = CASE WHEN instr(contacts.sources, excluded.sources) > 0 THEN contacts.sources ELSE contacts.sources || substr(excluded.sources, 2) END,
		consent_source = excluded.consent_source,
		consent_row = excluded.consent_row,
		updated_at = excluded.updated_at
		RETURNING phone, id`)
	return b.String()
}

const contactColumns = `c.id, c.phone, c.attrs, c.sources, c.consent_source, c.consent_row, c.carrier, c.last_sent_at, c.last_delivered_at,
	c.last_replied_at, c.last_clicked_at, c.created_at, c.updated_at, CAST(c.phone AS TEXT) IN (SELECT phone FROM suppressions)`

func scanContact(row interface{ Scan(...any) error }) (contact.Contact, int64, error) {
	var c contact.Contact
	var id, phone, sent, deliv, replied, clicked, created, updated int64
	var attrs, sources string
	if err := row.Scan(&id, &phone, &attrs, &sources, &c.Consent, &c.ConsentRow, &c.Carrier, &sent, &deliv, &replied, &clicked,
		&created, &updated, &c.OptedOut); err != nil {
		return c, 0, err
	}
	c.Phone = strconv.FormatInt(phone, 10)
	if err := json.Unmarshal([]byte(attrs), &c.Attrs); err != nil {
		return c, 0, fmt.Errorf("contact %s fields: %w", c.Phone, err)
	}
	for _, s := range strings.Split(strings.Trim(sources, ","), ",") {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			c.Sources = append(c.Sources, v)
		}
	}
	c.LastSent, c.LastDelivered, c.LastReplied, c.LastClicked = fromMS(sent), fromMS(deliv), fromMS(replied), fromMS(clicked)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return c, id, nil
}

// Contact returns the contact of a number (E.164 digits) or ErrNotFound.
func (s *Store) Contact(ctx context.Context, phone string) (*contact.Contact, error) {
	p, err := strconv.ParseInt(digits(phone), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("store: contact %q: %w", phone, ErrNotFound)
	}
	c, _, err := scanContact(s.r.QueryRowContext(ctx, "SELECT "+contactColumns+" FROM contacts c WHERE c.phone = ?", p))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: contact %s: %w", phone, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: contact %s: %w", phone, err)
	}
	return &c, nil
}

// ContactQuery selects and pages the contact book.
type ContactQuery struct {
	// Search is a number (digits typed any way: its start) or words of the
	// contacts' fields, name or any other (contact.ParseSearch).
	Search string
	// Filter narrows the book like a segment; nil keeps everyone.
	Filter *segment.Filter
	// After is the previous page's Next; "" starts at the beginning.
	After string
	// Limit is the page size; default 50, at most 200.
	Limit int
	// Now is the instant the filter's "within N days" count from.
	Now time.Time
}

// ContactPage is one page of contacts.
type ContactPage struct {
	Items []contact.Contact
	// Next is the cursor of the following page; "" when this is the last.
	Next string
}

// ValidContactCursor tells whether s has the form of a ContactPage's Next:
// a number, or "w", a contact id, "." and a word of the index.
func ValidContactCursor(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	if rest, ok := strings.CutPrefix(s, "w"); ok {
		id, word, ok := strings.Cut(rest, ".")
		return ok && id != "" && strings.Trim(id, "0123456789") == "" && word != "" && utf8.ValidString(word)
	}
	return strings.Trim(s, "0123456789") == ""
}

// NumberRanges turns the start of a number as typed into the ranges of
// E.164 numbers it begins: a leading + or 55 with ten digits or more is
// read as international, anything else as a Brazilian number without the
// country code. Each range is [lo, hi); they ascend and do not overlap.
func NumberRanges(typed string) [][2]int64 {
	d := digits(typed)
	if d == "" || len(d) > 15 {
		return nil
	}
	if !strings.Contains(typed, "+") && !(strings.HasPrefix(d, "55") && len(d) >= 10) {
		d = "55" + d
	}
	p, err := strconv.ParseInt(d, 10, 64)
	if err != nil {
		return nil
	}
	var out [][2]int64
	scale := int64(1)
	for n := len(d); n <= 15; n++ {
		if n >= 8 {
			out = append(out, [2]int64{p * scale, (p + 1) * scale})
		}
		if n < 15 {
			scale *= 10
		}
	}
	return out
}

// Contacts lists the contact book a page at a time: by number (keyset on
// the number's index), or, searching words, through the word index.
func (s *Store) Contacts(ctx context.Context, q ContactQuery) (ContactPage, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 200)
	where, args := "true", []any(nil)
	if q.Filter != nil {
		where, args = segmentWhere(*q.Filter, q.Now)
	}
	term := strings.TrimSpace(q.Search)
	var page ContactPage
	var err error
	switch {
	case term == "":
		page, err = s.contactsByNumber(ctx, where, args, [][2]int64{{0, 1 << 62}}, q)
	case phoneSearch(term) != "" || digits(term) == strings.TrimSpace(strings.TrimPrefix(term, "+")):
		page, err = s.contactsByNumber(ctx, where, args, NumberRanges(term), q)
	default:
		page, err = s.contactsByWords(ctx, where, args, term, q)
	}
	if err != nil {
		return ContactPage{}, fmt.Errorf("store: contacts: %w", err)
	}
	return page, nil
}

// contactsByNumber walks the number ranges in order from the cursor,
// filling the page.
func (s *Store) contactsByNumber(ctx context.Context, where string, args []any, ranges [][2]int64, q ContactQuery) (ContactPage, error) {
	var page ContactPage
	after, _ := strconv.ParseInt(q.After, 10, 64)
	want := q.Limit + 1
	for _, r := range ranges {
		if r[1] <= after {
			continue
		}
		lo := max(r[0], after+1)
		rows, err := s.r.QueryContext(ctx, "SELECT "+contactColumns+" FROM contacts c WHERE c.phone >= ? AND c.phone < ? AND "+where+
			" ORDER BY c.phone LIMIT ?", append(append([]any{lo, r[1]}, args...), want-len(page.Items))...)
		if err != nil {
			return page, err
		}
		for rows.Next() {
			c, _, err := scanContact(rows)
			if err != nil {
				rows.Close()
				return page, err
			}
			page.Items = append(page.Items, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return page, err
		}
		if len(page.Items) >= want {
			break
		}
	}
	if len(page.Items) > q.Limit {
		page.Items = page.Items[:q.Limit]
		page.Next = page.Items[q.Limit-1].Phone
	}
	return page, nil
}

// searchBatch is how many contacts a search reads at a time while it
// fills a page.
const searchBatch = 200

// wordTerm is one term of a search as a condition on contact_words.
type wordTerm struct {
	cond   string
	args   []any
	prefix bool
}

// searchTerms returns the search's terms, the one with the fewest contacts
// in the index first: the page is walked along it, the others narrow it.
func (s *Store) searchTerms(ctx context.Context, search contact.Search) ([]wordTerm, error) {
	var terms []wordTerm
	for _, w := range search.Whole {
		terms = append(terms, wordTerm{"word = ?", []any{w}, false})
	}
	if search.Prefix != "" {
		terms = append(terms, wordTerm{"word >= ? AND word < ?", []any{search.Prefix, search.Prefix + "\U0010FFFF"}, true})
	}
	if len(terms) < 2 {
		return terms, nil
	}
	sizes := make([]int64, len(terms))
	for i, t := range terms {
		if err := s.r.QueryRowContext(ctx, "SELECT coalesce(sum(n), 0) FROM contact_words WHERE "+t.cond, t.args...).Scan(&sizes[i]); err != nil {
			return nil, err
		}
	}
	best := 0
	for i := range terms {
		if sizes[i] < sizes[best] {
			best = i
		}
	}
	terms[0], terms[best] = terms[best], terms[0]
	return terms, nil
}

// wordIDs returns the ids of the contacts a condition on contact_words
// reads, ascending, each once.
func (s *Store) wordIDs(ctx context.Context, cond string, args []any) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT ids FROM contact_words WHERE "+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		if ids, err = decodeIDs(ids, raw); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// contactsByWords walks the word index along the search's rarest term,
// word by word and by contact id within a word, keeping the contacts the
// other terms also name and whose current fields have every word of the
// search (a word a later import replaced stays in the index until the
// contact is erased). The cursor is the last contact's word and id.
func (s *Store) contactsByWords(ctx context.Context, where string, args []any, typed string, q ContactQuery) (ContactPage, error) {
	var page ContactPage
	search, ok := contact.ParseSearch(typed)
	if !ok {
		return page, nil
	}
	terms, err := s.searchTerms(ctx, search)
	if err != nil {
		return page, err
	}
	var others [][]int64
	for _, t := range terms[1:] {
		ids, err := s.wordIDs(ctx, t.cond, t.args)
		if err != nil {
			return page, err
		}
		others = append(others, ids)
	}
	drive := terms[0]
	afterWord, afterID := "", int64(0)
	if rest, ok := strings.CutPrefix(q.After, "w"); ok {
		id, word, _ := strings.Cut(rest, ".")
		afterID, _ = strconv.ParseInt(id, 10, 64)
		afterWord = word
	}
	var keys []string
	word, first := afterWord, afterWord != ""
	for len(page.Items) <= q.Limit {
		// The next word of the term, from the cursor's.
		op := ">"
		if first {
			op = ">="
		}
		err := s.r.QueryRowContext(ctx, "SELECT word FROM contact_words WHERE "+drive.cond+" AND word "+op+" ? ORDER BY word LIMIT 1",
			append(slices.Clip(drive.args), word)...).Scan(&word)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return page, err
		}
		ids, err := s.wordIDs(ctx, "word = ?", []any{word})
		if err != nil {
			return page, err
		}
		if first && word == afterWord {
			i, _ := slices.BinarySearch(ids, afterID+1)
			ids = ids[i:]
		}
		first = false
		// The contacts every other term names: the lists are ascending, so
		// each is walked once, and only as far as the page needs.
		pos := make([]int, len(others))
		inAll := func(id int64) bool {
			for k, o := range others {
				for pos[k] < len(o) && o[pos[k]] < id {
					pos[k]++
				}
				if pos[k] == len(o) || o[pos[k]] != id {
					return false
				}
			}
			return true
		}
		batch := make([]int64, 0, searchBatch)
		for len(ids) > 0 && len(page.Items) <= q.Limit {
			batch = batch[:0]
			for len(ids) > 0 && len(batch) < searchBatch {
				if inAll(ids[0]) {
					batch = append(batch, ids[0])
				}
				ids = ids[1:]
			}
			if len(batch) == 0 {
				break
			}
			found, err := s.contactsByID(ctx, batch, where, args)
			if err != nil {
				return page, err
			}
			for _, f := range found {
				words := contact.AttrWords(f.c.Attrs)
				if !search.Match(words) || (drive.prefix && contact.FirstWithPrefix(words, search.Prefix) != word) {
					continue
				}
				page.Items, keys = append(page.Items, f.c), append(keys, "w"+strconv.FormatInt(f.id, 10)+"."+word)
			}
		}
		if !drive.prefix {
			break // a whole word is one word
		}
	}
	if len(page.Items) > q.Limit {
		page.Items = page.Items[:q.Limit]
		page.Next = keys[q.Limit-1]
	}
	return page, nil
}

// foundContact is a contact and its row id.
type foundContact struct {
	c  contact.Contact
	id int64
}

// contactsByID returns the contacts with the given ids (ascending) that
// the condition keeps, in id order.
func (s *Store) contactsByID(ctx context.Context, ids []int64, where string, args []any) ([]foundContact, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+contactColumns+" FROM contacts c WHERE c.id IN ("+placeholders(len(ids))+") AND "+where+" ORDER BY c.id",
		append(anySlice(ids), args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []foundContact
	for rows.Next() {
		c, id, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, foundContact{c, id})
	}
	return out, rows.Err()
}

// CountContacts counts the contact book, or the part a filter selects.
func (s *Store) CountContacts(ctx context.Context, f *segment.Filter, now time.Time) (int64, error) {
	if f == nil {
		f = &segment.Filter{}
	}
	return s.CountSegment(ctx, *f, now)
}

// ContactSources returns the sources with the given ids.
func (s *Store) ContactSources(ctx context.Context, ids []int64) ([]contact.Source, error) {
	var out []contact.Source
	err := inChunks(ids, func(args []any) error {
		rows, err := s.r.QueryContext(ctx, `SELECT id, kind, basis, list_id, list_name, file_name, user_id, user_email, keyword, created_at
			FROM contact_sources WHERE id IN (`+placeholders(len(args))+`) ORDER BY id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var src contact.Source
			var kind, basis string
			var at int64
			if err := rows.Scan(&src.ID, &kind, &basis, &src.ListID, &src.ListName, &src.FileName, &src.UserID, &src.UserEmail, &src.Keyword, &at); err != nil {
				return err
			}
			src.Kind, src.Basis, src.CreatedAt = contact.SourceKind(kind), contact.LegalBasis(basis), fromMS(at)
			out = append(out, src)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: contact sources: %w", err)
	}
	return out, nil
}

// AttrHistory returns the values later imports replaced on a contact,
// newest first.
func (s *Store) AttrHistory(ctx context.Context, phone string) ([]contact.AttrChange, error) {
	p, _ := strconv.ParseInt(digits(phone), 10, 64)
	rows, err := s.r.QueryContext(ctx, "SELECT field, old_value, source_id, replaced_at FROM contact_attr_history WHERE phone = ? ORDER BY rowid DESC LIMIT 200", p)
	if err != nil {
		return nil, fmt.Errorf("store: field history of %s: %w", phone, err)
	}
	defer rows.Close()
	var out []contact.AttrChange
	for rows.Next() {
		var ch contact.AttrChange
		var at int64
		if err := rows.Scan(&ch.Field, &ch.Old, &ch.Source, &at); err != nil {
			return nil, fmt.Errorf("store: field history of %s: %w", phone, err)
		}
		ch.Replaced = fromMS(at)
		out = append(out, ch)
	}
	return out, rows.Err()
}
