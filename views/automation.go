package views

import (
	"strings"
	"time"

	"arauto/internal/apitoken"
	"arauto/internal/audit"
	"arauto/internal/outhook"
)

// TokensData is the API tokens page.
type TokensData struct {
	Tokens []*apitoken.Token
	Form   Form
	// NewSecret is the secret of the token just made, shown this once.
	NewSecret string
	NewName   string
	Now       time.Time
}

// OuthooksData is the outgoing webhooks page.
type OuthooksData struct {
	Endpoints []outhook.Endpoint
	Form      Form
	// NewSecret is the signing secret just made, shown this once, for
	// the receiver SecretFor.
	NewSecret string
	SecretFor int64
}

// OuthookData is one receiver and its delivery log.
type OuthookData struct {
	Endpoint   outhook.Endpoint
	Deliveries []outhook.Delivery
	State      string
	Next       int64
	Form       Form
	NewSecret  string
}

// AuditData is the audit log page.
type AuditData struct {
	Entries []audit.Entry
	Filter  audit.Filter
	// Query is the filter as a query string, for the export link and the
	// next page.
	Query string
	Next  int64
	From  string
	To    string
}

// APIDocsData is the API's documentation, read from its OpenAPI document.
type APIDocsData struct {
	Title, Version, Description string
	Operations                  []APIOperation
	Schemas                     []APISchema
}

// APIOperation is one operation of the API.
type APIOperation struct {
	ID, Method, Path, Summary, Tag string
	Body                           string
	Responses                      []string
	Params                         []string
}

// APISchema is one schema and its fields.
type APISchema struct {
	Name, Description string
	Fields            []APIField
}

// APIField is one property of a schema.
type APIField struct {
	Name, Type, Description string
	Required                bool
}

// AuditActions are the actions offered by the audit filter.
func AuditActions() []audit.Action { return audit.Actions }

// EventTypes are the webhook event types offered.
func EventTypes() []string { return outhook.Types }

func hasEvent(e outhook.Endpoint, typ string) bool { return e.Wants(typ) }

func joinComma(v []string) string { return strings.Join(v, ", ") }
