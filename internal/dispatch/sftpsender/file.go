package sftpsender

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"arauto/internal/batchfile"
	"arauto/internal/dispatch"
	"arauto/internal/message"
)

// Skip is a message left out of a file, with the reason.
type Skip struct {
	MessageID int64
	Problem   *batchfile.Problem
}

// File is one batch file ready to upload.
type File struct {
	Name    string  // empty when no message could be written
	Data    []byte  // the file's bytes
	IDs     []int64 // messages in the file, in row order
	Skipped []Skip  // messages the layout cannot carry
}

// FileName is the name of the file whose smallest message id is firstID.
func FileName(subAccount string, day time.Time, firstID int64) string {
	return batchfile.Name{SubAccount: subAccount, Date: day, Seq: uint64(firstID)}.String()
}

// ErrNotForFiles marks a campaign whose message no file layout can carry.
var ErrNotForFiles = errors.New("sftpsender: this message cannot be sent as an SFTP file")

// Builder streams the file of a campaign: messages in, layout bytes out.
type Builder struct {
	c       dispatch.Campaign
	sms     *batchfile.SMSWriter
	wa      *batchfile.WhatsAppWriter
	render  func(fields []string) message.WhatsAppRendered
	nParams int
	offered int
	first   int64
	ids     []int64
}

// NewBuilder starts the file of campaign c on w. SMS messages must carry
// their rendered Text (as the worker renders them); WhatsApp messages are
// filled from their Fields. It fails with ErrNotForFiles for a flash SMS
// campaign, and for a WhatsApp message that is not a template or whose
// header takes parameters: the layouts cannot say so, and sending them
// otherwise would change what the marketer chose.
func NewBuilder(w io.Writer, c dispatch.Campaign) (*Builder, error) {
	b := &Builder{c: c}
	if c.Flash {
		return nil, fmt.Errorf("%w: the SFTP layout has no flash SMS; send flash campaigns over HTTPS", ErrNotForFiles)
	}
	if c.Channel != message.ChannelWhatsApp {
		b.sms = batchfile.NewSMSWriter(w)
		return b, nil
	}
	wm, err := message.ParseWhatsApp(c.WhatsApp)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotForFiles, err)
	}
	if wm.Kind != message.WhatsAppTemplate || wm.Template == nil {
		return nil, fmt.Errorf("%w: the SFTP layout carries approved templates only, not %q messages", ErrNotForFiles, wm.Kind)
	}
	t := wm.Template
	if len(t.HeaderParameters) > 0 {
		return nil, fmt.Errorf("%w: the SFTP layout cannot fill a header text's parameters", ErrNotForFiles)
	}
	if b.render, err = message.CompileWhatsApp(wm, c.Columns); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotForFiles, err)
	}
	h := batchfile.WhatsAppHead{ElementName: t.ElementName, Namespace: t.Namespace, Language: t.LanguageCode, LanguagePolicy: t.LanguagePolicy,
		Columns: []string{"phone"}}
	b.nParams = len(t.BodyParameters)
	for i := range t.BodyParameters {
		p := "p" + strconv.Itoa(i+1)
		h.Params = append(h.Params, p)
		h.Columns = append(h.Columns, p)
	}
	h.Columns = append(h.Columns, batchfile.CorrelationColumn)
	if hm := t.HeaderMedia; hm != nil && t.HeaderKind != "" && t.HeaderKind != "text" {
		h.Media = &batchfile.WhatsAppMedia{Kind: strings.ToUpper(t.HeaderKind), Source: "URL", Location: hm.URL, Type: strings.ToUpper(hm.Type)}
	}
	if b.wa, err = batchfile.NewWhatsAppWriter(w, h); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotForFiles, err)
	}
	return b, nil
}

// Add writes messages, leaving out suppressed ones, and returns those the
// layout cannot carry (their Problem's Row counts every message offered).
func (b *Builder) Add(msgs []dispatch.Message) ([]Skip, error) {
	var skips []Skip
	for _, m := range msgs {
		if m.Suppressed {
			continue
		}
		b.offered++
		corr := dispatch.CorrelationID(m.CampaignID, m.ID)
		var err error
		if b.sms != nil {
			err = b.sms.Write(batchfile.SMSRow{Phone: m.Phone, Text: m.Text, CorrelationID: corr})
		} else {
			r := b.render(m.Fields)
			values := make([]string, 0, b.nParams+2)
			values = append(values, m.Phone)
			values = append(values, r.BodyParameters...)
			for len(values) < b.nParams+1 {
				values = append(values, "")
			}
			err = b.wa.Write(append(values, corr))
		}
		if p, ok := batchfile.AsProblem(err); ok {
			p.Row = b.offered
			skips = append(skips, Skip{MessageID: m.ID, Problem: p})
			continue
		}
		if err != nil {
			return skips, fmt.Errorf("sftpsender: write file: %w", err)
		}
		if len(b.ids) == 0 || m.ID < b.first {
			b.first = m.ID
		}
		b.ids = append(b.ids, m.ID)
	}
	return skips, nil
}

// FirstID is the smallest message id written so far (the file's SEQ).
func (b *Builder) FirstID() int64 { return b.first }

// Rows is the number of messages written.
func (b *Builder) Rows() int { return len(b.ids) }

// Close ends the file. A file without rows is refused (batchfile.CodeNoRows).
func (b *Builder) Close() error {
	if b.sms != nil {
		return b.sms.Close()
	}
	return b.wa.Close()
}

// Build is the file Arauto uploads for msgs of campaign c on day: the
// operator's download and the sender's upload are the same bytes.
func Build(c dispatch.Campaign, msgs []dispatch.Message, subAccount string, day time.Time) (File, error) {
	var buf bytes.Buffer
	b, err := NewBuilder(&buf, c)
	if err != nil {
		return File{}, err
	}
	skips, err := b.Add(msgs)
	if err != nil {
		return File{}, err
	}
	f := File{Skipped: skips}
	if b.Rows() == 0 {
		return f, nil
	}
	if err := b.Close(); err != nil {
		return File{}, fmt.Errorf("sftpsender: write file: %w", err)
	}
	f.Name, f.Data, f.IDs = FileName(subAccount, day, b.FirstID()), buf.Bytes(), b.ids
	return f, nil
}

// idsInFile reads the message ids a batch file carries (its correlationIds).
func idsInFile(data []byte) (map[int64]bool, error) {
	ids := map[int64]bool{}
	add := func(corr string) {
		if _, id, ok := dispatch.ParseCorrelationID(corr); ok {
			ids[id] = true
		}
	}
	switch batchfile.DetectLayout(data) {
	case batchfile.LayoutSMS:
		r, err := batchfile.NewSMSReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		for {
			row, err := r.Next()
			if err == io.EOF {
				return ids, nil
			}
			if err != nil {
				return nil, err
			}
			add(row.CorrelationID)
		}
	case batchfile.LayoutWhatsApp:
		r, err := batchfile.NewWhatsAppReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		col := r.Head().CorrelationIndex()
		for {
			row, err := r.Next()
			if err == io.EOF {
				return ids, nil
			}
			if err != nil {
				return nil, err
			}
			if col > 0 {
				add(row[col])
			}
		}
	}
	return nil, errors.New("sftpsender: not a batch file of a known layout")
}
