package apitoken

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Usage remembers the latest use of each token until Flush writes them:
// one write every few seconds for all tokens, instead of one per request.
type Usage struct {
	mu   sync.Mutex
	uses map[int64]Use
}

// NewUsage returns an empty Usage.
func NewUsage() *Usage { return &Usage{uses: map[int64]Use{}} }

// Seen records a use; the latest wins.
func (u *Usage) Seen(tokenID int64, at time.Time, ip string) {
	u.mu.Lock()
	if prev, ok := u.uses[tokenID]; !ok || at.After(prev.At) {
		u.uses[tokenID] = Use{TokenID: tokenID, At: at, IP: ip}
	}
	u.mu.Unlock()
}

// Flush writes the uses recorded since the last flush. On failure they are
// kept for the next one (unless a newer use replaced them).
func (u *Usage) Flush(ctx context.Context, st Store) error {
	u.mu.Lock()
	batch := make([]Use, 0, len(u.uses))
	for _, v := range u.uses {
		batch = append(batch, v)
	}
	u.uses = map[int64]Use{}
	u.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	sort.Slice(batch, func(i, j int) bool { return batch[i].TokenID < batch[j].TokenID })
	if err := st.TouchTokens(ctx, batch); err != nil {
		for _, v := range batch {
			u.Seen(v.TokenID, v.At, v.IP)
		}
		return err
	}
	return nil
}

// Run flushes every interval until ctx ends, then once more.
func (u *Usage) Run(ctx context.Context, st Store, every time.Duration, onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := u.Flush(context.WithoutCancel(ctx), st); err != nil && onErr != nil {
				onErr(err)
			}
			return
		case <-t.C:
			if err := u.Flush(ctx, st); err != nil && onErr != nil {
				onErr(err)
			}
		}
	}
}
