package views

import (
	"arauto/internal/billing"
	"arauto/internal/campaign"
	"arauto/internal/fallback"
	"arauto/internal/message"
	"arauto/internal/recipient"
)

// FallbackForm is the editor of a WhatsApp campaign's SMS fallback.
type FallbackForm struct {
	Campaign *campaign.Campaign
	List     *recipient.List
	Form     Form
	Composer ComposerData
	Cost     ComposeCost
	// MinHours and MaxHours bound the wait for a WhatsApp delivery.
	MinHours, MaxHours int
}

// FallbackSummary is a WhatsApp campaign's fallback on its page.
type FallbackSummary struct {
	Settings fallback.Settings
}

// FallbackReview is the pre-flight's card of a WhatsApp campaign's SMS
// fallback: what it would cost if every recipient fell back, counted
// apart from the WhatsApp messages.
type FallbackReview struct {
	Settings fallback.Settings
	// Cost is the SMS rendered for every recipient (HasCost), Billing the
	// rule and prices it was counted with.
	HasCost bool
	Cost    message.Cost
	Billing billing.Settings
	// Problem is what is wrong with the text for the list (translated).
	Problem string
}
