package sftpsender

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"arauto/internal/batchfile"
	"arauto/internal/dispatch"
	"arauto/internal/wavysftp"
)

// Files is Wavy's SFTP server as the sender uses it; *wavysftp.Client
// implements it.
type Files interface {
	Upload(ctx context.Context, name string, data []byte) error
	Locate(ctx context.Context, name string) (wavysftp.Place, error)
	Wait(ctx context.Context, name string) (wavysftp.Fate, error)
	Read(ctx context.Context, place wavysftp.Place, name string) ([]byte, error)
	List(ctx context.Context, place wavysftp.Place) ([]string, error)
}

// Config sets a Sender up.
type Config struct {
	// Files returns the SFTP client for the settings in force; it is
	// called per batch, so a change of settings applies to the next one.
	Files func(ctx context.Context) (Files, error)
	// SubAccount is the <SUBCONTA> of file names: the sub-account's id or
	// reference name at Wavy.
	SubAccount string
	// Location is the zone of the date in file names; nil is
	// America/Sao_Paulo.
	Location *time.Location
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Search, when set, is the HTTPS status search by correlationId
	// (wavy.Client.SearchSMSStatus): it settles which SMS of a refused file
	// Wavy knows anyway. Without it a refused file counts as not sent.
	Search func(ctx context.Context, correlationIDs []string) (map[string]string, error)
}

// nearFiles bounds how many files with a smaller SEQ Find reads for an id
// whose own SEQ names no file (see lookup).
const nearFiles = 8

// Sender sends dispatch batches as SFTP batch files. Create it with New.
type Sender struct {
	cfg Config

	mu    sync.Mutex
	known map[string]map[int64]bool // place/name -> ids of processed files read by Find (bounded)
}

// New checks the configuration and returns a Sender.
func New(cfg Config) (*Sender, error) {
	if cfg.Files == nil {
		return nil, errors.New("sftpsender: Files is required")
	}
	if err := batchfile.CheckSubAccount(cfg.SubAccount); err != nil {
		return nil, fmt.Errorf("sftpsender: sub-account: %w", err)
	}
	if cfg.Location == nil {
		loc, err := time.LoadLocation("America/Sao_Paulo")
		if err != nil {
			loc = time.FixedZone("BRT", -3*3600) // Brazil has kept UTC-3 since 2019
		}
		cfg.Location = loc
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Sender{cfg: cfg, known: map[string]map[int64]bool{}}, nil
}

// CanReconcile reports true for both channels: Find reads the files.
func (s *Sender) CanReconcile(string) bool { return true }

// classify maps an SFTP error before anything was uploaded onto the
// dispatcher's classes.
func classify(err error) error {
	if errors.Is(err, wavysftp.ErrUnauthorized) || wavysftp.Permanent(err) {
		return fmt.Errorf("sftpsender: %w: %w", dispatch.ErrUnauthorized, err)
	}
	return fmt.Errorf("sftpsender: %w: %w", dispatch.ErrTryLater, err)
}

// skipsError describes the messages the layout could not carry.
func skipsError(skips []Skip) string {
	if len(skips) == 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d messages cannot go in an SFTP file: ", len(skips))
	for i, sk := range skips {
		if i == 3 {
			sb.WriteString("; ...")
			break
		}
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(strings.TrimPrefix(sk.Problem.Error(), "batchfile: "))
	}
	return sb.String()
}

// Send uploads the batch as one file and waits for Wavy's verdict (see the
// package doc for how a file already on the server is handled).
func (s *Sender) Send(ctx context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	day := s.cfg.Now().In(s.cfg.Location)
	f, err := Build(b.Campaign, b.Messages, s.cfg.SubAccount, day)
	if err != nil {
		return nil, fmt.Errorf("sftpsender: %w: %w", dispatch.ErrRejected, err)
	}
	skipped := skipsError(f.Skipped)
	if f.Name == "" {
		return nil, fmt.Errorf("sftpsender: %w: %s", dispatch.ErrRejected, skipped)
	}
	files, err := s.cfg.Files(ctx)
	if err != nil {
		return nil, classify(err)
	}
	name, place, err := s.existing(ctx, files, f, day)
	if err != nil {
		return nil, classify(err)
	}
	var fresh []int64
	ids := f.IDs
	if place != wavysftp.Absent {
		// Uploaded before (a crash, a timeout): never again. Its
		// messages share its fate; any others go back to the queue.
		data, err := files.Read(ctx, place, name)
		if err != nil {
			return nil, classify(err)
		}
		in, err := idsInFile(data)
		if err != nil {
			return nil, fmt.Errorf("sftpsender: read %s/%s: %w", place, name, err)
		}
		ids = ids[:0:0]
		for _, id := range f.IDs {
			if in[id] {
				ids = append(ids, id)
			} else {
				fresh = append(fresh, id)
			}
		}
	} else {
		switch err := files.Upload(ctx, f.Name, f.Data); {
		case errors.Is(err, wavysftp.ErrNotUploaded):
			return nil, classify(err)
		case err != nil:
			return nil, fmt.Errorf("sftpsender: upload %s: outcome unknown, to be reconciled: %w", f.Name, err)
		}
	}
	acc, err := s.verdict(ctx, files, b, name, ids)
	switch {
	case len(fresh) > 0:
		if err == nil {
			err = fmt.Errorf("sftpsender: %s was on the server already with part of this batch", name)
		}
		return acc, &dispatch.StoppedError{Unsent: fresh, Err: err}
	case err == nil && skipped != "":
		return acc, fmt.Errorf("sftpsender: %w: %s", dispatch.ErrRejected, skipped)
	case errors.Is(err, dispatch.ErrRejected) && skipped != "":
		return acc, fmt.Errorf("%w; %s", err, skipped)
	}
	return acc, err
}

// existing finds the batch's file on the server under today's or
// yesterday's date (a crash across midnight).
func (s *Sender) existing(ctx context.Context, files Files, f File, day time.Time) (string, wavysftp.Place, error) {
	for _, d := range []time.Time{day, day.AddDate(0, 0, -1)} {
		name := FileName(s.cfg.SubAccount, d, minID(f.IDs))
		p, err := files.Locate(ctx, name)
		if err != nil {
			return "", wavysftp.Absent, err
		}
		if p != wavysftp.Absent {
			return name, p, nil
		}
	}
	return f.Name, wavysftp.Absent, nil
}

func minID(ids []int64) int64 {
	m := ids[0]
	for _, id := range ids {
		m = min(m, id)
	}
	return m
}

// verdict waits for the file's fate and turns it into accepted messages
// and an error class for the rest.
func (s *Sender) verdict(ctx context.Context, files Files, b dispatch.Batch, name string, ids []int64) ([]dispatch.Accepted, error) {
	fate, err := files.Wait(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("sftpsender: %s uploaded, Wavy's verdict not known yet, to be reconciled: %w", name, err)
	}
	campaignID := b.Campaign.ID
	if len(b.Messages) > 0 {
		campaignID = b.Messages[0].CampaignID
	}
	if fate.Place == wavysftp.Succeeded {
		acc := make([]dispatch.Accepted, len(ids))
		for i, id := range ids {
			acc[i] = dispatch.Accepted{MessageID: id}
		}
		return acc, nil
	}
	detail := fate.Detail
	if detail == "" {
		detail = "Wavy gave no reason"
	}
	var acc []dispatch.Accepted
	if s.cfg.Search != nil && b.Campaign.Channel != "whatsapp" {
		corrs := make([]string, len(ids))
		for i, id := range ids {
			corrs[i] = dispatch.CorrelationID(campaignID, id)
		}
		found, err := s.search(ctx, corrs)
		if err != nil {
			return nil, fmt.Errorf("sftpsender: %s refused; which of its messages Wavy knows is not known yet: %w", name, err)
		}
		for i, id := range ids {
			if _, ok := found[corrs[i]]; ok {
				acc = append(acc, dispatch.Accepted{MessageID: id, ProviderID: found[corrs[i]]})
			}
		}
	}
	return acc, fmt.Errorf("sftpsender: %w: Wavy refused the file %s: %s", dispatch.ErrRejected, name, detail)
}

// search asks the status search in requests of at most 1000 ids.
func (s *Sender) search(ctx context.Context, corrs []string) (map[string]string, error) {
	found := map[string]string{}
	for len(corrs) > 0 {
		n := min(len(corrs), 1000)
		got, err := s.cfg.Search(ctx, corrs[:n])
		if err != nil {
			return nil, err
		}
		for k, v := range got {
			found[k] = v
		}
		corrs = corrs[n:]
	}
	return found, nil
}

// fileRef is a listed batch file.
type fileRef struct {
	place wavysftp.Place
	name  string
	seq   uint64
}

// Find settles messages from the files on the server (see the package
// doc): those in a file in success are returned (without a provider id),
// those in no file or in a refused one are not (unless Search finds
// them); a file still in upload makes Find fail so the worker asks later.
func (s *Sender) Find(ctx context.Context, correlationIDs []string) (map[string]string, error) {
	type asked struct {
		corr string
		id   int64
	}
	var todo []asked
	for _, c := range correlationIDs {
		if _, id, ok := dispatch.ParseCorrelationID(c); ok {
			todo = append(todo, asked{c, id})
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].id < todo[j].id })
	files, err := s.cfg.Files(ctx)
	if err != nil {
		return nil, err
	}
	var refs []fileRef
	for _, p := range []wavysftp.Place{wavysftp.Pending, wavysftp.Succeeded, wavysftp.Failed} {
		names, err := files.List(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("sftpsender: find: %w", err)
		}
		for _, n := range names {
			// Any sub-account: a change of settings must not hide the files
			// sent under the previous one.
			if fn, err := batchfile.ParseName(n); err == nil {
				refs = append(refs, fileRef{place: p, name: n, seq: fn.Seq})
			}
		}
	}
	// By SEQ, and for one SEQ the place that decides: upload, success, error.
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].seq < refs[j].seq })
	found := map[string]string{}
	settled := map[int64]bool{}
	var pending []string
	var refused []string
	settle := func(ref fileRef, in map[int64]bool) {
		for _, a := range todo {
			if settled[a.id] || !in[a.id] {
				continue
			}
			settled[a.id] = true
			switch ref.place {
			case wavysftp.Pending:
				pending = append(pending, ref.name)
			case wavysftp.Succeeded:
				found[a.corr] = ""
			default:
				refused = append(refused, a.corr)
			}
		}
	}
	for _, a := range todo {
		if settled[a.id] {
			continue
		}
		for _, ref := range s.candidates(refs, a.id) {
			in, err := s.idsOf(ctx, files, ref)
			if err != nil {
				return nil, err
			}
			settle(ref, in)
			if settled[a.id] {
				break
			}
		}
		settled[a.id] = true // in no file: never uploaded
	}
	if len(pending) > 0 {
		return nil, fmt.Errorf("sftpsender: %s still waits in upload; its messages are settled once Wavy processes it", pending[0])
	}
	if s.cfg.Search != nil && len(refused) > 0 {
		got, err := s.search(ctx, refused)
		if err != nil {
			return nil, fmt.Errorf("sftpsender: find in refused files: %w", err)
		}
		for k, v := range got {
			found[k] = v
		}
	}
	return found, nil
}

// candidates are the files that may hold id: the one whose SEQ is id
// (every place, upload first), else up to nearFiles files with the
// nearest smaller SEQ (a file whose first rows were settled in an earlier
// round of the reconciler).
func (s *Sender) candidates(refs []fileRef, id int64) []fileRef {
	i := sort.Search(len(refs), func(i int) bool { return refs[i].seq > uint64(id) })
	var out []fileRef
	for j := i - 1; j >= 0 && refs[j].seq == uint64(id); j-- {
		out = append(out, refs[j])
	}
	if len(out) > 0 {
		sort.SliceStable(out, func(a, b int) bool { return rank(out[a].place) < rank(out[b].place) })
		return out
	}
	seqs := 0
	for j := i - 1; j >= 0 && seqs < nearFiles; j-- {
		if len(out) == 0 || refs[j].seq != out[len(out)-1].seq {
			seqs++
		}
		out = append(out, refs[j])
	}
	return out
}

func rank(p wavysftp.Place) int {
	switch p {
	case wavysftp.Pending:
		return 0
	case wavysftp.Succeeded:
		return 1
	}
	return 2
}

// idsOf reads the ids of a file, remembering those of processed files
// (their content no longer changes).
func (s *Sender) idsOf(ctx context.Context, files Files, ref fileRef) (map[int64]bool, error) {
	key := string(ref.place) + "/" + ref.name
	if ref.place != wavysftp.Pending {
		s.mu.Lock()
		in, ok := s.known[key]
		s.mu.Unlock()
		if ok {
			return in, nil
		}
	}
	data, err := files.Read(ctx, ref.place, ref.name)
	if err != nil {
		return nil, fmt.Errorf("sftpsender: find: %w", err)
	}
	in, err := idsInFile(data)
	if err != nil {
		return nil, fmt.Errorf("sftpsender: find: read %s/%s: %w", ref.place, ref.name, err)
	}
	if ref.place != wavysftp.Pending {
		s.mu.Lock()
		if len(s.known) >= 1024 {
			clear(s.known)
		}
		s.known[key] = in
		s.mu.Unlock()
	}
	return in, nil
}
