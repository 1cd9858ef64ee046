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

// chunkMemory allocates and frees the ledger's chunks; the zero value
// uses the Go heap.
type chunkMemory struct{ offHeap bool }

// alloc returns n zeroed bytes.
func (cm chunkMemory) alloc(n int) []byte {
	if cm.offHeap {
		b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err == nil {
			return b
		}
	}
	return make([]byte, n)
}

// free gives back a chunk alloc returned (b as returned, any length
// within it); heap chunks are left to the collector.
func (cm chunkMemory) free(b []byte) {
	if cm.offHeap && cap(b) > 0 {
		// A chunk that fell back to the heap fails to unmap harmlessly.
		syscall.Munmap(b[:cap(b)])
	}
}

// allocRecs returns a zeroed chunk of records.
func (cm chunkMemory) allocRecs() []msgRec {
	b := cm.alloc(recChunk * int(unsafe.Sizeof(msgRec{})))
	return unsafe.Slice((*msgRec)(unsafe.Pointer(unsafe.SliceData(b))), recChunk)
}

// freeRecs gives back a chunk allocRecs returned.
func (cm chunkMemory) freeRecs(c []msgRec) {
	if cm.offHeap && len(c) > 0 {
		cm.free(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(c))), len(c)*int(unsafe.Sizeof(msgRec{}))))
	}
}
