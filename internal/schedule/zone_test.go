package schedule

import (
	"archive/zip"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestLocalToUTC(t *testing.T) {
	ns := time.Nanosecond
	tests := []struct {
		name string
		zone string
		wall time.Time
		want time.Time
	}{
		{"sao paulo plain", "America/Sao_Paulo", wall(2026, 6, 15, 9, 0), utc(2026, 6, 15, 12, 0, 0)},
		{"default zone", "", wall(2026, 6, 15, 9, 0), utc(2026, 6, 15, 12, 0, 0)},
		{"utc", "UTC", wall(2026, 6, 15, 9, 0), utc(2026, 6, 15, 9, 0, 0)},
		{"noronha", "America/Noronha", wall(2026, 6, 15, 9, 0), utc(2026, 6, 15, 11, 0, 0)},
		{"manaus", "America/Manaus", wall(2026, 6, 15, 9, 0), utc(2026, 6, 15, 13, 0, 0)},
		{"rio branco", "America/Rio_Branco", wall(2026, 6, 15, 9, 0), utc(2026, 6, 15, 14, 0, 0)},
		{"fields only, location ignored", "America/Sao_Paulo",
			time.Date(2026, 6, 15, 9, 0, 0, 0, time.FixedZone("X", 7*3600)), utc(2026, 6, 15, 12, 0, 0)},
		{"nanoseconds kept", "America/Sao_Paulo",
			time.Date(2026, 6, 15, 9, 0, 0, 123, time.UTC), utc(2026, 6, 15, 12, 0, 0).Add(123 * ns)},

		// Brazil's last DST start: 2018-11-04 00:00 -03 jumped to 01:00 -02.
		{"sp 2018 before gap", "America/Sao_Paulo", time.Date(2018, 11, 3, 23, 59, 59, 0, time.UTC), utc(2018, 11, 4, 2, 59, 59)},
		{"sp 2018 gap start", "America/Sao_Paulo", wall(2018, 11, 4, 0, 0), utc(2018, 11, 4, 3, 0, 0)},
		{"sp 2018 inside gap", "America/Sao_Paulo", wall(2018, 11, 4, 0, 30), utc(2018, 11, 4, 3, 0, 0)},
		{"sp 2018 gap last ns", "America/Sao_Paulo", time.Date(2018, 11, 4, 0, 59, 59, 999999999, time.UTC), utc(2018, 11, 4, 3, 0, 0)},
		{"sp 2018 after gap", "America/Sao_Paulo", wall(2018, 11, 4, 1, 0), utc(2018, 11, 4, 3, 0, 0)},
		{"sp 2018 summer", "America/Sao_Paulo", wall(2018, 12, 25, 9, 0), utc(2018, 12, 25, 11, 0, 0)},
		{"sp 2017 inside gap", "America/Sao_Paulo", wall(2017, 10, 15, 0, 15), utc(2017, 10, 15, 3, 0, 0)},
		// Brazil's last DST end: 2019-02-17 00:00 -02 fell back to 2019-02-16 23:00 -03.
		{"sp 2019 before overlap", "America/Sao_Paulo", wall(2019, 2, 16, 22, 59), utc(2019, 2, 17, 0, 59, 0)},
		{"sp 2019 overlap first", "America/Sao_Paulo", wall(2019, 2, 16, 23, 0), utc(2019, 2, 17, 1, 0, 0)},
		{"sp 2019 overlap middle", "America/Sao_Paulo", wall(2019, 2, 16, 23, 30), utc(2019, 2, 17, 1, 30, 0)},
		{"sp 2019 after overlap", "America/Sao_Paulo", wall(2019, 2, 17, 0, 0), utc(2019, 2, 17, 3, 0, 0)},
		// DST abolished in 2019: the old rules would have moved these.
		{"sp 2019 no gap", "America/Sao_Paulo", wall(2019, 11, 3, 0, 30), utc(2019, 11, 3, 3, 30, 0)},
		{"sp 2020 no overlap", "America/Sao_Paulo", wall(2020, 2, 15, 23, 30), utc(2020, 2, 16, 2, 30, 0)},
		{"sp 2026 january", "America/Sao_Paulo", wall(2026, 1, 15, 9, 0), utc(2026, 1, 15, 12, 0, 0)},

		// New York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
		{"ny before gap", "America/New_York", time.Date(2026, 3, 8, 1, 59, 59, 0, time.UTC), utc(2026, 3, 8, 6, 59, 59)},
		{"ny gap start", "America/New_York", wall(2026, 3, 8, 2, 0), utc(2026, 3, 8, 7, 0, 0)},
		{"ny inside gap", "America/New_York", wall(2026, 3, 8, 2, 30), utc(2026, 3, 8, 7, 0, 0)},
		{"ny after gap", "America/New_York", wall(2026, 3, 8, 3, 0), utc(2026, 3, 8, 7, 0, 0)},
		{"ny overlap first", "America/New_York", wall(2026, 11, 1, 1, 0), utc(2026, 11, 1, 5, 0, 0)},
		{"ny overlap middle", "America/New_York", wall(2026, 11, 1, 1, 30), utc(2026, 11, 1, 5, 30, 0)},
		{"ny overlap last", "America/New_York", time.Date(2026, 11, 1, 1, 59, 59, 0, time.UTC), utc(2026, 11, 1, 5, 59, 59)},
		{"ny after overlap", "America/New_York", wall(2026, 11, 1, 2, 0), utc(2026, 11, 1, 7, 0, 0)},

		// Lisbon: 2026-03-29 01:00 WET -> 02:00 WEST; 2026-10-25 02:00 WEST -> 01:00 WET.
		{"lisbon inside gap", "Europe/Lisbon", wall(2026, 3, 29, 1, 30), utc(2026, 3, 29, 1, 0, 0)},
		{"lisbon after gap", "Europe/Lisbon", wall(2026, 3, 29, 2, 0), utc(2026, 3, 29, 1, 0, 0)},
		{"lisbon overlap", "Europe/Lisbon", wall(2026, 10, 25, 1, 30), utc(2026, 10, 25, 0, 30, 0)},
		{"lisbon summer", "Europe/Lisbon", wall(2026, 7, 1, 12, 0), utc(2026, 7, 1, 11, 0, 0)},
		{"lisbon winter", "Europe/Lisbon", wall(2026, 12, 1, 12, 0), utc(2026, 12, 1, 12, 0, 0)},

		// Southern hemisphere, and a 30-minute shift.
		{"sydney inside gap", "Australia/Sydney", wall(2026, 10, 4, 2, 30), utc(2026, 10, 3, 16, 0, 0)},
		{"sydney overlap", "Australia/Sydney", wall(2026, 4, 5, 2, 30), utc(2026, 4, 4, 15, 30, 0)},
		{"lord howe inside gap", "Australia/Lord_Howe", wall(2026, 10, 4, 2, 15), utc(2026, 10, 3, 15, 30, 0)},
		{"lord howe overlap", "Australia/Lord_Howe", wall(2026, 4, 5, 1, 45), utc(2026, 4, 4, 14, 45, 0)},
		// Samoa skipped 2011-12-30 whole.
		{"apia skipped day", "Pacific/Apia", wall(2011, 12, 30, 12, 0), utc(2011, 12, 30, 10, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LocalToUTC(tt.wall, tt.zone)
			if err != nil {
				t.Fatalf("LocalToUTC got error %v, want nil", err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("LocalToUTC(%s, %q) got %s (%s), want %s UTC", tt.wall.Format(time.DateTime), tt.zone, fmtT(got), got.Location(), fmtT(tt.want))
			}
		})
	}
}

func TestLocalToUTCBadZone(t *testing.T) {
	for _, zone := range []string{"Mars/Olympus", "Local", "../etc/passwd", "/etc/localtime", "america/sao paulo"} {
		got, err := LocalToUTC(wall(2026, 6, 15, 9, 0), zone)
		if !errors.Is(err, ErrUnknownZone) || !got.IsZero() {
			t.Errorf("LocalToUTC(_, %q) got (%s, %v), want (zero, ErrUnknownZone)", zone, fmtT(got), err)
		}
	}
}

// TestLocalToUTCRoundTrip checks, for many instants and zones, that the
// wall time read at an instant converts back to that instant or to an
// earlier one showing the same wall time (the first occurrence).
func TestLocalToUTCRoundTrip(t *testing.T) {
	zones := []string{"America/Sao_Paulo", "America/New_York", "Europe/Lisbon", "Australia/Sydney",
		"Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "America/Noronha", "Pacific/Apia"}
	r := rand.New(rand.NewPCG(1, 2))
	lo, hi := utc(2000, 1, 1, 0, 0, 0).Unix(), utc(2040, 1, 1, 0, 0, 0).Unix()
	for range 20000 {
		zone := zones[r.IntN(len(zones))]
		loc := mustLoc(t, zone)
		u := time.Unix(lo+r.Int64N(hi-lo), 0).UTC()
		w := u.In(loc)
		got, err := LocalToUTC(w, zone)
		if err != nil {
			t.Fatalf("LocalToUTC: %v", err)
		}
		sameWall := got.In(loc).Format(time.DateTime) == w.Format(time.DateTime)
		if got.After(u) || !sameWall || u.Sub(got) > 2*time.Hour {
			t.Fatalf("LocalToUTC(%s, %q) got %s, want %s or its first occurrence", w.Format(time.DateTime), zone, fmtT(got), fmtT(u))
		}
	}
}

// TestLocalToUTCGapsMoveForward checks every quarter hour of the days with
// a clock change: the result shows the wall time asked, or, inside a gap,
// the first instant after it.
func TestLocalToUTCGapsMoveForward(t *testing.T) {
	days := []struct {
		zone string
		day  time.Time
	}{
		{"America/Sao_Paulo", wall(2018, 11, 4, 0, 0)},
		{"America/Sao_Paulo", wall(2018, 11, 3, 0, 0)},
		{"America/Sao_Paulo", wall(2019, 2, 16, 0, 0)},
		{"America/New_York", wall(2026, 3, 8, 0, 0)},
		{"America/New_York", wall(2026, 11, 1, 0, 0)},
		{"Europe/Lisbon", wall(2026, 3, 29, 0, 0)},
		{"Europe/Lisbon", wall(2026, 10, 25, 0, 0)},
		{"Australia/Lord_Howe", wall(2026, 10, 4, 0, 0)},
	}
	for _, d := range days {
		loc := mustLoc(t, d.zone)
		var prev time.Time
		for q := range 96 {
			w := d.day.Add(time.Duration(q) * 15 * time.Minute)
			got, err := LocalToUTC(w, d.zone)
			if err != nil {
				t.Fatalf("LocalToUTC: %v", err)
			}
			shown := time.Date(got.In(loc).Year(), got.In(loc).Month(), got.In(loc).Day(),
				got.In(loc).Hour(), got.In(loc).Minute(), 0, 0, time.UTC)
			if shown.Before(w) {
				t.Errorf("%s %s got %s showing %s, want a wall time >= the one asked", d.zone, w.Format(time.DateTime), fmtT(got), shown.Format(time.DateTime))
			}
			if !shown.Equal(w) {
				// In a gap: the result must be the transition itself.
				before := got.Add(-time.Nanosecond).In(loc)
				if _, o1 := before.Zone(); func() bool { _, o2 := got.In(loc).Zone(); return o1 == o2 }() {
					t.Errorf("%s %s got %s, want the instant of the clock change", d.zone, w.Format(time.DateTime), fmtT(got))
				}
			}
			if got.Before(prev) {
				t.Errorf("%s %s got %s before the previous %s, want monotonic", d.zone, w.Format(time.DateTime), fmtT(got), fmtT(prev))
			}
			prev = got
		}
	}
}

func TestLoadZone(t *testing.T) {
	loc, err := LoadZone("")
	if err != nil || loc.String() != DefaultZone {
		t.Errorf("LoadZone(\"\") got (%v, %v), want (%s, nil)", loc, err, DefaultZone)
	}
	a, _ := LoadZone("Europe/Lisbon")
	b, _ := LoadZone("Europe/Lisbon")
	if a == nil || a != b {
		t.Errorf("LoadZone twice got %p and %p, want the same cached location", a, b)
	}
}

func TestBrazilZones(t *testing.T) {
	got := BrazilZones()
	wantNames := []string{"America/Noronha", "America/Sao_Paulo", "America/Manaus", "America/Rio_Branco"}
	var names []string
	for _, z := range got {
		names = append(names, z.Name)
	}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("BrazilZones names got %v, want %v", names, wantNames)
	}
	wantHours := []int{-2, -3, -4, -5}
	for i, z := range got {
		if z.Offset != time.Duration(wantHours[i])*time.Hour {
			t.Errorf("%s Offset got %s, want %dh", z.Name, z.Offset, wantHours[i])
		}
		loc := mustLoc(t, z.Name)
		for _, at := range []time.Time{utc(2026, 1, 15, 12, 0, 0), utc(2026, 7, 15, 12, 0, 0)} {
			if _, off := at.In(loc).Zone(); time.Duration(off)*time.Second != z.Offset {
				t.Errorf("%s offset on %s got %ds, want %s", z.Name, at.Format(time.DateOnly), off, z.Offset)
			}
		}
		if z.LabelPT == "" || z.LabelEN == "" {
			t.Errorf("%s labels got %q/%q, want both set", z.Name, z.LabelPT, z.LabelEN)
		}
	}
	if got, want := got[1].Label("pt-BR"), "Horário de Brasília (UTC-3)"; got != want {
		t.Errorf("Label(pt-BR) got %q, want %q", got, want)
	}
	if got, want := got[1].Label("en-US"), "Brasília time (UTC-3)"; got != want {
		t.Errorf("Label(en-US) got %q, want %q", got, want)
	}
	got[0].Name = "changed"
	if BrazilZones()[0].Name != "America/Noronha" {
		t.Errorf("BrazilZones after modifying a returned copy got %q first, want America/Noronha", BrazilZones()[0].Name)
	}
}

func TestAllZones(t *testing.T) {
	got := AllZones()
	if len(got) < 20 {
		t.Fatalf("AllZones got %d names, want many", len(got))
	}
	first := []string{"America/Noronha", "America/Sao_Paulo", "America/Manaus", "America/Rio_Branco"}
	if !slices.Equal(got[:4], first) {
		t.Errorf("AllZones first four got %v, want %v", got[:4], first)
	}
	if !slices.IsSorted(got[4:]) {
		t.Errorf("AllZones after Brazil's four got unsorted names")
	}
	seen := map[string]bool{}
	for _, n := range got {
		if seen[n] {
			t.Errorf("AllZones got %q twice, want each once", n)
		}
		seen[n] = true
		if _, err := LoadZone(n); err != nil {
			t.Errorf("AllZones got %q, which does not load: %v", n, err)
		}
	}
	for _, n := range []string{"UTC", "Europe/Lisbon", "America/New_York", "America/Bahia", "Asia/Kolkata"} {
		if !seen[n] {
			t.Errorf("AllZones lacks %q", n)
		}
	}
	for _, n := range []string{"Brazil/East", "Local", "posixrules", "Factory", "zone.tab"} {
		if seen[n] {
			t.Errorf("AllZones got %q, want only canonical names", n)
		}
	}
	got[0] = "changed"
	if AllZones()[0] != "America/Noronha" {
		t.Errorf("AllZones after modifying a returned copy changed")
	}
}

func TestDiscoverZones(t *testing.T) {
	dir := t.TempDir()
	files := []string{"America/Sao_Paulo", "America/Argentina/Buenos_Aires", "Europe/Lisbon", "UTC",
		"posix/Europe/Lisbon", "right/UTC", "Brazil/East", "Etc/GMT+3", "zone.tab", "posixrules",
		"America/Not_A_Zone", "Europe/.hidden"}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	zipPath := filepath.Join(t.TempDir(), "zoneinfo.zip")
	zf, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for _, f := range []string{"America/Manaus", "Asia/Tokyo", "US/Eastern", "EST5EDT"} {
		w, err := zw.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("x"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zf.Close()

	tests := []struct {
		name    string
		sources []string
		want    []string
	}{
		{"directory", []string{dir}, []string{"America/Argentina/Buenos_Aires", "America/Sao_Paulo", "Europe/Lisbon", "UTC"}},
		{"zip", []string{zipPath}, []string{"America/Manaus", "Asia/Tokyo"}},
		{"first source with names wins", []string{filepath.Join(dir, "missing"), zipPath, dir}, []string{"America/Manaus", "Asia/Tokyo"}},
		{"fallback", []string{filepath.Join(dir, "missing"), filepath.Join(dir, "missing.zip")}, loadable(fallbackZones)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := discoverZones(tt.sources)
			if !slices.Equal(got, tt.want) {
				t.Errorf("discoverZones got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFallbackZonesLoad(t *testing.T) {
	for _, n := range fallbackZones {
		if _, err := LoadZone(n); err != nil {
			t.Errorf("fallback zone %q does not load: %v", n, err)
		}
		if !canonicalZone(n) {
			t.Errorf("fallback zone %q is not canonical", n)
		}
	}
	for _, z := range brazilZones {
		if !slices.Contains(fallbackZones, z.Name) {
			t.Errorf("fallback zones lack %q", z.Name)
		}
	}
}

func TestCanonicalZone(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"UTC", true},
		{"America/Sao_Paulo", true},
		{"America/Argentina/Buenos_Aires", true},
		{"Antarctica/McMurdo", true},
		{"Brazil/East", false},
		{"Etc/GMT+3", false},
		{"EST5EDT", false},
		{"America/", false},
		{"America//X", false},
		{"America/sao_paulo", false},
		{"zone.tab", false},
		{"Europe/x.tab", false},
	}
	for _, tt := range tests {
		if got := canonicalZone(tt.name); got != tt.want {
			t.Errorf("canonicalZone(%q) got %v, want %v", tt.name, got, tt.want)
		}
	}
}
