package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// startProfiles writes a CPU profile of the whole run, and the heap
// profile of its largest heap, into the directory ARAUTO_PROFILE_DIR names (nothing when it
// is unset): how the realistic benchmark learns where the console's and
// the simulator's time and memory go, in the separate processes it runs.
// The files are named by the command and the process id. The returned
// function stops and writes them.
func startProfiles(getenv func(string) string, cmd string, stderr io.Writer) func() {
	dir := getenv("ARAUTO_PROFILE_DIR")
	if dir == "" {
		return func() {}
	}
	if cmd == "" {
		cmd = "serve"
	}
	base := filepath.Join(dir, fmt.Sprintf("%s-%d", cmd, os.Getpid()))
	cpu, err := os.Create(base + ".cpu.pprof")
	if err != nil {
		fmt.Fprintln(stderr, "arauto: profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fmt.Fprintln(stderr, "arauto: profile:", err)
		cpu.Close()
		return func() {}
	}
	// The heap is written every few seconds while the work is under way
	// (at the end it is gone); the file keeps the largest one seen.
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var largest uint64
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc <= largest {
				continue
			}
			largest = ms.HeapAlloc
			if err := writeHeapProfile(base + ".heap.pprof"); err != nil {
				fmt.Fprintln(stderr, "arauto: profile:", err)
				return
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		pprof.StopCPUProfile()
		cpu.Close()
	}
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
