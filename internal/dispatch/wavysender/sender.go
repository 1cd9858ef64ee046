package wavysender

import (
	"context"
	"errors"
	"fmt"

	"arauto/internal/dispatch"
	"arauto/internal/wavy"
)

// Sender sends dispatch batches through the Wavy API.
type Sender struct {
	// Client returns the client for the provider settings in force.
	Client func(ctx context.Context) (*wavy.Client, error)
}

// Send submits the batch with send-bulk-sms; every message carries its
// correlationId and the campaign's alias.
func (s Sender) Send(ctx context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	if b.Campaign.Channel == "whatsapp" {
		return nil, fmt.Errorf("wavysender: WhatsApp campaigns are not sent yet: %w", dispatch.ErrRejected)
	}
	c, err := s.Client(ctx)
	if err != nil {
		return nil, fmt.Errorf("wavysender: %w: %w", dispatch.ErrTryLater, err)
	}
	req := wavy.BulkSMS{
		Messages:         make([]wavy.BulkMessage, len(b.Messages)),
		CampaignAlias:    b.Campaign.Alias,
		DefaultValues:    wavy.BulkMessage{FlashSMS: b.Campaign.Flash, ExtraInfo: b.Campaign.ExtraInfo},
		ExpiresAt:        b.Campaign.Expiry.At,
		ExpiresInMinutes: b.Campaign.Expiry.InMinutes,
		ExpiresDate:      b.Campaign.Expiry.Date,
	}
	byCorr := make(map[string]int64, len(b.Messages))
	for i, m := range b.Messages {
		corr := dispatch.CorrelationID(m.CampaignID, m.ID)
		byCorr[corr] = m.ID
		req.Messages[i] = wavy.BulkMessage{Destination: m.Phone, MessageText: m.Text, CorrelationID: corr}
	}
	resp, err := c.SendBulkSMS(ctx, req)
	if err != nil {
		return nil, classify(err)
	}
	acc := make([]dispatch.Accepted, 0, len(resp.Messages))
	for _, r := range resp.Messages {
		if id, ok := byCorr[r.CorrelationID]; ok && r.ID != "" {
			acc = append(acc, dispatch.Accepted{MessageID: id, ProviderID: r.ID})
		}
	}
	return acc, nil
}

// Find looks messages up with the status search (1 request per second,
// enforced by the client's limiter).
func (s Sender) Find(ctx context.Context, correlationIDs []string) (map[string]string, error) {
	c, err := s.Client(ctx)
	if err != nil {
		return nil, err
	}
	sts, err := c.SearchSMSStatus(ctx, wavy.StatusQuery{CorrelationIDs: correlationIDs})
	if err != nil {
		return nil, classify(err)
	}
	found := make(map[string]string, len(sts))
	for _, st := range sts {
		if st.CorrelationID != "" && st.ID != "" {
			found[st.CorrelationID] = st.ID
		}
	}
	return found, nil
}

// classify maps the client's error kinds onto the dispatcher's. What the
// client calls an unknown outcome stays unclassified: the dispatcher then
// reconciles instead of guessing.
func classify(err error) error {
	switch {
	case errors.Is(err, wavy.ErrUnauthorized):
		return fmt.Errorf("%w: %w", dispatch.ErrUnauthorized, err)
	case errors.Is(err, wavy.ErrRejected):
		return fmt.Errorf("%w: %w", dispatch.ErrRejected, err)
	case errors.Is(err, wavy.ErrTryLater):
		return fmt.Errorf("%w: %w", dispatch.ErrTryLater, err)
	}
	return err
}
