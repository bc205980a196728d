package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// maxPollInterval caps the growing wait between status polls, so that a long build is polled
// about 10 times a minute at most and readiness is noticed within this much time.
const maxPollInterval = 8 * time.Second

// pollGrowth is the factor by which each wait between polls grows.
const pollGrowth = 1.5

// errInstanceFailed marks an instance that reached status ERROR while the provider waited.
var errInstanceFailed = errors.New("the instance went to status ERROR")

// instanceCondition is what a wait waits for. done returns true when the instance is there.
type instanceCondition struct {
	description string
	done        func(*hostwinds.Instance) bool
	// goneIsDone ends the wait successfully when the instance no longer exists.
	goneIsDone bool
}

func activeAndIdle(i *hostwinds.Instance) bool {
	return i.HasStatus(hostwinds.StatusActive) && i.Idle()
}

// waitForInstance polls get_instance with capped exponential backoff until cond holds, the
// instance goes to ERROR, or ctx ends. It returns the last instance seen, also with an error.
func waitForInstance(ctx context.Context, client *hostwinds.Client, id int64, firstWait time.Duration, cond instanceCondition) (*hostwinds.Instance, error) {
	started := time.Now()
	wait := firstWait
	var last *hostwinds.Instance
	for polls := 1; ; polls++ {
		instance, err := client.GetInstance(ctx, id)
		switch {
		case err != nil && hostwinds.IsNotFound(err) && cond.goneIsDone:
			tflog.Info(ctx, "Instance is gone", map[string]any{"instance_id": id, "polls": polls})
			return last, nil
		case err != nil && ctx.Err() != nil:
			return last, timeoutError(ctx, id, cond, last, started)
		case err != nil:
			return last, fmt.Errorf("reading instance %d while waiting for it to %s: %w", id, cond.description, err)
		}
		last = instance

		if cond.done(instance) {
			tflog.Info(ctx, "Instance is ready", map[string]any{
				"instance_id": id, "waited_for": cond.description, "status": instance.Status,
				"elapsed": time.Since(started).Round(time.Millisecond).String(), "polls": polls,
			})
			return instance, nil
		}
		if instance.HasStatus(hostwinds.StatusError) {
			return instance, fmt.Errorf("%w while the provider waited for instance %d to %s (last status %s, task %s)",
				errInstanceFailed, id, cond.description, instance.Status, taskText(instance))
		}

		tflog.Info(ctx, "Waiting for instance", map[string]any{
			"instance_id": id, "waiting_for": cond.description, "status": instance.Status, "task_state": taskText(instance),
			"elapsed": time.Since(started).Round(time.Second).String(), "next_poll_in": wait.String(),
		})
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return last, timeoutError(ctx, id, cond, last, started)
		case <-timer.C:
		}
		wait = min(time.Duration(float64(wait)*pollGrowth), maxPollInterval)
	}
}

func timeoutError(ctx context.Context, id int64, cond instanceCondition, last *hostwinds.Instance, started time.Time) error {
	status := "unknown"
	if last != nil {
		status = fmt.Sprintf("%s, task %s", last.Status, taskText(last))
	}
	reason := "timed out"
	if errors.Is(ctx.Err(), context.Canceled) {
		reason = "was interrupted"
	}
	return fmt.Errorf("waiting for instance %d to %s %s after %s; the last status seen was %s. If the instance is "+
		"still working, raise the operation's timeout in the timeouts block and apply again",
		id, cond.description, reason, time.Since(started).Round(time.Second), status)
}

func taskText(i *hostwinds.Instance) string {
	if i.Idle() {
		return "none"
	}
	return strings.ToLower(*i.TaskState)
}
