package sandbox

import (
	"net/http"
	"strings"
)

// carrierInfo is one Brazilian mobile carrier with its share of numbers in
// basis points. Carrier IDs 1 (VIVO) and 5 (TIM) are the ones the seeds show.
type carrierInfo struct {
	id    int
	name  string
	share int
}

const (
	carrierUnknown uint8 = iota
	carrierVivo
	carrierClaro
	carrierOi
	carrierNextel
	carrierTim
	carrierSercomtel
	carrierAlgar
)

// carriers is indexed by the carrier constants above.
var carriers = [...]carrierInfo{
	carrierUnknown:   {0, "UNKNOWN", 0},
	carrierVivo:      {1, "VIVO", 3300},
	carrierClaro:     {2, "CLARO", 2500},
	carrierOi:        {3, "OI", 1600},
	carrierNextel:    {4, "NEXTEL", 100},
	carrierTim:       {5, "TIM", 2400},
	carrierSercomtel: {6, "SERCOMTEL", 20},
	carrierAlgar:     {7, "ALGAR", 80},
}

// noDeliveryReport reports whether the carrier sends no DLR: "as operadoras
// OI e Sercomtel não possuem esta funcionalidade".
func noDeliveryReport(c uint8) bool { return c == carrierOi || c == carrierSercomtel }

// numberKind classifies a normalised destination.
type numberKind uint8

const (
	kindInvalid numberKind = iota
	kindMobileBR
	kindLandlineBR
	kindForeign
)

// validDDD holds the Brazilian area codes in use.
var validDDD = func() (t [100]bool) {
	for _, d := range []int{
		11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
		41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69,
		71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89,
		91, 92, 93, 94, 95, 96, 97, 98, 99,
	} {
		t[d] = true
	}
	return t
}()

// normalizeNumber strips the decorations the docs accept ("+55(19) 900001111")
// and reports whether only digits remain.
func normalizeNumber(s string) (string, bool) {
	allDigits := len(s) > 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			allDigits = false
			break
		}
	}
	if allDigits {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '+' || c == '(' || c == ')' || c == ' ' || c == '-' || c == '.':
		default:
			return s, false
		}
	}
	if b.Len() == 0 {
		return s, false
	}
	return b.String(), true
}

// classifyNumber tells Brazilian mobiles (55 + DDD + 9 + 8 digits) from
// landlines, foreign numbers and garbage.
func classifyNumber(d string) numberKind {
	n := len(d)
	if n < 8 || n > 15 {
		return kindInvalid
	}
	if d[0] != '5' || d[1] != '5' {
		return kindForeign
	}
	ddd := int(d[2]-'0')*10 + int(d[3]-'0')
	if !validDDD[ddd] {
		return kindInvalid
	}
	switch {
	case n == 13 && d[4] == '9':
		return kindMobileBR
	case n == 12 && d[4] >= '2' && d[4] <= '5':
		return kindLandlineBR
	}
	return kindInvalid
}

// carrierFor picks the carrier of a Brazilian mobile from a hash of the
// number alone, so a number keeps its carrier whatever the seed.
func carrierFor(d string) uint8 {
	h := fnv64(0, d)
	u := int(mix64(h) % 10000)
	acc := 0
	for i := 1; i < len(carriers); i++ {
		acc += carriers[i].share
		if u < acc {
			return uint8(i)
		}
	}
	return carrierVivo
}

// lookupRequest is the body of POST /v1/carrier/lookup.
type lookupRequest struct {
	Destinations []string `json:"destinations"`
}

// lookupCarrier is the carrier object of a lookup answer.
type lookupCarrier struct {
	Name        string `json:"name"`
	CountryCode string `json:"countryCode,omitempty"`
}

// lookupDestination is one answer of a carrier lookup.
type lookupDestination struct {
	Destination string        `json:"destination"`
	Active      bool          `json:"active"`
	Carrier     lookupCarrier `json:"carrier"`
}

// lookupResponse is the answer of POST /v1/carrier/lookup.
type lookupResponse struct {
	ID           string              `json:"id"`
	Destinations []lookupDestination `json:"destinations"`
}

func (s *Sandbox) handleCarrierLookup(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	var req lookupRequest
	if err := decodeJSON(r, &req); err != nil {
		s.badRequest(w, err.Error())
		return
	}
	if len(req.Destinations) == 0 {
		s.badRequest(w, "destinations is required")
		return
	}
	if len(req.Destinations) > MaxMessagesPerRequest {
		s.badRequest(w, "at most 1000 destinations per request")
		return
	}
	resp := lookupResponse{ID: uuidString(uuidFor(s.idKey, domainLookup, s.lookupSeq.Add(1))), Destinations: make([]lookupDestination, len(req.Destinations))}
	for i, raw := range req.Destinations {
		d, ok := normalizeNumber(raw)
		out := lookupDestination{Destination: d, Carrier: lookupCarrier{Name: "UNKNOWN"}}
		if ok && classifyNumber(d) == kindMobileBR {
			out.Active = true
			out.Carrier = lookupCarrier{Name: carriers[carrierFor(d)].name, CountryCode: "BR"}
		}
		resp.Destinations[i] = out
	}
	s.writeJSON(w, http.StatusOK, resp)
}
