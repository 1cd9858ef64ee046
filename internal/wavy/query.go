package wavy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// StatusQuery selects messages for POST /v1/sms/status/search by the
// provider's UUIDs and/or the caller's correlationIds. Statuses are kept for
// three days.
type StatusQuery struct {
	// IDs are provider UUIDs.
	IDs []string `json:"ids,omitempty"`
	// CorrelationIDs are the caller's ids.
	CorrelationIDs []string `json:"correlationIds,omitempty"`
}

// Validate requires at least one id or correlationId, none empty.
func (q StatusQuery) Validate() error {
	var p problems
	if len(q.IDs) == 0 && len(q.CorrelationIDs) == 0 {
		p.add("ids", "at least one id or correlationId is required")
	}
	for i, id := range q.IDs {
		if id == "" {
			p.add(fmt.Sprintf("ids[%d]", i), "empty")
		}
	}
	for i, id := range q.CorrelationIDs {
		if id == "" {
			p.add(fmt.Sprintf("correlationIds[%d]", i), "empty")
		}
	}
	return p.err()
}

// SearchSMSStatus looks statuses up with POST /v1/sms/status/search. It
// shares the status rate limit (Config.StatusQueriesPerSecond, 1/s by
// default) with ListSMSStatus, and is retried on TryLater/Unknown outcomes.
// The answer's envelope is not documented; see ParseSMSStatus for what is
// accepted. An empty answer is an empty slice.
func (c *Client) SearchSMSStatus(ctx context.Context, q StatusQuery) ([]SMSStatus, error) {
	const op = "sms-status-search"
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("wavy: %s: %w", op, err)
	}
	return c.statuses(ctx, call{op: op, method: http.MethodPost, path: "/v1/sms/status/search", body: q, safe: true, status: true})
}

// ListSMSStatus fetches, with GET /v1/sms/status/list, the statuses this
// endpoint has not returned before. The provider consumes what it returns:
// a lost answer is not recovered by a retry, so prefer webhooks or
// SearchSMSStatus for reconciliation.
func (c *Client) ListSMSStatus(ctx context.Context) ([]SMSStatus, error) {
	return c.statuses(ctx, call{op: "sms-status-list", method: http.MethodGet, path: "/v1/sms/status/list", safe: true, status: true})
}

func (c *Client) statuses(ctx context.Context, cl call) ([]SMSStatus, error) {
	var out []SMSStatus
	err := c.do(ctx, cl, func(res result) error {
		if res.code == http.StatusNoContent {
			out = []SMSStatus{}
			return nil
		}
		items, err := ParseSMSStatus(res.body)
		if err != nil {
			return err
		}
		out = items
		return nil
	})
	return out, err
}

// ListMO fetches, with GET /v1/sms/receive/list, the MOs received since the
// previous call (consumed by the call; at most 1000 from the last days).
// subAccount narrows an administrator's list; "" means all the user may see.
func (c *Client) ListMO(ctx context.Context, subAccount string) (MOList, error) {
	q := url.Values{}
	if subAccount != "" {
		q.Set("subAccount", subAccount)
	}
	return c.moList(ctx, call{op: "sms-mo-list", method: http.MethodGet, path: "/v1/sms/receive/list", query: q, safe: true})
}

// MOSearch selects MOs for GET /v1/sms/receive/search. Zero Start and End
// use the provider's defaults (five days ago and now). Times are sent in UTC
// as yyyy-MM-ddTHH:mm:ss, the documented form.
type MOSearch struct {
	// Start is the lower bound.
	Start time.Time
	// End is the upper bound.
	End time.Time
	// SubAccount narrows an administrator's search.
	SubAccount string
}

// Validate requires Start before End when both are set.
func (q MOSearch) Validate() error {
	var p problems
	if !q.Start.IsZero() && !q.End.IsZero() && !q.Start.Before(q.End) {
		p.add("start", "must be before end")
	}
	return p.err()
}

// Query encodes the search as its query string.
func (q MOSearch) Query() url.Values {
	v := url.Values{}
	if !q.Start.IsZero() {
		v.Set("start", q.Start.UTC().Format(LocalDateLayout))
	}
	if !q.End.IsZero() {
		v.Set("end", q.End.UTC().Format(LocalDateLayout))
	}
	if q.SubAccount != "" {
		v.Set("subAccount", q.SubAccount)
	}
	return v
}

// SearchMO fetches the MOs received in a period with
// GET /v1/sms/receive/search. Safe to retry.
func (c *Client) SearchMO(ctx context.Context, q MOSearch) (MOList, error) {
	const op = "sms-mo-search"
	if err := q.Validate(); err != nil {
		return MOList{}, fmt.Errorf("wavy: %s: %w", op, err)
	}
	return c.moList(ctx, call{op: op, method: http.MethodGet, path: "/v1/sms/receive/search", query: q.Query(), safe: true})
}

func (c *Client) moList(ctx context.Context, cl call) (MOList, error) {
	var out MOList
	err := c.do(ctx, cl, func(res result) error {
		if res.code == http.StatusNoContent {
			out = MOList{Messages: []SMSMO{}}
			return nil
		}
		l, err := ParseMOList(res.body)
		if err != nil {
			return err
		}
		out = l
		return nil
	})
	return out, err
}

// CarrierLookup is the answer of the carrier lookup API.
type CarrierLookup struct {
	// ID is the provider's UUID for the lookup.
	ID string
	// Destinations hold one entry per number asked, in order.
	Destinations []CarrierInfo
}

// CarrierInfo is the carrier of one number.
type CarrierInfo struct {
	// Destination is the number, normalised by the provider.
	Destination string
	// BelongsToCarrier is the answer's "active": true when the number
	// belongs to Carrier. The seeds say it checks only that ("atualmente
	// verificar apenas se o número pertence a operadora, não ativo / em
	// uso"), so false never means the number is inactive or not in use.
	BelongsToCarrier bool
	// Carrier names the carrier; Name is "UNKNOWN" for invalid numbers.
	Carrier Carrier
}

// Carrier is a carrier and its country.
type Carrier struct {
	// Name is the carrier's name, e.g. VIVO.
	Name string `json:"name"`
	// CountryCode is the two-letter country code; empty for unknown numbers.
	CountryCode string `json:"countryCode,omitempty"`
}

// ParseCarrierLookup reads a carrier lookup answer.
func ParseCarrierLookup(body []byte) (CarrierLookup, error) {
	var w struct {
		ID           FlexString `json:"id"`
		Destinations []struct {
			Destination FlexString `json:"destination"`
			Active      FlexBool   `json:"active"`
			Carrier     *struct {
				Name        FlexString `json:"name"`
				CountryCode FlexString `json:"countryCode"`
			} `json:"carrier"`
		} `json:"destinations"`
	}
	if err := decodeLenient(body, &w); err != nil {
		return CarrierLookup{}, err
	}
	if w.ID == "" && w.Destinations == nil {
		return CarrierLookup{}, errors.New("neither id nor destinations")
	}
	out := CarrierLookup{ID: string(w.ID), Destinations: make([]CarrierInfo, 0, len(w.Destinations))}
	for _, d := range w.Destinations {
		ci := CarrierInfo{Destination: string(d.Destination), BelongsToCarrier: bool(d.Active)}
		if d.Carrier != nil {
			ci.Carrier = Carrier{Name: string(d.Carrier.Name), CountryCode: string(d.Carrier.CountryCode)}
		}
		out.Destinations = append(out.Destinations, ci)
	}
	return out, nil
}

// LookupCarriers asks the current carrier (portability included) of numbers
// with POST /v1/carrier/lookup. Numbers may be written 5519999999999 or
// +55(19)999999999. Read-only, so retried on TryLater/Unknown outcomes.
func (c *Client) LookupCarriers(ctx context.Context, destinations []string) (CarrierLookup, error) {
	const op = "carrier-lookup"
	var p problems
	if len(destinations) == 0 {
		p.add("destinations", "at least one number is required")
	}
	for i, d := range destinations {
		if d == "" {
			p.add(fmt.Sprintf("destinations[%d]", i), "empty")
		}
	}
	if err := p.err(); err != nil {
		return CarrierLookup{}, fmt.Errorf("wavy: %s: %w", op, err)
	}
	body := struct {
		Destinations []string `json:"destinations"`
	}{destinations}
	var out CarrierLookup
	err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/v1/carrier/lookup", body: body, safe: true},
		func(res result) (err error) { out, err = ParseCarrierLookup(res.body); return err })
	return out, err
}
