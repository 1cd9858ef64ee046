package wavysender

import (
	"context"
	"errors"
	"fmt"

	"arauto/internal/dispatch"
	"arauto/internal/message"
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
	if b.Campaign.Channel == message.ChannelWhatsApp {
		return s.sendWhatsApp(ctx, b)
	}
	c, err := s.Client(ctx)
	if err != nil {
		return nil, fmt.Errorf("wavysender: %w: %w", dispatch.ErrTryLater, err)
	}
	req := wavy.BulkSMS{
		Messages:         make([]wavy.BulkMessage, len(b.Messages)),
		CampaignAlias:    b.Campaign.Alias,
		DefaultValues:    wavy.BulkMessage{FlashSMS: b.Campaign.Flash, ExtraInfo: b.Campaign.ExtraInfo},
		ExpiresAt:        b.Campaign.Schedule.Expiry.At,
		ExpiresInMinutes: b.Campaign.Schedule.Expiry.InMinutes,
		ExpiresDate:      b.Campaign.Schedule.Expiry.Date,
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

// CanReconcile reports whether Find can verify messages of the channel:
// the seeds document a status search for SMS only, so WhatsApp messages
// with an unknown outcome are never looked up (nor resent).
func (s Sender) CanReconcile(channel string) bool { return channel != message.ChannelWhatsApp }

// sendWhatsApp sends a WhatsApp batch: one request per distinct rendering
// of the message (at most 1000 destinations each), each destination with
// its correlationId. Requests go one after another; when one fails after
// others, it returns those accepted with a *dispatch.StoppedError naming
// the messages of the requests not made.
func (s Sender) sendWhatsApp(ctx context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	w, err := message.ParseWhatsApp(b.Campaign.WhatsApp)
	if err != nil {
		return nil, fmt.Errorf("wavysender: %w: %w", dispatch.ErrRejected, err)
	}
	render, err := message.CompileWhatsApp(w, b.Campaign.Columns)
	if err != nil {
		return nil, fmt.Errorf("wavysender: whatsapp message: %w: %w", dispatch.ErrRejected, err)
	}
	c, err := s.Client(ctx)
	if err != nil {
		return nil, fmt.Errorf("wavysender: %w: %w", dispatch.ErrTryLater, err)
	}
	type group struct {
		r    message.WhatsAppRendered
		msgs []dispatch.Message
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, m := range b.Messages {
		r := render(m.Fields)
		k := r.Key()
		g := byKey[k]
		if g == nil || len(g.msgs) == 1000 {
			g = &group{r: r}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.msgs = append(g.msgs, m)
	}
	var acc []dispatch.Accepted
	for gi, g := range groups {
		req := wavy.WhatsAppRequest{Message: WhatsAppMessage(w, g.r), CampaignAlias: b.Campaign.Alias, DefaultExtraInfo: b.Campaign.ExtraInfo,
			Destinations: make([]wavy.WhatsAppDestination, len(g.msgs))}
		byCorr := make(map[string]int64, len(g.msgs))
		for i, m := range g.msgs {
			corr := dispatch.CorrelationID(m.CampaignID, m.ID)
			byCorr[corr] = m.ID
			req.Destinations[i] = wavy.WhatsAppDestination{CorrelationID: corr, Destination: m.Phone}
		}
		resp, err := c.SendWhatsApp(ctx, req)
		if err != nil {
			if len(groups) == 1 {
				return nil, classify(err)
			}
			// Earlier requests went through: report them; the later
			// ones were never submitted; the error's class applies to
			// this request's messages.
			var unsent []int64
			for _, later := range groups[gi+1:] {
				for _, m := range later.msgs {
					unsent = append(unsent, m.ID)
				}
			}
			return acc, &dispatch.StoppedError{Unsent: unsent, Err: classify(err)}
		}
		for _, d := range resp.Destinations {
			if id, ok := byCorr[d.CorrelationID]; ok && d.ID != "" {
				acc = append(acc, dispatch.Accepted{MessageID: id, ProviderID: d.ID})
			}
		}
	}
	return acc, nil
}

// WhatsAppMessage builds the API message from the campaign's message and
// one rendering of its parameters.
func WhatsAppMessage(w message.WhatsApp, r message.WhatsAppRendered) wavy.WhatsAppMessage {
	var m wavy.WhatsAppMessage
	switch w.Kind {
	case message.WhatsAppTemplate:
		t := w.Template
		wt := &wavy.Template{Namespace: t.Namespace, ElementName: t.ElementName, LanguageCode: t.LanguageCode,
			LanguagePolicy: t.LanguagePolicy, BodyParameters: r.BodyParameters}
		if wt.LanguagePolicy == "" {
			wt.LanguagePolicy = message.WhatsAppPolicies[0]
		}
		switch t.HeaderKind {
		case "text":
			if len(r.HeaderParameters) > 0 {
				wt.Header = &wavy.TemplateHeader{Parameters: r.HeaderParameters}
			}
		case "image", "document", "video", "audio":
			if hm := t.HeaderMedia; hm != nil {
				tm := &wavy.TemplateMedia{URL: hm.URL, Type: hm.Type}
				h := &wavy.TemplateHeader{}
				switch t.HeaderKind {
				case "image":
					h.Image = tm
				case "document":
					h.Document = tm
				case "video":
					h.Video = tm
				case "audio":
					h.Audio = tm
				}
				wt.Header = h
			}
		}
		m.Template = wt
	case message.WhatsAppText:
		m.MessageText = r.Text
	case message.WhatsAppImage, message.WhatsAppAudio, message.WhatsAppDocument:
		if w.Media != nil {
			md := &wavy.Media{URL: w.Media.URL, Type: w.Media.Type, Caption: r.Caption}
			switch w.Kind {
			case message.WhatsAppImage:
				m.Image = md
			case message.WhatsAppAudio:
				m.Audio = md
			default:
				m.Document = md
			}
		}
	case message.WhatsAppLocation:
		if w.Location != nil {
			m.Location = &wavy.Location{GeoPoint: w.Location.GeoPoint, Name: w.Location.Name, Address: w.Location.Address}
		}
	case message.WhatsAppContacts:
		if w.Contact != nil {
			m.Contacts = []wavy.Contact{{Name: &wavy.ContactName{FormattedName: w.Contact.Name, FirstName: w.Contact.Name},
				Phones: []wavy.ContactPhone{{Phone: w.Contact.Phone, Type: "CELL"}}}}
		}
	}
	return m
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
