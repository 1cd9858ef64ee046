package schedule

import (
	"archive/zip"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // every zone loads even without system zoneinfo
)

// DefaultZone is the zone of a schedule that names none: Brasília time.
const DefaultZone = "America/Sao_Paulo"

// ErrUnknownZone is wrapped by LoadZone (and so LocalToUTC) when a zone name
// cannot be loaded.
var ErrUnknownZone = errors.New("unknown time zone")

// zoneCache maps a zone name to its *time.Location; loading parses tzdata,
// and the dispatcher asks for the same few zones over and over.
var zoneCache sync.Map

// LoadZone returns the location of an IANA zone name; "" means DefaultZone.
// "Local" is refused: the server's own zone must never leak into a campaign.
// Errors wrap ErrUnknownZone.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultZone
	}
	if v, ok := zoneCache.Load(name); ok {
		return v.(*time.Location), nil
	}
	if name == "Local" {
		return nil, fmt.Errorf("schedule: load zone %q: %w", name, ErrUnknownZone)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("schedule: load zone %q: %w: %w", name, ErrUnknownZone, err)
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

// LocalToUTC returns the instant at which the clocks of zone ("" means
// DefaultZone) show the wall time given. Only the fields of wall (year,
// month, day, hour, minute, second, nanosecond, as read in wall's own
// location) are used. A wall time inside a spring-forward gap moves forward
// to the first valid instant, the moment the clocks jumped (02:30 on the
// night New York skips 02:00..02:59 becomes 03:00 EDT); an ambiguous
// fall-back time takes its first occurrence (the earlier instant, still on
// summer time). The result is in UTC.
func LocalToUTC(wall time.Time, zone string) (time.Time, error) {
	loc, err := LoadZone(zone)
	if err != nil {
		return time.Time{}, err
	}
	return wallToInstant(wall, loc), nil
}

// segment is a stretch of time with one UTC offset: [start, end); a zero
// start or end means unbounded.
type segment struct {
	start, end time.Time
	offset     time.Duration
}

func (s segment) contains(t time.Time) bool {
	return (s.start.IsZero() || !t.Before(s.start)) && (s.end.IsZero() || t.Before(s.end))
}

// wallToInstant implements LocalToUTC for a loaded location. It lists the
// offset segments around the wall time, keeps the earliest candidate that
// really shows that wall time, and otherwise finds the gap it falls in.
func wallToInstant(wall time.Time, loc *time.Location) time.Time {
	y, mo, d := wall.Date()
	h, mi, s := wall.Clock()
	naive := time.Date(y, mo, d, h, mi, s, wall.Nanosecond(), time.UTC)

	// Offsets lie within -12h..+14h, so the segments that can hold the
	// answer all meet the 2-day span around the naive instant.
	var segs []segment
	p := naive.Add(-30 * time.Hour)
	limit := naive.Add(30 * time.Hour)
	for range 16 {
		lt := p.In(loc)
		_, off := lt.Zone()
		start, end := lt.ZoneBounds()
		segs = append(segs, segment{start: start, end: end, offset: time.Duration(off) * time.Second})
		if end.IsZero() || end.After(limit) || !end.After(p) {
			break
		}
		p = end
	}
	for _, sg := range segs {
		if c := naive.Add(-sg.offset); sg.contains(c) {
			return c.UTC()
		}
	}
	// No instant shows this wall time: it is in a gap between two
	// segments; the first valid instant is where the later one starts.
	for i := 0; i+1 < len(segs); i++ {
		a, b := segs[i], segs[i+1]
		if a.end.IsZero() || !a.end.Equal(b.start) {
			continue
		}
		gapFrom := a.end.Add(a.offset) // wall time, as naive UTC, where a ends
		gapTo := b.start.Add(b.offset) // wall time where b starts
		if !naive.Before(gapFrom) && naive.Before(gapTo) {
			return b.start.UTC()
		}
	}
	// Unreachable with consistent tzdata; let the time package decide.
	return time.Date(y, mo, d, h, mi, s, wall.Nanosecond(), loc).UTC()
}

// Zone is a time zone offered first in the zone picker.
type Zone struct {
	// Name is the IANA name, e.g. "America/Sao_Paulo".
	Name string
	// Offset is the zone's standard UTC offset (Brazil has had no daylight
	// saving time since 2019).
	Offset time.Duration
	// LabelPT is the friendly label in Brazilian Portuguese.
	LabelPT string
	// LabelEN is the friendly label in English.
	LabelEN string
}

// Label returns the friendly label in lang: English for a tag starting with
// "en", Brazilian Portuguese otherwise (the product's default language).
func (z Zone) Label(lang string) string {
	if isEnglish(lang) {
		return z.LabelEN
	}
	return z.LabelPT
}

// brazilZones is Brazil's four offsets, east to west, each represented by
// its best-known zone.
var brazilZones = []Zone{
	{"America/Noronha", -2 * time.Hour, "Fernando de Noronha (UTC-2)", "Fernando de Noronha (UTC-2)"},
	{"America/Sao_Paulo", -3 * time.Hour, "Horário de Brasília (UTC-3)", "Brasília time (UTC-3)"},
	{"America/Manaus", -4 * time.Hour, "Amazonas (UTC-4)", "Amazon time (UTC-4)"},
	{"America/Rio_Branco", -5 * time.Hour, "Acre (UTC-5)", "Acre time (UTC-5)"},
}

// BrazilZones returns Brazil's four time zones from east to west:
// America/Noronha (UTC-2), America/Sao_Paulo (UTC-3, the default),
// America/Manaus (UTC-4) and America/Rio_Branco (UTC-5). The slice is a
// copy the caller may modify.
func BrazilZones() []Zone {
	return slices.Clone(brazilZones)
}

// AllZones returns every canonical IANA zone name available, for the zone
// picker: Brazil's four zones first (in BrazilZones order), then every other
// name sorted, each listed once and each loadable by LoadZone. Canonical
// means "UTC" and the Area/Location names of the continents and oceans
// (Africa, America, Antarctica, Arctic, Asia, Atlantic, Australia, Europe,
// Indian, Pacific); backward-compatible aliases such as "Brazil/East",
// "US/Eastern" or "Etc/GMT+3" are left out of the list but still load.
//
// The names are read once, from the first source that has any: $ZONEINFO,
// $GOROOT/lib/time/zoneinfo.zip, then the system zoneinfo directories; when
// none is readable (a minimal image) a compiled-in list of common zones is
// used. The slice is a copy the caller may modify.
func AllZones() []string {
	return slices.Clone(allZones())
}

var allZones = sync.OnceValue(func() []string {
	return orderZones(discoverZones(zoneSources()))
})

// zoneSources lists where zone names may be found, best first.
func zoneSources() []string {
	var srcs []string
	if z := os.Getenv("ZONEINFO"); z != "" {
		srcs = append(srcs, z)
	}
	if g := os.Getenv("GOROOT"); g != "" {
		srcs = append(srcs, filepath.Join(g, "lib", "time", "zoneinfo.zip"))
	}
	return append(srcs,
		"/usr/share/zoneinfo",
		"/usr/share/lib/zoneinfo",
		"/usr/lib/locale/TZ",
		"/etc/zoneinfo",
	)
}

// discoverZones returns the loadable canonical names of the first source
// that yields any, or the compiled-in list.
func discoverZones(sources []string) []string {
	for _, src := range sources {
		var names []string
		if strings.HasSuffix(src, ".zip") {
			names = zipZoneNames(src)
		} else {
			names = dirZoneNames(src)
		}
		if names = loadable(names); len(names) > 0 {
			return names
		}
	}
	return loadable(fallbackZones)
}

// zipZoneNames lists the entries of a zoneinfo.zip, or nil when unreadable.
func zipZoneNames(path string) []string {
	r, err := zip.OpenReader(path)
	if err != nil {
		return nil
	}
	defer r.Close()
	var names []string
	for _, f := range r.File {
		if !f.FileInfo().IsDir() && canonicalZone(f.Name) {
			names = append(names, f.Name)
		}
	}
	return names
}

// dirZoneNames lists the files of a zoneinfo directory, or nil when
// unreadable. Symbolic links count: many distributions link aliases.
func dirZoneNames(root string) []string {
	var names []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // skip what cannot be read
		}
		rel, rerr := filepath.Rel(root, path)
		if rerr != nil || rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if top, _, _ := strings.Cut(rel, "/"); !canonicalAreas[top] {
				return filepath.SkipDir // posix/, right/, Etc/, Brazil/...
			}
			return nil
		}
		if canonicalZone(rel) {
			names = append(names, rel)
		}
		return nil
	})
	return names
}

// canonicalAreas are the top-level areas of canonical IANA names.
var canonicalAreas = map[string]bool{
	"Africa": true, "America": true, "Antarctica": true, "Arctic": true,
	"Asia": true, "Atlantic": true, "Australia": true, "Europe": true,
	"Indian": true, "Pacific": true,
}

// canonicalZone reports whether name looks like a canonical zone name.
func canonicalZone(name string) bool {
	if name == "UTC" {
		return true
	}
	area, rest, ok := strings.Cut(name, "/")
	if !ok || !canonicalAreas[area] || rest == "" {
		return false
	}
	for _, part := range strings.Split(rest, "/") {
		if part == "" || part[0] < 'A' || part[0] > 'Z' || strings.ContainsAny(part, ". ") {
			return false
		}
	}
	return true
}

// loadable keeps the names LoadZone accepts, sorted and unique.
func loadable(names []string) []string {
	var ok []string
	for _, n := range names {
		if _, err := LoadZone(n); err == nil {
			ok = append(ok, n)
		}
	}
	slices.Sort(ok)
	return slices.Compact(ok)
}

// orderZones puts Brazil's four zones first and the rest after, sorted.
func orderZones(names []string) []string {
	out := make([]string, 0, len(names)+len(brazilZones))
	first := make(map[string]bool, len(brazilZones))
	for _, z := range brazilZones {
		out = append(out, z.Name)
		first[z.Name] = true
	}
	for _, n := range names {
		if !first[n] {
			out = append(out, n)
		}
	}
	return out
}

// fallbackZones is used when no zoneinfo source can be listed: every
// Brazilian zone, the rest of the Americas' main zones and the world's
// principal cities.
var fallbackZones = []string{
	"UTC",
	// Brazil.
	"America/Araguaina", "America/Bahia", "America/Belem", "America/Boa_Vista",
	"America/Campo_Grande", "America/Cuiaba", "America/Eirunepe",
	"America/Fortaleza", "America/Maceio", "America/Manaus", "America/Noronha",
	"America/Porto_Velho", "America/Recife", "America/Rio_Branco",
	"America/Santarem", "America/Sao_Paulo",
	// The Americas.
	"America/Argentina/Buenos_Aires", "America/Asuncion", "America/Bogota",
	"America/Caracas", "America/Chicago", "America/Denver", "America/Guayaquil",
	"America/Halifax", "America/La_Paz", "America/Lima", "America/Los_Angeles",
	"America/Mexico_City", "America/Montevideo", "America/New_York",
	"America/Panama", "America/Phoenix", "America/Santiago",
	"America/Santo_Domingo", "America/Toronto", "America/Vancouver",
	"America/Anchorage", "Pacific/Honolulu", "America/Havana",
	"America/Puerto_Rico", "America/St_Johns",
	// Europe and Africa.
	"Atlantic/Azores", "Atlantic/Canary", "Atlantic/Cape_Verde", "Atlantic/Madeira",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels",
	"Europe/Dublin", "Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv",
	"Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Moscow",
	"Europe/Paris", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw",
	"Europe/Zurich", "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos",
	"Africa/Luanda", "Africa/Maputo", "Africa/Nairobi", "Africa/Casablanca",
	"Africa/Bissau", "Africa/Sao_Tome",
	// Asia and Oceania.
	"Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka",
	"Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Shanghai",
	"Asia/Hong_Kong", "Asia/Macau", "Asia/Dili", "Asia/Manila", "Asia/Seoul",
	"Asia/Tokyo", "Asia/Jerusalem", "Asia/Riyadh", "Asia/Tehran",
	"Australia/Perth", "Australia/Adelaide", "Australia/Brisbane",
	"Australia/Sydney", "Australia/Melbourne", "Pacific/Auckland",
	"Pacific/Fiji",
}
