package wavy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Campaign is a campaign registered with the Campaign API on apigw. Its
// Alias is what messages carry as campaignAlias.
type Campaign struct {
	// ID is the provider's numeric id.
	ID int64 `json:"id"`
	// Name is the display name.
	Name string `json:"name"`
	// Alias is the short identifier used by the messaging APIs.
	Alias string `json:"alias"`
}

type campaignWire struct {
	ID    FlexInt    `json:"id"`
	Name  FlexString `json:"name"`
	Alias FlexString `json:"alias"`
}

func (w campaignWire) campaign() Campaign {
	return Campaign{ID: int64(w.ID), Name: string(w.Name), Alias: string(w.Alias)}
}

// CampaignInput is the body of a create or update.
type CampaignInput struct {
	// Name is required.
	Name string `json:"name"`
	// Alias is optional; keep it short and free of special characters.
	Alias string `json:"alias,omitempty"`
}

// MaxCampaignAlias is a client-side bound on the alias length; the
// documentation only asks for a short one.
const MaxCampaignAlias = 64

// Validate requires a name and an alias without whitespace.
func (in CampaignInput) Validate() error {
	var p problems
	if strings.TrimSpace(in.Name) == "" {
		p.add("campaign.name", "required")
	}
	if strings.ContainsAny(in.Alias, " \t\r\n") {
		p.add("campaign.alias", "must not contain whitespace: %q", in.Alias)
	}
	if len(in.Alias) > MaxCampaignAlias {
		p.add("campaign.alias", "%d bytes, at most %d", len(in.Alias), MaxCampaignAlias)
	}
	return p.err()
}

// Page is the pagination of a campaign list, read from the page-number,
// per-page, total and total-pages response headers (zero when absent).
type Page struct {
	// Number is the page returned, from 1.
	Number int
	// PerPage is the page size.
	PerPage int
	// Total is the number of campaigns matching.
	Total int
	// TotalPages is the number of pages.
	TotalPages int
}

// CampaignList is one page of campaigns.
type CampaignList struct {
	// Campaigns on this page.
	Campaigns []Campaign
	// Page describes the pagination.
	Page Page
}

// envelopeStatus is the Campaign API's {"status":{"error":false}}.
type envelopeStatus struct {
	Error FlexBool `json:"error"`
	raw   json.RawMessage
}

// UnmarshalJSON keeps the raw object for error messages.
func (s *envelopeStatus) UnmarshalJSON(b []byte) error {
	var w struct {
		Error FlexBool `json:"error"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s.Error = w.Error
	s.raw = append(json.RawMessage(nil), b...)
	return nil
}

type campaignEnvelope struct {
	Status    *envelopeStatus `json:"status"`
	Campaign  *campaignWire   `json:"campaign"`
	Campaigns []campaignWire  `json:"campaigns"`
}

// ParseCampaignResponse reads a get/create/update/delete answer
// ({"status":{"error":false},"campaign":{..}}). A status with error true is
// an *APIError matching ErrRejected.
func ParseCampaignResponse(body []byte) (Campaign, error) {
	return parseCampaign("campaign", http.StatusOK, body)
}

func parseCampaign(op string, code int, body []byte) (Campaign, error) {
	var env campaignEnvelope
	if err := decodeLenient(body, &env); err != nil {
		return Campaign{}, err
	}
	if err := envelopeError(op, code, body, env.Status); err != nil {
		return Campaign{}, err
	}
	if env.Campaign == nil {
		return Campaign{}, errors.New("no campaign in response")
	}
	return env.Campaign.campaign(), nil
}

// ParseCampaignList reads a list answer's body ({"campaigns":[..]}) and
// pagination headers.
func ParseCampaignList(header http.Header, body []byte) (CampaignList, error) {
	return parseCampaignList("campaign-list", http.StatusOK, header, body)
}

func parseCampaignList(op string, code int, header http.Header, body []byte) (CampaignList, error) {
	var env campaignEnvelope
	if err := decodeLenient(body, &env); err != nil {
		return CampaignList{}, err
	}
	if err := envelopeError(op, code, body, env.Status); err != nil {
		return CampaignList{}, err
	}
	if env.Campaigns == nil && env.Status == nil {
		return CampaignList{}, errors.New("no campaigns in response")
	}
	out := CampaignList{Campaigns: make([]Campaign, 0, len(env.Campaigns))}
	for _, w := range env.Campaigns {
		out.Campaigns = append(out.Campaigns, w.campaign())
	}
	out.Page = Page{
		Number:     headerInt(header, "page-number"),
		PerPage:    headerInt(header, "per-page"),
		Total:      headerInt(header, "total"),
		TotalPages: headerInt(header, "total-pages"),
	}
	return out, nil
}

func headerInt(h http.Header, key string) int {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get(key)))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// ListCampaigns lists campaigns with GET {apigw}/api/v1/campaigns, filtered
// by name when not empty; page and pageSize are sent when positive. Safe to
// retry.
func (c *Client) ListCampaigns(ctx context.Context, name string, page, pageSize int) (CampaignList, error) {
	const op = "campaign-list"
	q := url.Values{}
	if name != "" {
		q.Set("name", name)
	}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if pageSize > 0 {
		q.Set("page_size", strconv.Itoa(pageSize))
	}
	var out CampaignList
	err := c.do(ctx, call{op: op, method: http.MethodGet, host: hostAPIGW, path: "/api/v1/campaigns", query: q, safe: true},
		func(res result) (err error) {
			out, err = parseCampaignList(op, res.code, res.header, res.body)
			return err
		})
	return out, err
}

// GetCampaign fetches one campaign with GET {apigw}/api/v1/campaign/{id}
// (singular, as the reference line documents). Safe to retry.
func (c *Client) GetCampaign(ctx context.Context, id int64) (Campaign, error) {
	const op = "campaign-get"
	if id <= 0 {
		return Campaign{}, fmt.Errorf("wavy: %s: %w", op, &FieldError{Field: "id", Problem: "must be positive"})
	}
	var out Campaign
	err := c.do(ctx, call{op: op, method: http.MethodGet, host: hostAPIGW, path: "/api/v1/campaign/" + strconv.FormatInt(id, 10), safe: true},
		func(res result) (err error) { out, err = parseCampaign(op, res.code, res.body); return err })
	return out, err
}

type campaignBody struct {
	Campaign CampaignInput `json:"campaign"`
}

// CreateCampaign registers a campaign with POST {apigw}/api/v1/campaigns.
// Never retried: on ErrUnknownOutcome, list by name before creating again.
func (c *Client) CreateCampaign(ctx context.Context, in CampaignInput) (Campaign, error) {
	const op = "campaign-create"
	if err := in.Validate(); err != nil {
		return Campaign{}, fmt.Errorf("wavy: %s: %w", op, err)
	}
	var out Campaign
	err := c.do(ctx, call{op: op, method: http.MethodPost, host: hostAPIGW, path: "/api/v1/campaigns", body: campaignBody{in}},
		func(res result) (err error) { out, err = parseCampaign(op, res.code, res.body); return err })
	return out, err
}

// UpdateCampaign changes a campaign's name and/or alias with
// PUT {apigw}/api/v1/campaigns/{id}. Never retried.
func (c *Client) UpdateCampaign(ctx context.Context, id int64, in CampaignInput) (Campaign, error) {
	const op = "campaign-update"
	var p problems
	if id <= 0 {
		p.add("id", "must be positive")
	}
	if err := errors.Join(p.err(), in.Validate()); err != nil {
		return Campaign{}, fmt.Errorf("wavy: %s: %w", op, err)
	}
	var out Campaign
	err := c.do(ctx, call{op: op, method: http.MethodPut, host: hostAPIGW, path: "/api/v1/campaigns/" + strconv.FormatInt(id, 10), body: campaignBody{in}},
		func(res result) (err error) { out, err = parseCampaign(op, res.code, res.body); return err })
	return out, err
}

// DeleteCampaign removes a campaign with DELETE {apigw}/api/v1/campaigns/{id}.
// An empty 2xx body is accepted; a body with an error status is not. Never
// retried.
func (c *Client) DeleteCampaign(ctx context.Context, id int64) error {
	const op = "campaign-delete"
	if id <= 0 {
		return fmt.Errorf("wavy: %s: %w", op, &FieldError{Field: "id", Problem: "must be positive"})
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, host: hostAPIGW, path: "/api/v1/campaigns/" + strconv.FormatInt(id, 10)},
		func(res result) error {
			if len(strings.TrimSpace(string(res.body))) == 0 {
				return nil
			}
			var env campaignEnvelope
			if err := decodeLenient(res.body, &env); err != nil {
				return err
			}
			return envelopeError(op, res.code, res.body, env.Status)
		})
}
