package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseReadyEventsKeepsBuildWaits(t *testing.T) {
	log := strings.Join([]string{
		`2026-01-02T03:04:05.250Z [INFO]  provider.terraform-provider-hostwinds: Instance is ready: elapsed=2.064s ` +
			`waited_for="become ACTIVE and idle after its build" instance_id=1000 polls=2 status=ACTIVE timestamp=2026-01-02T03:04:05.250Z`,
		`2026-01-02T03:04:06.000Z [INFO]  provider.terraform-provider-hostwinds: Instance is ready: polls=1 ` +
			`waited_for="finish its current task" instance_id=1000 timestamp=2026-01-02T03:04:06.000Z`,
		`2026-01-02T03:04:06.100Z [INFO]  provider.terraform-provider-hostwinds: Waiting for instance: instance_id=1001`,
	}, "\n")
	path := filepath.Join(t.TempDir(), "provider.log")
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}

	events, err := parseReadyEvents(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 {
		t.Fatalf("got %d events, want only the one that ends a build: %+v", len(events), events)
	}
	want := readyEvent{instanceID: 1000, noticedAt: time.Date(2026, 1, 2, 3, 4, 5, 250e6, time.UTC), polls: 2}
	if events[0] != want {
		t.Errorf("got %+v, want %+v", events[0], want)
	}
}

func TestSummariseReadinessRejectsUnknownInstance(t *testing.T) {
	events := []readyEvent{{instanceID: 7, noticedAt: time.Now(), polls: 2}}
	if _, err := summariseReadiness(events, map[int64]time.Time{}); err == nil {
		t.Error("an event without a build end in the mock was accepted")
	}
}

func TestQuantileNearestRank(t *testing.T) {
	sorted := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	cases := []struct {
		q    float64
		want int
	}{{0.5, 5}, {0.9, 9}, {1, 10}, {0, 1}}
	for _, c := range cases {
		if got := quantile(sorted, c.q); got != c.want {
			t.Errorf("quantile(1..10, %v) = %d, want %d", c.q, got, c.want)
		}
	}
	if got := quantile([]int{}, 0.5); got != 0 {
		t.Errorf("quantile of an empty slice = %d, want 0", got)
	}
}

func TestWriteResultsReplacesOnlyTheSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	page := "# Benchmarks\n\nMethod.\n\n" + resultsBegin + "\nold\n" + resultsEnd + "\n\nAnalysis.\n"
	if err := os.WriteFile(path, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}

	if err := writeResults(path, resultsBegin+"\nnew\n"+resultsEnd+"\n"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "# Benchmarks\n\nMethod.\n\n" + resultsBegin + "\nnew\n" + resultsEnd + "\n\nAnalysis.\n"
	if string(data) != want {
		t.Errorf("page after writeResults:\n%s\nwant:\n%s", data, want)
	}
}

func TestWriteResultsRejectsPageWithoutMarkers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := os.WriteFile(path, []byte("# Benchmarks\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeResults(path, "section"); err == nil {
		t.Error("a page without markers was overwritten")
	}
}
