package schedule

import (
	"fmt"
	"time"
)

// DisplayZone is the zone a person reads times in: their own choice when
// it loads, else the organisation's, else DefaultZone. It returns the IANA
// name and its location; a saved name that no longer loads (tzdata changed)
// falls through to the next choice instead of failing the page.
func DisplayZone(org, personal string) (string, *time.Location) {
	for _, name := range []string{personal, org} {
		if name == "" {
			continue
		}
		if loc, err := LoadZone(name); err == nil {
			return name, loc
		}
	}
	loc, _ := LoadZone(DefaultZone)
	return DefaultZone, loc
}

// CheckDisplayZone validates a zone chosen on the Settings or account page:
// a loadable IANA name, or "" (which means "the default" there). Errors wrap
// ErrUnknownZone.
func CheckDisplayZone(name string) error {
	if name == "" {
		return nil
	}
	if len(name) > 64 {
		return fmt.Errorf("schedule: display zone too long: %w", ErrUnknownZone)
	}
	_, err := LoadZone(name)
	return err
}
