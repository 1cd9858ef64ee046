package listimport_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"arauto/internal/contact"
	"arauto/internal/events"
	"arauto/internal/listimport"
	"arauto/internal/recipient"
	"arauto/store"
)

// openStore opens a real store in a temporary directory and returns it
// with the database file's path (for a test that breaks it on purpose).
func openStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), store.FileName)
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// newJobs returns list imports over a real store, and the events of the
// first list's import.
func newJobs(t *testing.T) (*store.Store, *listimport.Jobs, <-chan events.Event) {
	t.Helper()
	st, _ := openStore(t)
	hub := events.New()
	done, cancel := hub.Subscribe(listimport.Topic(1))
	t.Cleanup(cancel)
	jobs := listimport.New(st, hub, nil, nil)
	t.Cleanup(jobs.Shutdown)
	return st, jobs, done
}

// saveUpload writes content where an upload would be saved.
func saveUpload(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "upload-1")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

const clients = "nome;telefone;pedido\nAna;11 91234-5678;A1\nJoão;11 98765-4321;A2\n"

// TestUpload: an upload becomes a list with its preview in one call, waiting
// for its mapping or importing with the detected or chosen columns; one the
// file cannot satisfy leaves nothing behind, its file included.
func TestUpload(t *testing.T) {
	tests := []struct {
		name    string
		content string
		start   bool
		columns listimport.Columns
		// wantState is "" when the upload must be refused.
		wantState   recipient.ListState
		wantMapping func(recipient.Mapping) bool
		wantErr     func(error) bool
		wantValid   int
	}{
		{name: "page upload waits for its mapping", content: clients, wantState: recipient.ListUploaded,
			wantMapping: func(m recipient.Mapping) bool { return m.PhoneColumn == 1 && m.HasHeader }},
		{name: "API upload imports with the detected columns", content: clients, start: true, wantState: recipient.ListImporting,
			wantMapping: func(m recipient.Mapping) bool { return m.PhoneColumn == 1 && m.CorrelationColumn == -1 }, wantValid: 2},
		{name: "API upload with chosen columns", content: clients, start: true,
			columns:   listimport.Columns{PhoneColumn: "1", CorrelationColumn: "2", HasHeader: yes()},
			wantState: recipient.ListImporting,
			wantMapping: func(m recipient.Mapping) bool {
				return m.PhoneColumn == 1 && m.CorrelationColumn == 2 && m.HasHeader
			}, wantValid: 2},
		{name: "correlation on the phone column means none", content: clients, start: true,
			columns: listimport.Columns{CorrelationColumn: "1", HasHeader: yes()}, wantState: recipient.ListImporting,
			wantMapping: func(m recipient.Mapping) bool { return m.CorrelationColumn == -1 }, wantValid: 2},
		{name: "no header counts the first row", content: "11 91234-5678\n11 98765-4321\n", start: true,
			columns: listimport.Columns{HasHeader: no()}, wantState: recipient.ListImporting,
			wantMapping: func(m recipient.Mapping) bool { return !m.HasHeader }, wantValid: 2},
		{name: "columns the file lacks", content: clients, start: true,
			columns: listimport.Columns{PhoneColumn: "9", CorrelationColumn: "x"},
			wantErr: func(err error) bool {
				var ce *listimport.ColumnError
				return errors.As(err, &ce) && ce.Last == 2 &&
					slices.Equal(ce.Fields, []string{listimport.FieldPhoneColumn, listimport.FieldCorrelationColumn})
			}},
		{name: "an empty file", content: "",
			wantErr: func(err error) bool {
				return errors.Is(err, listimport.ErrUnreadable) && recipient.ErrorKey(err) == recipient.ErrEmpty.Key()
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, jobs, done := newJobs(t)
			ctx := context.Background()
			path := saveUpload(t, tt.content)
			l, err := jobs.Upload(ctx, listimport.Upload{Path: path, FileName: "clientes.csv", Size: int64(len(tt.content)),
				Region: "BR", Start: tt.start, Columns: tt.columns})
			lists, lerr := st.Lists(ctx, "")
			if lerr != nil {
				t.Fatal(lerr)
			}
			if tt.wantState == "" {
				if !tt.wantErr(err) {
					t.Fatalf("got error %v, want the upload refused as this case says", err)
				}
				if len(lists) != 0 {
					t.Errorf("got %d lists after a refused upload, want none", len(lists))
				}
				if _, serr := os.Stat(path); !os.IsNotExist(serr) {
					t.Errorf("the refused upload's file is still there (%v)", serr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.Name != "clientes" || l.State != tt.wantState || !tt.wantMapping(l.Mapping) {
				t.Errorf("got list %q in state %s with mapping %+v, want clientes in %s with the case's mapping", l.Name, l.State, l.Mapping, tt.wantState)
			}
			stored, err := st.ListByID(ctx, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Mapping != l.Mapping {
				t.Errorf("stored mapping %+v, want %+v", stored.Mapping, l.Mapping)
			}
			if p, ok, err := st.ListPreview(ctx, l.ID); err != nil || !ok || len(p.Rows) == 0 {
				t.Errorf("preview got %+v ok=%v err=%v, want the inspection kept", p, ok, err)
			}
			if !tt.start {
				if _, serr := os.Stat(path); serr != nil {
					t.Errorf("the file of a list waiting for its mapping is gone: %v", serr)
				}
				return
			}
			waitFor(t, done, "done")
			if got, err := st.ListByID(ctx, l.ID); err != nil || got.State != recipient.ListReady || got.Valid != tt.wantValid {
				t.Errorf("after the import got %+v %v, want ready with %d valid", got, err, tt.wantValid)
			}
		})
	}
}

// TestUploadStoreFailureLeavesNothing: when the store refuses the list
// (here a trigger aborts the insert, as a full disk would), no list, no
// preview, no import job and no file stay behind.
func TestUploadStoreFailureLeavesNothing(t *testing.T) {
	st, dbPath := openStore(t)
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TRIGGER refuse_lists AFTER INSERT ON lists
		BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
		t.Fatal(err)
	}
	jobs := listimport.New(st, events.New(), nil, nil)
	defer jobs.Shutdown()
	ctx := context.Background()
	path := saveUpload(t, clients)
	l, err := jobs.Upload(ctx, listimport.Upload{Path: path, FileName: "clientes.csv", Size: int64(len(clients)), Region: "BR", Start: true})
	if err == nil {
		t.Fatalf("got list %+v, want the store's refusal", l)
	}
	lists, err := st.Lists(ctx, "")
	if err != nil || len(lists) != 0 {
		t.Errorf("got lists %v (%v), want none", lists, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the upload's file is still there (%v)", err)
	}
	if _, running := jobs.Progress(context.Background(), 1); running {
		t.Errorf("an import job runs for a list that was never stored")
	}
}

// waitFor waits for an event named name.
func waitFor(t *testing.T, ch <-chan events.Event, name string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-ch:
			if e.Name == name {
				return
			}
		case <-timeout:
			t.Fatalf("no %s event within 10s", name)
		}
	}
}

// TestConfirm: a list waiting for its mapping starts importing with the
// confirmed mapping, and its contacts keep the legal basis chosen; a list
// already imported is not started again.
func TestConfirm(t *testing.T) {
	st, jobs, done := newJobs(t)
	ctx := context.Background()
	l, err := jobs.Upload(ctx, listimport.Upload{Path: saveUpload(t, clients), FileName: "clientes.csv", Size: int64(len(clients)), Region: "BR"})
	if err != nil {
		t.Fatal(err)
	}
	m := l.Mapping
	m.CorrelationColumn = 2
	if err := jobs.Confirm(ctx, l, m, contact.BasisLegitimateInterest, 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, done, "done")
	got, err := st.ListByID(ctx, l.ID)
	if err != nil || got.State != recipient.ListReady || got.Valid != 2 || got.Mapping.CorrelationColumn != 2 {
		t.Fatalf("after confirming got %+v %v, want ready with 2 valid and the confirmed mapping", got, err)
	}
	srcs, err := st.ContactSources(ctx, []int64{1})
	if err != nil || len(srcs) != 1 || srcs[0].Basis != contact.BasisLegitimateInterest || srcs[0].ListID != l.ID {
		t.Errorf("contact source got %+v %v, want the list's import under legitimate interest", srcs, err)
	}
	if err := jobs.Confirm(ctx, got, m, contact.BasisConsent, 0); err == nil {
		t.Errorf("confirming a ready list again got no error")
	}
	if _, running := jobs.Progress(context.Background(), l.ID); running {
		t.Errorf("a ready list was started again")
	}
}
