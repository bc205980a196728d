package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// providerProcessName is the executable name of the provider that Terraform starts.
const providerProcessName = "terraform-provider-hostwinds"

// memorySampleInterval is how often the sampler looks for provider processes. VmHWM is the
// peak resident set size the kernel has recorded for the process so far, so a sample only has
// to come after the peak, not at it; only growth in the last interval before the process
// exits can be missed.
const memorySampleInterval = 25 * time.Millisecond

// memorySampler records the peak memory of the provider processes that one Terraform process
// starts. Terraform starts the provider more than once per command (to validate, plan and
// apply), so it keeps the highest VmHWM of all of them.
type memorySampler struct {
	parent int
	stop   chan struct{}
	done   chan struct{}

	mu        sync.Mutex
	peakKB    int64
	processes map[int]bool
}

// sampleProviderMemory starts sampling the children of the process parent.
func sampleProviderMemory(parent int) *memorySampler {
	s := &memorySampler{
		parent:    parent,
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
		processes: map[int]bool{},
	}
	go s.loop()
	return s
}

func (s *memorySampler) loop() {
	defer close(s.done)
	ticker := time.NewTicker(memorySampleInterval)
	defer ticker.Stop()
	for {
		s.sample()
		select {
		case <-s.stop:
			return
		case <-ticker.C:
		}
	}
}

// finish stops sampling and returns the peak in bytes and the number of provider processes
// seen.
func (s *memorySampler) finish() (peakBytes int64, processes int) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakKB * 1024, len(s.processes)
}

func (s *memorySampler) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil || parentPID(pid) != s.parent || !isProviderProcess(pid) {
			continue
		}
		hwm, ok := readStatusKB(pid, "VmHWM:")
		if !ok {
			continue
		}
		s.mu.Lock()
		s.processes[pid] = true
		s.peakKB = max(s.peakKB, hwm)
		s.mu.Unlock()
	}
}

// parentPID returns the parent of pid from /proc/<pid>/stat, or -1 when it cannot be read.
func parentPID(pid int) int {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return -1
	}
	// The command name in brackets may contain spaces, so the fields are counted after
	// its closing bracket: state, then the parent's pid.
	end := bytes.LastIndexByte(data, ')')
	if end < 0 {
		return -1
	}
	fields := strings.Fields(string(data[end+1:]))
	if len(fields) < 2 {
		return -1
	}
	ppid, err := strconv.Atoi(fields[1])
	if err != nil {
		return -1
	}
	return ppid
}

// isProviderProcess reports whether argv[0] of pid names the provider binary. The command
// name in /proc/<pid>/comm is cut to 15 characters, so it cannot tell.
func isProviderProcess(pid int) bool {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return false
	}
	argv0, _, _ := bytes.Cut(data, []byte{0})
	return filepath.Base(string(argv0)) == providerProcessName
}

// readStatusKB returns the value of a kB field of /proc/<pid>/status, such as "VmHWM:".
func readStatusKB(pid int, field string) (int64, bool) {
	file, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, false
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		line := scanner.Text()
		if !strings.HasPrefix(line, field) {
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(line, field))
		if len(fields) == 0 {
			return 0, false
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		return kb, err == nil
	}
	return 0, false
}
