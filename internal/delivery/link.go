package delivery

import (
	"context"
	"fmt"
	"time"
)

// Statuses without a correlationId. SMPP receipts name a message by the
// id the SMSC gave each part when it accepted it (submit_sm_resp), not by
// Arauto's correlationId: the dispatcher records those ids (every part of
// a concatenated message) as links to the message, and the applier
// follows them here before folding.

// UnlinkedWait is how long a status naming a provider id that no message
// is linked to waits for the link. Links are written when the send is
// recorded, seconds after the submit, or by the reconciler within
// minutes; an id still unknown after this belongs to no message of ours
// and is noted as not ours.
const UnlinkedWait = 10 * time.Minute

// Link is the message a provider id names.
type Link struct {
	CampaignID, MessageID int64
}

// Linker is implemented by a Store that keeps the provider ids of sent
// messages. Without it, statuses without a correlationId are not ours.
type Linker interface {
	// LinkedMessages returns the messages the given provider ids are
	// linked to; ids linked to nothing are left out.
	LinkedMessages(ctx context.Context, providerIDs []string) (map[string]Link, error)
}

// link resolves the statuses of a batch that name a provider id instead
// of a correlationId, through lk (nil: none is linked). It reads committed
// links only, before the writer is taken: a link committed later is found
// when the event is retried.
func link(ctx context.Context, lk Linker, batch []parsed) error {
	var ids []string
	seen := map[string]bool{}
	for i := range batch {
		for _, it := range batch[i].statuses {
			if it.linksByProviderID() && !seen[it.providerID] {
				seen[it.providerID] = true
				ids = append(ids, it.providerID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	links := map[string]Link{}
	if lk != nil {
		var err error
		if links, err = lk.LinkedMessages(ctx, ids); err != nil {
			return fmt.Errorf("delivery: link statuses by provider id: %w", err)
		}
	}
	for i := range batch {
		for j := range batch[i].statuses {
			it := &batch[i].statuses[j]
			if !it.linksByProviderID() {
				continue
			}
			it.corr = "id:" + it.providerID
			if l, ok := links[it.providerID]; ok {
				it.campaignID, it.messageID, it.ours = l.CampaignID, l.MessageID, true
			} else {
				it.unlinked = true
			}
		}
	}
	return nil
}

// linksByProviderID says whether the status must be linked to its message
// by the provider's id: it names no correlationId (SMPP receipts), only
// the id the provider gave the message.
func (it statusItem) linksByProviderID() bool {
	return !it.ours && it.corr == "" && it.providerID != ""
}
