package delivery

import "time"

// Kinds of raw events, as the webhook paths name them.
const (
	KindSMSStatus      = "sms-status"
	KindSMSMO          = "sms-mo"
	KindWhatsAppStatus = "whatsapp-status"
	KindWhatsAppMO     = "whatsapp-mo"
)

// ValidKind reports whether k is one of the kinds.
func ValidKind(k string) bool {
	switch k {
	case KindSMSStatus, KindSMSMO, KindWhatsAppStatus, KindWhatsAppMO:
		return true
	}
	return false
}

// Sources of raw events.
const (
	SourceWebhook = "webhook"
	SourcePoll    = "poll"
)

// Event is a provider notification exactly as it arrived: the body of one
// webhook, or one polled list. It is stored before anything else happens
// to it, and applied later.
type Event struct {
	ID         int64
	Kind       string
	Source     string // SourceWebhook or SourcePoll
	ReceivedAt time.Time
	Items      int // entries in the body
	Body       []byte
	// Attempts counts the earlier applications that left the event
	// waiting for a message that did not exist yet.
	Attempts int
}
