// Package memstat reads peak memory figures of processes for the
// benchmarks that report them (Linux /proc only; 0 elsewhere).
package memstat

import (
	"fmt"
	"os"
	"strings"
)

// PeakRSSMB returns the peak resident set size (VmHWM) of process pid in
// megabytes; pid 0 means this process. It returns 0 when unknown.
func PeakRSSMB(pid int) float64 {
	path := "/proc/self/status"
	if pid != 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(rest, "kB")), &kb)
			return kb / 1024
		}
	}
	return 0
}
