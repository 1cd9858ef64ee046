package recipient

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/recipient/recipienttest"
)

const benchRows = 1_000_000

var (
	benchOnce  sync.Map // kind -> *benchFile
	benchDirMu sync.Mutex
	benchDir   string
)

type benchFile struct {
	once sync.Once
	path string
	err  error
}

// benchPath generates the 1M-row file of the given kind once per test binary
// in a temporary directory removed by TestMain.
func benchPath(b *testing.B, kind string) string {
	b.Helper()
	benchDirMu.Lock()
	if benchDir == "" {
		d, err := os.MkdirTemp("", "recipient-bench-")
		if err != nil {
			benchDirMu.Unlock()
			b.Fatalf("temp dir: %v", err)
		}
		benchDir = d
	}
	dir := benchDir
	benchDirMu.Unlock()
	v, _ := benchOnce.LoadOrStore(kind, &benchFile{})
	bf := v.(*benchFile)
	bf.once.Do(func() {
		bf.path = filepath.Join(dir, "bench1m."+kind)
		if kind == "csv" {
			bf.err = recipienttest.GenerateCSV(bf.path, benchRows, 42)
		} else {
			bf.err = recipienttest.GenerateXLSX(bf.path, benchRows, 42)
		}
	})
	if bf.err != nil {
		b.Fatalf("generate %s: %v", kind, bf.err)
	}
	return bf.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchmarkImport(b *testing.B, kind string) {
	path := benchPath(b, kind)
	ctx := context.Background()
	b.ResetTimer()
	var rep Report
	for range b.N {
		p, err := Inspect(path, InspectOptions{})
		if err != nil {
			b.Fatalf("Inspect: %v", err)
		}
		rep, err = Import(ctx, path, p.Mapping(), Discard, ImportOptions{})
		if err != nil {
			b.Fatalf("Import: %v", err)
		}
	}
	b.StopTimer()
	if rep.Rows != benchRows {
		b.Fatalf("got %d rows, want %d", rep.Rows, benchRows)
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rep.Valid), "valid")
	if mb, err := childPeakRSS(path); err != nil {
		b.Logf("peak RSS: %v", err)
	} else {
		b.ReportMetric(mb, "peak-RSS-MB")
	}
}

// BenchmarkImportCSV1M imports a generated 1,000,000-row CSV (name, phone in
// mixed real-world spellings, city) into a discarding sink, Inspect included.
// It also reports the peak RSS of a fresh process doing the same import.
func BenchmarkImportCSV1M(b *testing.B) { benchmarkImport(b, "csv") }

// BenchmarkImportCSV1MWithStore imports the same CSV into a sink that takes
// as long as SQLite does (550k rows/s, measured): parsing overlaps with the
// sink, so the total approaches the store's ~1.8 s instead of the sum.
func BenchmarkImportCSV1MWithStore(b *testing.B) {
	path := benchPath(b, "csv")
	store := SinkFunc(func(_ context.Context, batch []Recipient) error {
		time.Sleep(time.Duration(len(batch)) * time.Second / 550_000)
		return nil
	})
	b.ResetTimer()
	for range b.N {
		p, err := Inspect(path, InspectOptions{})
		if err != nil {
			b.Fatalf("Inspect: %v", err)
		}
		if _, err := Import(context.Background(), path, p.Mapping(), store, ImportOptions{}); err != nil {
			b.Fatalf("Import: %v", err)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkImportXLSX1M imports the same rows as an XLSX workbook, and
// reports the peak RSS the same way.
func BenchmarkImportXLSX1M(b *testing.B) { benchmarkImport(b, "xlsx") }

// BenchmarkNormalizePhone measures the fast path on the generated mix.
func BenchmarkNormalizePhone(b *testing.B) {
	g := recipienttest.NewGenerator(7)
	phones := make([]string, 4096)
	for i := range phones {
		phones[i] = g.Next().Phone
	}
	b.ResetTimer()
	for i := range b.N {
		normalize(phones[i&4095], "BR")
	}
}

const rssChildEnv = "RECIPIENT_RSS_CHILD_FILE"

// childPeakRSS re-runs this test binary as a child that only imports path,
// and returns the child's VmHWM (peak resident set) in MB.
func childPeakRSS(path string) (float64, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestRSSChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), rssChildEnv+"="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("child: %v: %s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "VmHWM-kB:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return 0, fmt.Errorf("child output %q: %w", line, err)
			}
			return float64(kb) / 1024, nil
		}
	}
	return 0, fmt.Errorf("child printed no VmHWM: %s", out)
}

// TestRSSChild is the child process of childPeakRSS; it skips unless started
// by it.
func TestRSSChild(t *testing.T) {
	path := os.Getenv(rssChildEnv)
	if path == "" {
		t.Skip("only runs as the child of a benchmark")
	}
	p, err := Inspect(path, InspectOptions{})
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	if _, err := Import(context.Background(), path, p.Mapping(), Discard, ImportOptions{}); err != nil {
		t.Fatalf("Import: %v", err)
	}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fmt.Printf("VmHWM-kB:%s\n", strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
}
