package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"arauto/internal/batchfile"
)

// process handles one file that landed in upload, like Wavy: the whole
// file is validated first; a valid one has every row accepted into the
// ledger (same plans, outcomes and webhooks as the HTTPS API) and moves to
// success; an invalid one moves to error, with its problems written beside
// it (name + SFTPErrorSuffix), and nothing of it is sent. A name that does
// not follow <SUBCONTA>.<YYYYMMDD>.<SEQ>.txt is still processed, under the
// default sub-account, as the seeds say.
func (v *SFTPServer) process(name string) {
	src := path.Join(SFTPUploadDir, name)
	data, ok := v.fs.read(src)
	if !ok {
		return // renamed or removed before its turn
	}
	sub := ""
	if n, err := batchfile.ParseName(name); err == nil {
		sub = n.SubAccount
	}
	var rows int
	var err error
	v.mu.Lock()
	refuse := v.refuse
	v.mu.Unlock()
	switch layout := batchfile.DetectLayout(data); {
	case refuse != "":
		err = errors.New(refuse)
	case layout == batchfile.LayoutSMS:
		rows, err = v.acceptSMSFile(data, sub)
	case layout == batchfile.LayoutWhatsApp:
		rows, err = v.acceptWhatsAppFile(data, sub)
	default:
		err = errors.New("unknown layout: the first line is neither the SMS header (numero;texto;correlationId;) nor a WhatsApp TEMPLATE line")
	}
	if err != nil {
		// The note is written first: a client that sees the file in error
		// finds its reason beside it.
		v.fs.put(path.Join(SFTPErrorDir, name+SFTPErrorSuffix), []byte(err.Error()+"\n"))
		v.fs.move(src, path.Join(SFTPErrorDir, name))
		v.sb.log.Info("sandbox: sftp file refused", "file", name, "err", err)
		return
	}
	v.fs.move(src, path.Join(SFTPSuccessDir, name))
	v.sb.log.Info("sandbox: sftp file processed", "file", name, "messages", rows)
}

// acceptSMSFile validates an SMS file and records its messages.
func (v *SFTPServer) acceptSMSFile(data []byte, sub string) (int, error) {
	r, err := batchfile.NewSMSReader(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	var fields []smsFields
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		fields = append(fields, smsFields{Destination: row.Phone, MessageText: row.Text, CorrelationID: row.CorrelationID, SubAccount: sub})
	}
	if _, err := v.sb.acceptSMS(fields, &emptyFields, &emptyFields, false, true); err != nil {
		return 0, err
	}
	return len(fields), nil
}

// acceptWhatsAppFile validates a WhatsApp template file and records one
// message per row. The template is checked as POST /v1/whatsapp/send
// checks it; a correlationId column, when present, names each message.
func (v *SFTPServer) acceptWhatsAppFile(data []byte, sub string) (int, error) {
	r, err := batchfile.NewWhatsAppReader(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	h := r.Head()
	policy := strings.ToUpper(h.LanguagePolicy)
	if err := validateTemplate(&waTemplate{Namespace: h.Namespace, ElementName: h.ElementName, LanguageCode: h.Language, LanguagePolicy: policy}); err != nil {
		return 0, fmt.Errorf("line 1: %w", err)
	}
	summary := "[template " + h.Namespace + "/" + h.ElementName + "]"
	corrCol := h.CorrelationIndex()
	type row struct{ dest, corr string }
	var rows []row
	for {
		values, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		rw := row{dest: values[0]}
		if corrCol > 0 {
			rw.corr = values[corrCol]
		}
		rows = append(rows, rw)
	}
	s := v.sb
	now := s.nowMs()
	recs := make([]pendingRec, len(rows))
	for i, rw := range rows {
		dest, valid := normalizeNumber(rw.dest)
		p := s.planWhatsApp(dest, valid, false, rw.corr)
		pr := &recs[i]
		pr.plan = p
		pr.group = groupKey{subAccount: sub}
		pr.acceptedAt = now
		pr.dest, pr.corrID, pr.text = dest, rw.corr, summary
		pr.sentAt = now + p.sentDelay
		pr.sentCode, pr.dlrCode = p.sentCode, p.dlrCode
		pr.dlrDelay, pr.readDelay = p.dlrDelay, p.readDelay
		if p.read {
			pr.flags |= flagRead
		}
	}
	s.record(recs, chWhatsApp, false, now)
	return len(rows), nil
}
