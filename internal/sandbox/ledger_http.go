package sandbox

import "net/http"

// LedgerPath serves the ledger's totals as JSON. It is not part of the
// Wavy API: it lets tests that run the simulator as a separate process
// (`arauto sandbox`) check from outside that every message was accepted
// exactly once. It needs the same credentials as the API.
const LedgerPath = "/_sandbox/ledger"

var routeLedger = newRoute(map[string]handlerFunc{http.MethodGet: (*Sandbox).handleLedger})

func (s *Sandbox) handleLedger(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	s.writeJSON(w, http.StatusOK, s.Ledger())
}
