package sandbox

import (
	"fmt"
	"net/http"
	"time"
)

// MO retention: the list covers the last 3 days (newer edition), the
// search may reach 5 days back.
const (
	moListWindowMs   = 3 * 24 * 60 * 60 * 1000
	moSearchWindowMs = 5 * 24 * 60 * 60 * 1000
)

// handleMOList answers GET /v1/sms/receive/list: the SMS MOs not returned
// by this endpoint before, up to 1000, optionally of one subAccount.
func (s *Sandbox) handleMOList(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	sub := r.URL.Query().Get("subAccount")
	now := s.nowMs()
	start := now - moListWindowMs
	resp := moListResponse{Start: formatDate(start), End: formatDateMillis(now), Messages: []smsMO{}}
	s.mu.Lock()
	s.drainMOLocked(now)
	advancing := true
	for i := s.moCursor; i < len(s.mos) && len(resp.Messages) < MaxMessagesPerRequest; i++ {
		mo := &s.mos[i]
		m := s.recs.at(mo.msg)
		b := &s.batches[m.batch]
		switch {
		case mo.listed || b.channel != chSMS || mo.at < start:
		case sub != "" && b.subAccount != sub:
			advancing = false
			continue
		default:
			mo.listed = true
			v := s.viewLocked(mo.msg)
			resp.Messages = append(resp.Messages, s.smsMO(uint32(i), mo, &v, b))
		}
		if advancing {
			s.moCursor = i + 1
		}
	}
	s.mu.Unlock()
	resp.Total = len(resp.Messages)
	s.writeJSON(w, http.StatusOK, resp)
}

// parseISO reads the ISO-8601 forms the MO search accepts; a time without
// an offset is UTC.
func parseISO(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO-8601 date", v)
}

// handleMOSearch answers GET /v1/sms/receive/search?start=&end=&subAccount=
// with the SMS MOs received in the period (default: the last 5 days).
func (s *Sandbox) handleMOSearch(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	q := r.URL.Query()
	now := s.nowMs()
	start, end := now-moSearchWindowMs, now
	if v := q.Get("start"); v != "" {
		t, err := parseISO(v)
		if err != nil {
			s.badRequest(w, "start: "+err.Error())
			return
		}
		start = max(t.UnixMilli(), now-moSearchWindowMs)
	}
	if v := q.Get("end"); v != "" {
		t, err := parseISO(v)
		if err != nil {
			s.badRequest(w, "end: "+err.Error())
			return
		}
		end = t.UnixMilli()
	}
	if start > end {
		s.badRequest(w, "start must not be after end")
		return
	}
	sub := q.Get("subAccount")
	resp := moListResponse{Start: formatDate(start), End: formatDateMillis(end), Messages: []smsMO{}}
	s.mu.Lock()
	s.drainMOLocked(now)
	for i := range s.mos {
		if len(resp.Messages) >= MaxMessagesPerRequest {
			break
		}
		mo := &s.mos[i]
		m := s.recs.at(mo.msg)
		b := &s.batches[m.batch]
		if b.channel != chSMS || mo.at < start || mo.at > end || (sub != "" && b.subAccount != sub) {
			continue
		}
		v := s.viewLocked(mo.msg)
		resp.Messages = append(resp.Messages, s.smsMO(uint32(i), mo, &v, b))
	}
	s.mu.Unlock()
	resp.Total = len(resp.Messages)
	s.writeJSON(w, http.StatusOK, resp)
}
