package sandbox

import (
	"fmt"
	"net/http"
)

// statusRetentionMs is how long statuses stay queryable ("Os status ficam
// disponíveis por 3 dias").
const statusRetentionMs = 3 * 24 * 60 * 60 * 1000

// statusEntryLocked renders a message's status as the status endpoints see
// it at now: levels not reached yet are absent.
func (s *Sandbox) statusEntryLocked(idx uint32, now int64) statusEntry {
	m := s.viewLocked(idx)
	b := &s.batches[m.batch]
	c := carriers[m.carrier]
	e := statusEntry{
		ID: s.messageID(idx), CorrelationID: m.corrID, CarrierID: c.id, CarrierName: c.name,
		Destination: m.dest, CampaignID: int64(b.campaignID), ExtraInfo: m.extraInfo,
	}
	if now >= m.sentAt {
		e.SentStatusCode, e.SentStatus = int(m.sentCode), StatusName(int(m.sentCode))
		e.SentStatusAt, e.SentStatusDate = m.sentAt, formatDate(m.sentAt)
	}
	if m.dlrCode != 0 && now >= m.dlrAt() {
		at := m.dlrAt()
		e.DeliveredStatusCode, e.DeliveredStatus = int(m.dlrCode), StatusName(int(m.dlrCode))
		e.DeliveredAt, e.DeliveredDate = at, formatDate(at)
	}
	return e
}

// isSMSLocked reports whether the message at idx is an SMS still within
// the status retention.
func (s *Sandbox) isSMSLocked(idx uint32, now int64) bool {
	m := s.recs.at(idx)
	return s.batches[m.batch].channel == chSMS && now-m.acceptedAt <= statusRetentionMs
}

// handleStatusSearch answers POST /v1/sms/status/search with the current
// status of every message named by id or correlationId, accepted-but-not-
// yet-reported ones included. Unknown identifiers are left out.
func (s *Sandbox) handleStatusSearch(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	var req statusSearchRequest
	if err := decodeJSON(r, &req); err != nil {
		s.badRequest(w, err.Error())
		return
	}
	n := len(req.IDs) + len(req.CorrelationIDs)
	if n == 0 {
		s.badRequest(w, "ids or correlationIds is required")
		return
	}
	if n > MaxMessagesPerRequest {
		s.badRequest(w, fmt.Sprintf("at most %d ids and correlationIds per search", MaxMessagesPerRequest))
		return
	}
	now := s.nowMs()
	out := make([]statusEntry, 0, n)
	seen := make(map[uint32]bool, n)
	s.mu.Lock()
	add := func(idx uint32) {
		if !seen[idx] && s.isSMSLocked(idx, now) {
			seen[idx] = true
			out = append(out, s.statusEntryLocked(idx, now))
		}
	}
	for _, id := range req.IDs {
		if idx, ok := s.lookupIDLocked(id); ok {
			add(idx)
		}
	}
	for _, c := range req.CorrelationIDs {
		for _, idx := range s.corrChainLocked(c) {
			add(idx)
		}
	}
	s.mu.Unlock()
	s.writeJSON(w, http.StatusOK, out)
}

// handleStatusList answers GET /v1/sms/status/list with the statuses not
// returned by this endpoint before (at most 1000 per call).
func (s *Sandbox) handleStatusList(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	now := s.nowMs()
	out := make([]statusEntry, 0, 64)
	s.mu.Lock()
	advancing := true
	for i := s.stCursor; i < s.recs.len() && len(out) < MaxMessagesPerRequest; i++ {
		idx := uint32(i)
		m := s.recs.at(idx)
		if !s.isSMSLocked(idx, now) {
			if advancing {
				s.stCursor = i + 1
			}
			continue
		}
		newSent := now >= m.sentAt && m.flags&flagListedSent == 0
		newDLR := m.dlrCode != 0 && now >= m.dlrAt() && m.flags&flagListedDLR == 0
		if newSent || newDLR {
			out = append(out, s.statusEntryLocked(idx, now))
			if now >= m.sentAt {
				m.flags |= flagListedSent
			}
			if m.dlrCode != 0 && now >= m.dlrAt() {
				m.flags |= flagListedDLR
			}
		}
		done := m.flags&flagListedSent != 0 && (m.dlrCode == 0 || m.flags&flagListedDLR != 0)
		if advancing && done {
			s.stCursor = i + 1
		} else {
			advancing = false
		}
	}
	s.mu.Unlock()
	s.writeJSON(w, http.StatusOK, out)
}
