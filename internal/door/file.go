package door

import (
	"context"
	"fmt"
	"io"
	"time"

	"arauto/internal/dispatch"
	"arauto/internal/dispatch/sftpsender"
	"arauto/internal/message"
)

// FileSource reads a campaign and its outbox for the operator's download
// of its batch file (the store implements it).
type FileSource interface {
	DispatchCampaign(ctx context.Context, id int64) (dispatch.Campaign, error)
	FileMessages(ctx context.Context, campaignID, after int64, limit int) ([]dispatch.Message, error)
}

// CampaignFile is what WriteCampaignFile wrote.
type CampaignFile struct {
	// Name is the file name (<SUBCONTA>.<YYYYMMDD>.<SEQ>.txt, SEQ the
	// first message's id); empty when no message could be written.
	Name string
	// Rows counts the messages written.
	Rows int
	// Skipped counts the messages the layout cannot carry; Problems holds
	// the first of them, with their row and field.
	Skipped  int
	Problems []sftpsender.Skip
}

// maxProblems bounds the problems CampaignFile keeps.
const maxProblems = 5

// fileChunk is how many messages one read of the outbox takes.
const fileChunk = 5000

// WriteCampaignFile writes the batch file of campaign id to w: every
// message sent or still to send, rendered and laid out exactly as the
// SFTP door uploads them (sftpsender's Builder; SMS texts personalised as
// the dispatcher renders them), in one file named after its first
// message. The door uploads the same rows in files of up to FileRows.
// It fails with sftpsender.ErrNotForFiles for a message no layout can
// carry (flash SMS, WhatsApp other than a template). Messages a row
// cannot hold (a ";" or a line break in a text) are left out and counted
// with their row and field. Pass io.Discard to check a file before
// sending it.
func WriteCampaignFile(ctx context.Context, src FileSource, id int64, subAccount string, day time.Time, w io.Writer) (CampaignFile, error) {
	var out CampaignFile
	c, err := src.DispatchCampaign(ctx, id)
	if err != nil {
		return out, err
	}
	b, err := sftpsender.NewBuilder(w, c)
	if err != nil {
		return out, err
	}
	render := func(dispatch.Message) string { return c.Message }
	if c.Channel != message.ChannelWhatsApp {
		// An A/B test's messages each carry their variant (the remainder
		// the winner's, as -variant).
		texts := c.Variants
		if len(texts) == 0 {
			texts = []string{c.Message}
		}
		compiled := make([]*message.Compiled, len(texts))
		for i, t := range texts {
			if compiled[i], err = message.Compile(t, c.Columns); err != nil {
				return out, fmt.Errorf("door: campaign %d message: %w", id, err)
			}
		}
		render = func(m dispatch.Message) string {
			v := max(m.Variant, -m.Variant)
			if v < 1 || v > len(compiled) {
				v = 1
			}
			return compiled[v-1].Render(m.Fields)
		}
	}
	var after int64
	for {
		msgs, err := src.FileMessages(ctx, id, after, fileChunk)
		if err != nil {
			return out, err
		}
		if len(msgs) == 0 {
			break
		}
		for i := range msgs {
			msgs[i].Text = render(msgs[i])
		}
		skips, err := b.Add(msgs)
		if err != nil {
			return out, err
		}
		out.Skipped += len(skips)
		for _, sk := range skips {
			if len(out.Problems) < maxProblems {
				out.Problems = append(out.Problems, sk)
			}
		}
		after = msgs[len(msgs)-1].ID
	}
	out.Rows = b.Rows()
	if out.Rows == 0 {
		return out, nil
	}
	if err := b.Close(); err != nil {
		return out, fmt.Errorf("door: campaign %d file: %w", id, err)
	}
	out.Name = sftpsender.FileName(subAccount, day, b.FirstID())
	return out, nil
}
