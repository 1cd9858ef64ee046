package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
)

// SMPPPath serves the SMPP server's counters (SMPPStats) as JSON; POST
// {"drop": N} first closes N bound sessions abruptly, as a network
// failure would (DropSMPPBinds). It is not part of the Wavy API: it lets
// a test or a benchmark that runs the simulator in another process watch
// the binds and time a reconnection. It needs the same credentials as the
// API.
const SMPPPath = "/_sandbox/smpp"

var routeSMPP = newRoute(map[string]handlerFunc{http.MethodGet: (*Sandbox).handleSMPP, http.MethodPost: (*Sandbox).handleSMPP})

func (s *Sandbox) handleSMPP(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if r.Method == http.MethodPost {
		var req struct {
			Drop int `json:"drop"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&req); err != nil || req.Drop < 1 {
			s.badRequest(w, `want {"drop": N} with N >= 1`)
			return
		}
		s.DropSMPPBinds(req.Drop)
	}
	s.writeJSON(w, http.StatusOK, s.SMPPStats())
}
