// Package memstat reads memory figures of processes (current and peak
// resident set size) for the benchmarks that report them and the tests that
// attack a real server (Linux /proc only; 0 elsewhere).
package memstat

import (
	"fmt"
	"os"
	"strings"
)

// PeakRSSMB returns the peak resident set size (VmHWM) of process pid in
// megabytes; pid 0 means this process. It returns 0 when unknown.
func PeakRSSMB(pid int) float64 { return statusMB(pid, "VmHWM:") }

// RSSMB returns the current resident set size (VmRSS) of process pid in
// megabytes; pid 0 means this process. It returns 0 when unknown.
func RSSMB(pid int) float64 { return statusMB(pid, "VmRSS:") }

func statusMB(pid int, field string) float64 {
	path := "/proc/self/status"
	if pid != 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			var kb float64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(rest, "kB")), &kb)
			return kb / 1024
		}
	}
	return 0
}
