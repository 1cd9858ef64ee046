package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
)

// CreditPath serves the simulated account credit (Options.NoCreditAfter)
// as JSON, {"noCreditAfter": N, "used": M}: GET reads it, PUT or POST with
// {"noCreditAfter": N} sets it as SetNoCreditAfter does. It is not part of
// the Wavy API: it lets a test that runs the simulator as a separate
// process exhaust the credit and give it back. It needs the same
// credentials as the API.
const CreditPath = "/_sandbox/credit"

// creditState counts the SMS sent against the simulated credit; guarded
// by Sandbox.mu.
type creditState struct {
	limit, used int64
}

// Credit is the simulated account credit.
type Credit struct {
	// NoCreditAfter is how many SMS may be sent, counted from Used = 0;
	// 0 means unlimited.
	NoCreditAfter int64 `json:"noCreditAfter"`
	// Used is how many of them have been sent.
	Used int64 `json:"used"`
}

// SetNoCreditAfter gives the account credit for n more SMS, counted from
// now (0: unlimited), so a campaign paused on NO_CREDIT can resume.
func (s *Sandbox) SetNoCreditAfter(n int64) {
	s.mu.Lock()
	s.credit = creditState{limit: max(n, 0)}
	s.mu.Unlock()
}

// Credit returns the simulated account credit.
func (s *Sandbox) Credit() Credit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Credit{NoCreditAfter: s.credit.limit, Used: s.credit.used}
}

var routeCredit = newRoute(map[string]handlerFunc{
	http.MethodGet: (*Sandbox).handleCredit, http.MethodPut: (*Sandbox).handleCredit, http.MethodPost: (*Sandbox).handleCredit,
})

func (s *Sandbox) handleCredit(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if r.Method != http.MethodGet {
		var c struct {
			NoCreditAfter *int64 `json:"noCreditAfter"`
		}
		dec := json.NewDecoder(io.LimitReader(r.Body, 4<<10))
		if err := dec.Decode(&c); err != nil || c.NoCreditAfter == nil || *c.NoCreditAfter < 0 {
			s.badRequest(w, `want {"noCreditAfter": N} with N >= 0`)
			return
		}
		s.SetNoCreditAfter(*c.NoCreditAfter)
	}
	s.writeJSON(w, http.StatusOK, s.Credit())
}
