package sandbox

import (
	"syscall"
	"unsafe"
)

// The ledger's chunks hold no pointers, so they may live outside the Go
// heap (Options.OffHeapLedger). There they still cost their bytes, but the
// collector neither counts them towards its next goal nor keeps room to
// double them: a stand-alone sandbox holding a million messages (about
// 180 MB of records and strings) otherwise let its heap grow to twice
// that while webhooks poured out, which is how it reached half a gigabyte.

// chunkMemory allocates and frees the ledger's chunks, on the Go heap
// unless offHeap; guarded by Sandbox.mu like the ledger.
type chunkMemory struct {
	offHeap bool
	// mapped holds the address of every chunk mapped and not yet freed:
	// a chunk that fell back to the heap (the mapping failed) must never
	// be unmapped.
	mapped map[uintptr]bool
}

func newChunkMemory(offHeap bool) *chunkMemory {
	return &chunkMemory{offHeap: offHeap, mapped: map[uintptr]bool{}}
}

// alloc returns n zeroed bytes (n > 0).
func (cm *chunkMemory) alloc(n int) []byte {
	if cm != nil && cm.offHeap {
		b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err == nil {
			cm.mapped[uintptr(unsafe.Pointer(unsafe.SliceData(b)))] = true
			return b
		}
	}
	return make([]byte, n)
}

// free gives back a chunk alloc returned (sliced from its start); heap
// chunks are left to the collector.
func (cm *chunkMemory) free(b []byte) {
	if cm == nil || cap(b) == 0 {
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if !cm.mapped[p] {
		return
	}
	delete(cm.mapped, p)
	syscall.Munmap(b[:cap(b)])
}

// allocRecs returns a zeroed chunk of records.
func (cm *chunkMemory) allocRecs() []msgRec {
	b := cm.alloc(recChunk * int(unsafe.Sizeof(msgRec{})))
	return unsafe.Slice((*msgRec)(unsafe.Pointer(unsafe.SliceData(b))), recChunk)
}

// freeRecs gives back a chunk allocRecs returned.
func (cm *chunkMemory) freeRecs(c []msgRec) {
	if len(c) > 0 {
		cm.free(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(c))), len(c)*int(unsafe.Sizeof(msgRec{}))))
	}
}
