package store

import "testing"

// TestProviderIDRoundTrip: a UUID is stored as its 16 bytes and read back
// as its text; any other id, even one of 16 characters, as it is.
func TestProviderIDRoundTrip(t *testing.T) {
	for _, id := range []string{"6b3c1d2e-8f90-4a1b-9c2d-3e4f5a6b7c8d", "0123456789abcdef", "smpp-42", ""} {
		stored := compactProviderID(id)
		b, blob := []byte(nil), false
		switch v := stored.(type) {
		case []byte:
			b, blob = v, true
		case string:
			b = []byte(v)
		}
		if got := expandProviderID(b, blob); got != id {
			t.Errorf("provider id %q read back as %q", id, got)
		}
	}
}
