package sandbox

// This file keeps the ledger compact and invisible to the garbage
// collector: message records hold no pointers, their strings live in
// append-only byte chunks and records live in fixed-size chunks, so a
// million messages cost neither copies on growth nor GC scanning.

const (
	arenaChunkBits = 20
	arenaChunk     = 1 << arenaChunkBits // bytes per arena chunk
	arenaBigString = arenaChunk / 16     // longer strings get a chunk of their own
	maxStoredLen   = arenaChunk          // longer strings are truncated in the ledger
	recChunkBits   = 12
	recChunk       = 1 << recChunkBits // records per chunk
)

// sref locates a string in the arena: chunk (23 bits), offset (20 bits)
// and length (21 bits).
type sref uint64

func (r sref) parts() (chunk, off, n int) {
	return int(r >> 41), int(r>>21) & (arenaChunk - 1), int(r & (1<<21 - 1))
}

func makeSref(chunk, off, n int) sref {
	return sref(uint64(chunk)<<41 | uint64(off)<<21 | uint64(n))
}

// arena is an append-only store of string bytes; guarded by Sandbox.mu.
type arena struct {
	chunks [][]byte
	cur    int // index of the chunk being filled, -1 before the first
	mem    *chunkMemory
}

func newArena(mem *chunkMemory) arena { return arena{cur: -1, mem: mem} }

// put copies s into the arena.
func (a *arena) put(s string) sref {
	n := len(s)
	if n == 0 {
		return 0
	}
	if n > maxStoredLen {
		n = maxStoredLen
		s = s[:n]
	}
	if n >= arenaBigString {
		b := a.mem.alloc(n)
		copy(b, s)
		a.chunks = append(a.chunks, b)
		return makeSref(len(a.chunks)-1, 0, n)
	}
	if a.cur < 0 || len(a.chunks[a.cur])+n > arenaChunk {
		a.chunks = append(a.chunks, a.mem.alloc(arenaChunk)[:0])
		a.cur = len(a.chunks) - 1
	}
	c := a.chunks[a.cur]
	off := len(c)
	a.chunks[a.cur] = append(c, s...)
	return makeSref(a.cur, off, n)
}

// bytes returns the stored bytes without copying; callers must not modify
// or retain them.
func (a *arena) bytes(r sref) []byte {
	chunk, off, n := r.parts()
	if n == 0 || a.chunks[chunk] == nil {
		return nil
	}
	return a.chunks[chunk][off : off+n]
}

// get returns a copy of the stored string.
func (a *arena) get(r sref) string { return string(a.bytes(r)) }

// equal reports whether the stored string equals s, without allocating.
func (a *arena) equal(r sref, s string) bool { return string(a.bytes(r)) == s }

// recStore holds message records in fixed-size chunks; the first dropped
// chunks were pruned (prune.go).
type recStore struct {
	chunks  [][]msgRec
	n       int
	dropped int
	zero    msgRec
	mem     *chunkMemory
}

func (r *recStore) len() int { return r.n }

// at returns the record at i; a pruned one reads as a blank record.
func (r *recStore) at(i uint32) *msgRec {
	c := r.chunks[i>>recChunkBits]
	if c == nil {
		r.zero = msgRec{}
		return &r.zero
	}
	return &c[i&(recChunk-1)]
}

func (r *recStore) add(m *msgRec) uint32 {
	if r.n&(recChunk-1) == 0 {
		r.chunks = append(r.chunks, r.mem.allocRecs())
	}
	i := uint32(r.n)
	*r.at(i) = *m
	r.n++
	return i
}
