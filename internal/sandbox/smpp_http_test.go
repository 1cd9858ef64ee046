package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"

	"arauto/internal/smpp"
)

// TestSMPPPasswordAndControl binds with the SMPP password of its own (a
// generated token is longer than SMPP allows), reads the binds over
// SMPPPath and drops one from outside, as a benchmark in another process
// does.
func TestSMPPPasswordAndControl(t *testing.T) {
	sb := newTestSandbox(t, Options{Token: "a-token-longer-than-eight-characters", SMPPPassword: "abcd1234"})
	addr := startSMPP(t, sb)
	if p := dialSMPP(t, addr).bind(smpp.BindTransceiver, DefaultUsername, "a-token-", SMPPSystemType); p.Status != smpp.StatusInvalidPassword {
		t.Errorf("bind with the token got %s, want ESME_RINVPASWD", p.Status)
	}
	for range 2 {
		if p := dialSMPP(t, addr).bind(smpp.BindTransceiver, DefaultUsername, "abcd1234", SMPPSystemType); p.Status != smpp.StatusOK {
			t.Fatalf("bind with the SMPP password got %s, want ESME_ROK", p.Status)
		}
	}
	stats := func(method, body string, code int) SMPPStats {
		t.Helper()
		rec := callAs(t, sb, method, SMPPPath, body, DefaultUsername, "a-token-longer-than-eight-characters")
		wantCode(t, rec, code)
		var st SMPPStats
		if code == http.StatusOK {
			if err := json.NewDecoder(rec.Body).Decode(&st); err != nil {
				t.Fatal(err)
			}
		}
		return st
	}
	if st := stats("GET", "", http.StatusOK); st.Bound != 2 || st.Binds != 2 || st.Unauthorized != 1 {
		t.Errorf("got %+v, want 2 bound of 2 binds, 1 refused", st)
	}
	if st := stats("POST", `{"drop":1}`, http.StatusOK); st.Bound != 1 {
		t.Errorf("after dropping one got %d bound, want 1", st.Bound)
	}
	stats("POST", `{"drop":0}`, http.StatusBadRequest)
}
