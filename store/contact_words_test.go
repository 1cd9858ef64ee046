package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"arauto/store"
)

// openAt opens a store on a file of the test's own, so the test can also
// read the file as anyone with access to the disk would.
func openAt(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rawDB opens the database file directly.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// searchAll pages through a search of the contact book, pageSize at a time.
func searchAll(t *testing.T, s *store.Store, term string, pageSize int) []string {
	t.Helper()
	var got []string
	after := ""
	for range 1000 {
		p, err := s.Contacts(context.Background(), store.ContactQuery{Search: term, After: after, Limit: pageSize, Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Items {
			got = append(got, c.Phone)
		}
		if p.Next == "" {
			return got
		}
		after = p.Next
	}
	t.Fatalf("search %q never ended", term)
	return nil
}

func TestContactWordsFollowMergesAndErasure(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	s := openAt(t, path)
	ctx := context.Background()
	importRows(t, s, "Loja", []string{"nome", "cidade"},
		[]string{"5511987650001", "Ana Silva", "Campinas"},
		[]string{"5521987650002", "Bruno", "Rio de Janeiro"})
	importRows(t, s, "Site", []string{"nome", "plano"},
		[]string{"5511987650001", "Ana S. Souza", "Ouro"})

	for _, tt := range []struct {
		term string
		want []string
	}{
		{"souza", []string{"5511987650001"}},
		{"ouro", []string{"5511987650001"}},
		{"campinas", []string{"5511987650001"}}, // kept: the second list had no city
		{"silva", nil},                          // replaced by the second list
		{"ana silva", nil},
		{"janeiro", []string{"5521987650002"}},
	} {
		if got := searchAll(t, s, tt.term, 2); !slices.Equal(got, tt.want) {
			t.Errorf("right after the imports, search %q got %v, want %v", tt.term, got, tt.want)
		}
	}

	if _, err := s.EraseNumber(ctx, "5511987650001", "subject", time.Now()); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := rawDB(t, path).QueryRow(`SELECT count(*) FROM contact_words
		WHERE word IN ('ana', 'silva', 'souza', 'campinas', 'ouro')`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("after erasing the number %d of its words are in the database, want none (nor those of replaced values)", left)
	}
	if got := searchAll(t, s, "janeiro", 2); !slices.Equal(got, []string{"5521987650002"}) {
		t.Errorf("after the erasure search janeiro got %v, want the other contact kept", got)
	}
}

func TestContactWordSearchPages(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), store.FileName))
	var rows [][]string
	var want []string
	for i := range 23 {
		phone := fmt.Sprintf("55119876500%02d", i)
		// Every contact has "maria" twice over (name and street) and words
		// starting "mar": each must be listed once, at its first such word.
		rows = append(rows, []string{phone, "Maria Marques", "Rua Maria Martins " + fmt.Sprint(i)})
		want = append(want, phone)
	}
	importRows(t, s, "Ruas", []string{"nome", "endereco"}, rows...)
	for _, size := range []int{1, 2, 5, 50} {
		for _, term := range []string{"mar", "maria", "maria mart", "rua maria"} {
			if got := searchAll(t, s, term, size); !slices.Equal(got, want) {
				t.Errorf("search %q in pages of %d got %v, want each contact once in number order", term, size, got)
			}
		}
	}
}

func TestContactWordsBackfilledOnStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	s := openAt(t, path)
	importRows(t, s, "Loja", []string{"nome", "cidade"},
		[]string{"5511987650001", "Ana Silva", "Campinas"},
		[]string{"5521987650002", "Bruno", "Rio de Janeiro"})
	s.Close()
	// A book made before the word index existed.
	db := rawDB(t, path)
	if _, err := db.Exec("DELETE FROM contact_words; INSERT INTO contact_words_backfill (after_id) VALUES (0)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s = openAt(t, path)
	if got := searchAll(t, s, "campinas", 50); !slices.Equal(got, []string{"5511987650001"}) {
		t.Errorf("after the start, search campinas got %v, want the contact made before the index", got)
	}
	var pending int
	if err := rawDB(t, path).QueryRow("SELECT count(*) FROM contact_words_backfill").Scan(&pending); err != nil {
		t.Fatal(err)
	}
	if pending != 0 {
		t.Errorf("the backfill left %d rows, want it done and forgotten", pending)
	}
}

// TestWordsFoundWhenTheImportIsReady: an import through the background
// job, as the console runs it, makes its contacts found by any field's
// words the moment its list is ready.
func TestWordsFoundWhenTheImportIsReady(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), store.FileName))
	path := filepath.Join(t.TempDir(), "clientes.csv")
	if err := os.WriteFile(path, []byte("nome;telefone;bairro\nAna Souza;11 98765-0001;Vila Mariana\nBruno;21 98765-0002;Copacabana\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	importThroughJobs(t, s, path, "clientes")
	for term, want := range map[string][]string{"copa": {"5521987650002"}, "vila mar": {"5511987650001"}, "souza": {"5511987650001"}} {
		if got := searchAll(t, s, term, 50); !slices.Equal(got, want) {
			t.Errorf("once the list is ready, search %q got %v, want %v", term, got, want)
		}
	}
}
