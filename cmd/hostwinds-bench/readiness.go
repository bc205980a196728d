package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// buildWaitDescription is the waited_for field of the provider's "Instance is ready" log line
// at the end of a create (internal/provider/resource_instance.go).
const buildWaitDescription = "become ACTIVE and idle after its build"

var (
	instanceIDField = regexp.MustCompile(`\binstance_id=(\d+)`)
	pollsField      = regexp.MustCompile(`\bpolls=(\d+)`)
)

// readyEvent is one create's end of waiting, from the provider log.
type readyEvent struct {
	instanceID int64
	noticedAt  time.Time
	polls      int
}

// parseReadyEvents reads the provider's INFO log (TF_LOG_PROVIDER=INFO, TF_LOG_PATH) and
// returns the "Instance is ready" events that end the wait for a build. The time is the one
// Terraform stamps on the line, in milliseconds.
func parseReadyEvents(path string) ([]readyEvent, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()

	var events []readyEvent
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		if !strings.Contains(line, "Instance is ready:") || !strings.Contains(line, `waited_for="`+buildWaitDescription+`"`) {
			continue
		}
		event, err := parseReadyLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		events = append(events, event)
	}
	return events, scanner.Err()
}

func parseReadyLine(line string) (readyEvent, error) {
	stamp, _, _ := strings.Cut(line, " ")
	noticedAt, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		return readyEvent{}, fmt.Errorf("log line without a leading time stamp: %q", line)
	}
	idMatch := instanceIDField.FindStringSubmatch(line)
	pollsMatch := pollsField.FindStringSubmatch(line)
	if idMatch == nil || pollsMatch == nil {
		return readyEvent{}, fmt.Errorf("log line without instance_id or polls: %q", line)
	}
	id, err := strconv.ParseInt(idMatch[1], 10, 64)
	if err != nil {
		return readyEvent{}, err
	}
	polls, err := strconv.Atoi(pollsMatch[1])
	if err != nil {
		return readyEvent{}, err
	}
	return readyEvent{instanceID: id, noticedAt: noticedAt, polls: polls}, nil
}

// readiness summarises how soon the provider noticed that builds had ended.
type readiness struct {
	creates int
	// delays are noticed time minus the time the mock ended the build, sorted.
	delays []time.Duration
	// polls are the get_instance polls of each create's wait, sorted.
	polls []int
}

// summariseReadiness pairs every ready event with the end of its build in the mock.
func summariseReadiness(events []readyEvent, buildsEnded map[int64]time.Time) (readiness, error) {
	var r readiness
	for _, event := range events {
		ended, ok := buildsEnded[event.instanceID]
		if !ok {
			return readiness{}, fmt.Errorf("the provider logged instance %d as ready, but the mock has no end of its build", event.instanceID)
		}
		r.delays = append(r.delays, event.noticedAt.Sub(ended))
		r.polls = append(r.polls, event.polls)
	}
	r.creates = len(events)
	slices.Sort(r.delays)
	slices.Sort(r.polls)
	return r, nil
}

// quantile returns the element at fraction q of a sorted slice (nearest rank), or the zero
// value for an empty slice. quantile(s, 0.5) is the median, the lower one for an even length.
func quantile[T any](sorted []T, q float64) T {
	var zero T
	if len(sorted) == 0 {
		return zero
	}
	rank := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}
