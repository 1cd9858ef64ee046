package sandbox

// The ledger keeps a message only as long as the provider answers for it:
// statuses are searchable for three days (statusRetentionMs), so once the
// newest message of a chunk of records is older than that (plus a day for
// late replies and webhook retries, in the sandbox's own time), the chunk
// is dropped, with the strings only it used and its correlationIds. A
// sandbox left running for weeks holds the last few days, not everything.
// Dropped messages read as absent: the status search and list leave them
// out (they are past the retention anyway), pending webhooks and replies
// for them are skipped, and Messages lists only those kept.

// pruneAfterMs is how long after it was accepted a message may be dropped.
const pruneAfterMs = statusRetentionMs + 24*60*60*1000

// pruneBatchChunks is how many record chunks must be droppable before a
// prune runs, so the correlationId table is swept rarely.
const pruneBatchChunks = 16

// droppable reports how many leading record chunks hold only messages
// accepted before the cutoff (never the chunk being filled).
func (r *recStore) droppable(cutoff int64) int {
	n := 0
	for c := r.dropped + n; c < len(r.chunks)-1; c++ {
		if r.chunks[c][recChunk-1].acceptedAt >= cutoff {
			break
		}
		n++
	}
	return n
}

// pruned reports whether the record at i was dropped.
func (r *recStore) pruned(i uint32) bool { return int(i>>recChunkBits) < r.dropped }

// firstLive is the index of the oldest record kept.
func (r *recStore) firstLive() uint32 { return uint32(r.dropped) << recChunkBits }

// pruneLocked drops the records, strings and correlationIds the status
// search no longer needs at now.
func (s *Sandbox) pruneLocked(now int64) {
	n := s.recs.droppable(now - pruneAfterMs)
	if n < pruneBatchChunks {
		return
	}
	for range n {
		s.recs.mem.freeRecs(s.recs.chunks[s.recs.dropped])
		s.recs.chunks[s.recs.dropped] = nil
		s.recs.dropped++
	}
	first := s.recs.firstLive()
	for h, v := range s.corr {
		if v-1 < first {
			delete(s.corr, h)
		}
	}
	// The oldest arena chunk a kept record uses: every chunk before it
	// holds only strings of dropped records. (Shared texts are in an arena
	// of their own.)
	keep := s.strs.cur
	use := func(r sref) {
		if c, _, l := r.parts(); l > 0 && r&sharedRef == 0 && c < keep {
			keep = c
		}
	}
	for i := first; i < uint32(s.recs.len()); i++ {
		m := s.recs.at(i)
		use(m.destRef)
		use(m.corrRef)
		use(m.textRef)
		use(m.extraRef)
	}
	s.strs.drop(keep)
	s.stats.pruned += int64(n) * recChunk
}

// sharedRef marks a reference into the arena of shared texts (the top bit
// of the chunk number, which never gets that large).
const sharedRef sref = 1 << 63

// text reads a message text, shared or not.
func (s *Sandbox) text(r sref) string {
	if r&sharedRef != 0 {
		return s.shared.get(r &^ sharedRef)
	}
	return s.strs.get(r)
}

// drop frees the chunks before chunk below; their strings read empty.
func (a *arena) drop(below int) {
	for i := range min(below, len(a.chunks)) {
		a.mem.free(a.chunks[i])
		a.chunks[i] = nil
	}
}
