package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// mockAPIKey is the key the benchmark's mock accepts. It guards nothing: the mock listens on
// loopback only and keeps its state in memory.
const mockAPIKey = "bench-key"

// mockProcess is a running bin/hostwinds-mock and the client of its control interface.
type mockProcess struct {
	cmd        *exec.Cmd
	exited     chan struct{} // closed once cmd.Wait has returned
	apiURL     string
	controlURL string // ends in "/_mock/"
	logPath    string
	http       *http.Client
	stopOnce   sync.Once
}

// mockSettings are the mock flags that the benchmark varies.
type mockSettings struct {
	latency    time.Duration
	buildDelay time.Duration
	taskDelay  time.Duration
}

// startMock starts the mock on a free loopback port and waits until it has written its URL.
// Its log goes to a file in dir.
func startMock(binary, dir string, settings mockSettings) (*mockProcess, error) {
	urlFile := filepath.Join(dir, "mock-url")
	logPath := filepath.Join(dir, "mock.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()

	cmd := exec.Command(binary,
		"-listen", "127.0.0.1:0",
		"-url-file", urlFile,
		"-api-key", mockAPIKey,
		"-latency", settings.latency.String(),
		"-build-delay", settings.buildDelay.String(),
		"-task-delay", settings.taskDelay.String(),
		"-quiet")
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s failed: %w", binary, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()

	// 10 s is ample for a local process to open its listener.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if data, err := os.ReadFile(urlFile); err == nil && strings.HasSuffix(string(data), "\n") {
			apiURL := strings.TrimSpace(string(data))
			m := &mockProcess{
				cmd:        cmd,
				exited:     exited,
				apiURL:     apiURL,
				controlURL: strings.TrimSuffix(apiURL, mockserver.APIPath) + "/_mock/",
				logPath:    logPath,
				http:       &http.Client{Timeout: 30 * time.Second},
			}
			return m, nil
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("the mock API exited during startup (%w); see %s", waitErr, logPath)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("the mock API did not write %s within 10 s; see %s", urlFile, logPath)
		}
	}
}

// stop sends SIGTERM and waits up to 5 s for the mock to exit, then kills it. Calls after the
// first do nothing.
func (m *mockProcess) stop() {
	m.stopOnce.Do(func() {
		_ = m.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-m.exited:
		case <-time.After(5 * time.Second):
			_ = m.cmd.Process.Kill()
			<-m.exited
		}
	})
}

// control sends one request to the control interface and decodes a JSON body into out,
// which may be nil.
func (m *mockProcess) control(method, route string, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, m.controlURL+route, nil)
	if err != nil {
		return err
	}
	resp, err := m.http.Do(req)
	if err != nil {
		return fmt.Errorf("mock control request %s %s failed: %w", method, route, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the response to mock control request %s %s failed: %w", method, route, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("mock control request %s %s returned HTTP %d: %s", method, route, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decoding the response to mock control request %s %s failed: %w", method, route, err)
	}
	return nil
}

// reset returns the mock to its seed state: no instances, no call counts.
func (m *mockProcess) reset() error {
	return m.control(http.MethodPost, "reset", nil)
}

// resetCalls sets the mock's call counts to zero.
func (m *mockProcess) resetCalls() error {
	return m.control(http.MethodDelete, "calls", nil)
}

// callCounts is the body of GET /_mock/calls.
type callCounts struct {
	Total    int            `json:"total"`
	Mutating int            `json:"mutating"`
	Actions  map[string]int `json:"actions"`
}

func (m *mockProcess) calls() (callCounts, error) {
	var counts callCounts
	err := m.control(http.MethodGet, "calls", &counts)
	return counts, err
}

// buildsEndedAt returns, for every instance whose build has ended, the time the mock turned it
// ACTIVE (or ERROR), keyed by serviceid.
func (m *mockProcess) buildsEndedAt() (map[int64]time.Time, error) {
	var state struct {
		BuildsEndedAt map[string]time.Time `json:"builds_ended_at"`
	}
	if err := m.control(http.MethodGet, "state", &state); err != nil {
		return nil, err
	}
	if state.BuildsEndedAt == nil {
		return nil, errors.New("GET /_mock/state has no builds_ended_at: rebuild bin/hostwinds-mock from this repository")
	}
	ended := make(map[int64]time.Time, len(state.BuildsEndedAt))
	for key, at := range state.BuildsEndedAt {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("GET /_mock/state: invalid serviceid %q in builds_ended_at", key)
		}
		ended[id] = at
	}
	return ended, nil
}
