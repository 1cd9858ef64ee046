package listimport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"arauto/internal/contact"
	"arauto/internal/events"
	"arauto/internal/recipient"
)

// memStore keeps what an import writes.
type memStore struct {
	mu         sync.Mutex
	recipients []recipient.Recipient
	rejected   int
	report     *recipient.Report
	failed     string
	importing  []*recipient.List
	columns    []string
	contacts   []string
	// abandoned are the files of the uploads DeleteAbandonedUploads
	// deletes; cleanedBefore is the cut-off it was asked for.
	abandoned     []string
	cleanedBefore time.Time
}

func (m *memStore) SuppressedPhones(context.Context) (map[string]struct{}, error) {
	return map[string]struct{}{"5511987654321": {}}, nil
}

func (m *memStore) AddRecipients(_ context.Context, _ int64, batch []recipient.Recipient) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recipients = append(m.recipients, batch...)
	return nil
}

func (m *memStore) AddRejectedRows(_ context.Context, _ int64, rows []recipient.RejectedRow) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rejected += len(rows)
	return nil
}

func (m *memStore) FinishListImportIndexed(_ context.Context, _ int64, r recipient.Report, _ *recipient.NumberIndex) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.report = &r
	return nil
}

func (m *memStore) FailListImport(_ context.Context, _ int64, code, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failed = code
	return nil
}

func (m *memStore) Lists(context.Context, recipient.ListState) ([]*recipient.List, error) {
	return m.importing, nil
}

func (m *memStore) StartListImport(context.Context, int64, recipient.Mapping) error { return nil }

// ListByID, SetListProgress and ListProgress serve leased imports, which
// these tests do not use (store.Store's are tested on the real store).
func (m *memStore) ListByID(context.Context, int64) (*recipient.List, error) {
	return nil, errors.New("memStore: leased imports are not tested here")
}

func (m *memStore) SetListProgress(context.Context, int64, recipient.Progress) error { return nil }

func (m *memStore) ListProgress(context.Context, int64) (recipient.Progress, bool, error) {
	return recipient.Progress{}, false, nil
}

// CreateUploadedList is not used by the import itself (upload_test.go
// tests uploads against the real store).
func (m *memStore) CreateUploadedList(context.Context, *recipient.List, recipient.Preview) error {
	return errors.New("memStore: uploads are not kept here")
}

func (m *memStore) ConfirmListImport(context.Context, int64, recipient.Mapping, contact.LegalBasis, int64) error {
	return errors.New("memStore: uploads are not kept here")
}

func (m *memStore) ErasedNumbers(context.Context) (*contact.Erased, error) {
	return contact.NewErased([]byte("pepper"), []string{contact.Hash([]byte("pepper"), "5511900001111")}), nil
}

func (m *memStore) StartContactImport(_ context.Context, _ int64, columns []string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.columns = columns
	return 7, nil
}

func (m *memStore) UpsertContacts(_ context.Context, sourceID int64, recs []contact.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range recs {
		m.contacts = append(m.contacts, fmt.Sprintf("%d@%d:%s", r.Phone, sourceID, r.Attrs))
	}
	return nil
}

func (m *memStore) DeleteAbandonedUploads(_ context.Context, before time.Time) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cleanedBefore = before
	return m.abandoned, nil
}

// waitDone waits for the "done" event of list 1.
func waitDone(t *testing.T, ch <-chan events.Event) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-ch:
			if e.Name == "done" {
				return
			}
		case <-timeout:
			t.Fatal("no done event within 5s")
		}
	}
}

func upload(t *testing.T, content string) *recipient.List {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clientes.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return &recipient.List{ID: 1, FileName: "clientes.csv", FilePath: path, FileSize: int64(len(content)),
		Mapping: recipient.Mapping{PhoneColumn: 1, CorrelationColumn: -1, AreaCodeColumn: -1, HasHeader: true}}
}

func TestImportRecordsTheReport(t *testing.T) {
	st := &memStore{}
	hub := events.New()
	ch, cancel := hub.Subscribe(Topic(1))
	defer cancel()
	jobs := New(st, hub, nil, nil)
	defer jobs.Shutdown()
	l := upload(t, "nome;telefone\nAna;11 91234-5678\nJoão;11 98765-4321\nX;não tem\n")
	jobs.Start(l)
	waitDone(t, ch)
	jobs.Shutdown()
	if st.report == nil || st.report.Valid != 2 || st.report.Invalid != 1 || st.report.Suppressed != 1 || st.rejected != 1 {
		t.Errorf("got report %+v and %d rejected rows, want 2 valid (1 suppressed), 1 invalid", st.report, st.rejected)
	}
	if _, err := os.Stat(l.FilePath); !os.IsNotExist(err) {
		t.Errorf("the upload is still there after the import (%v)", err)
	}
	if _, running := jobs.Progress(context.Background(), l.ID); running {
		t.Errorf("progress still kept after the import ended")
	}
}

func TestImportFailsABadFile(t *testing.T) {
	st := &memStore{}
	hub := events.New()
	ch, cancel := hub.Subscribe(Topic(1))
	defer cancel()
	jobs := New(st, hub, nil, nil)
	defer jobs.Shutdown()
	l := upload(t, "")
	jobs.Start(l)
	waitDone(t, ch)
	if st.failed != recipient.ErrEmpty.Code || st.report != nil {
		t.Errorf("got failure %q, report %+v; want the list failed as %s", st.failed, st.report, recipient.ErrEmpty.Code)
	}
}

func TestResumeFailsAListWhoseFileIsGone(t *testing.T) {
	st := &memStore{importing: []*recipient.List{{ID: 1, FilePath: filepath.Join(t.TempDir(), "gone.csv")}}}
	jobs := New(st, events.New(), nil, nil)
	defer jobs.Shutdown()
	if err := jobs.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.failed != "interrupted" {
		t.Errorf("got failure %q, want interrupted", st.failed)
	}
}

// TestImportFillsTheContactBook: the import hands every stored recipient to
// the contact book under its source, except a number erased on request,
// which is flagged like a suppressed one and never becomes a contact again.
func TestImportFillsTheContactBook(t *testing.T) {
	st := &memStore{}
	hub := events.New()
	ch, cancel := hub.Subscribe(Topic(1))
	defer cancel()
	jobs := New(st, hub, nil, nil)
	defer jobs.Shutdown()
	l := upload(t, "nome;telefone\nAna;11 90000-1111\nJoão;11 98765-4321\nMaria \"Mari\";21 99999-1111\n")
	jobs.Start(l)
	waitDone(t, ch)
	jobs.Shutdown()
	want := []string{`5511987654321@7:{"nome":"João"}`, `5521999991111@7:{"nome":"Maria \"Mari\""}`}
	if fmt.Sprint(st.contacts) != fmt.Sprint(want) {
		t.Errorf("contacts got %v, want %v", st.contacts, want)
	}
	if fmt.Sprint(st.columns) != "[nome]" {
		t.Errorf("columns got %v, want [nome]", st.columns)
	}
	if st.report == nil || st.report.Valid != 3 || st.report.Suppressed != 2 {
		t.Errorf("report got %+v, want 3 valid of which 2 suppressed (one erased)", st.report)
	}
}

// TestCleanAbandoned: uploads that waited more than AbandonedAfter for
// their mapping are deleted with their files.
func TestCleanAbandoned(t *testing.T) {
	old := upload(t, "nome;telefone\n")
	st := &memStore{abandoned: []string{old.FilePath}}
	jobs := New(st, events.New(), nil, nil)
	defer jobs.Shutdown()
	now := time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)
	n, err := jobs.CleanAbandoned(context.Background(), now)
	if err != nil || n != 1 {
		t.Fatalf("clean got %d %v, want 1", n, err)
	}
	if want := now.Add(-7 * 24 * time.Hour); !st.cleanedBefore.Equal(want) {
		t.Errorf("cut-off got %v, want %v (seven days)", st.cleanedBefore, want)
	}
	if _, err := os.Stat(old.FilePath); !os.IsNotExist(err) {
		t.Errorf("the abandoned upload's file is still there: %v", err)
	}
}
