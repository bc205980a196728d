package hostwinds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// failFirst returns a handler that responds to the first failures requests with status and an
// error naming the attempt, and to later requests with HTTP 200 and body.
func failFirst(failures, status int, body string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, n int) {
		if n <= failures {
			writeJSON(w, status, fmt.Sprintf(`{"result":"error","action":"Throttle","message":"attempt %d failed"}`, n))
			return
		}
		writeJSON(w, http.StatusOK, body)
	}
}

// mutatingCalls are the mutating actions the retry tests send. Each expects a result list.
var mutatingCalls = map[string]func(context.Context, *Client) error{
	"add_instance": func(ctx context.Context, c *Client) error {
		return c.AddInstance(ctx, CreateInstanceRequest{Name: "web-1", ImageUUID: "image", PlanID: 1, LocationID: 1})
	},
	"terminate": func(ctx context.Context, c *Client) error {
		return c.Terminate(ctx, 1234)
	},
}

func TestRetryThrottledRead(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			api := newFakeAPI(t, failFirst(1, status, instanceRead))
			c := newTestClient(t, api.URL())

			_, err := c.GetInstance(context.Background(), 1234)

			if err != nil {
				t.Errorf("GetInstance: %v", err)
			}
			if api.Count() != 2 {
				t.Errorf("got %d requests, want 2", api.Count())
			}
		})
	}
}

func TestRetryThrottledMutating(t *testing.T) {
	// 429 and 503 come before the API does any work, so even a mutating action is resent.
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		for action, send := range mutatingCalls {
			t.Run(fmt.Sprintf("%d %s", status, action), func(t *testing.T) {
				api := newFakeAPI(t, failFirst(1, status, successResult))
				c := newTestClient(t, api.URL())

				err := send(context.Background(), c)

				if err != nil {
					t.Errorf("%s: %v", action, err)
				}
				if api.Count() != 2 {
					t.Errorf("got %d requests, want 2", api.Count())
				}
			})
		}
	}
}

func TestRetryServerErrorRead(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			api := newFakeAPI(t, failFirst(2, status, instanceRead))
			c := newTestClient(t, api.URL())

			_, err := c.GetInstance(context.Background(), 1234)

			if err != nil {
				t.Errorf("GetInstance: %v", err)
			}
			if api.Count() != 3 {
				t.Errorf("got %d requests, want 3", api.Count())
			}
		})
	}
}

func TestServerErrorMutatingSentOnce(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway} {
		for action, send := range mutatingCalls {
			t.Run(fmt.Sprintf("%d %s", status, action), func(t *testing.T) {
				api := newFakeAPI(t, failFirst(1, status, successResult))
				c := newTestClient(t, api.URL())

				err := send(context.Background(), c)

				if api.Count() != 1 {
					t.Errorf("got %d requests, want exactly 1", api.Count())
				}
				if !IsOutcomeUnknown(err) {
					t.Errorf("IsOutcomeUnknown(%v) = false, want true", err)
				}
				var apiErr *APIError
				if !errors.As(err, &apiErr) || apiErr.HTTPStatus != status {
					t.Errorf("error %v does not carry HTTP %d", err, status)
				}
			})
		}
	}
}

func TestRetryTransportErrorRead(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n <= 2 {
			closeConnection(w)
			return
		}
		writeJSON(w, http.StatusOK, instanceRead)
	})
	c := newTestClient(t, api.URL())

	_, err := c.GetInstance(context.Background(), 1234)

	if err != nil {
		t.Errorf("GetInstance: %v", err)
	}
	if api.Count() != 3 {
		t.Errorf("got %d requests, want 3", api.Count())
	}
}

func TestTransportErrorMutatingSentOnce(t *testing.T) {
	for action, send := range mutatingCalls {
		t.Run(action, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) { closeConnection(w) })
			c := newTestClient(t, api.URL())

			err := send(context.Background(), c)

			if api.Count() != 1 {
				t.Errorf("got %d requests, want exactly 1", api.Count())
			}
			if !IsOutcomeUnknown(err) {
				t.Errorf("IsOutcomeUnknown(%v) = false, want true", err)
			}
		})
	}
}

func TestTransportErrorReadExhausted(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) { closeConnection(w) })
	c := newTestClient(t, api.URL(), func(cfg *Config) { cfg.MaxRetries = 2 })

	_, err := c.GetInstance(context.Background(), 1234)

	if err == nil {
		t.Fatal("GetInstance succeeded, want a transport error")
	}
	if api.Count() != 3 {
		t.Errorf("got %d requests, want 3", api.Count())
	}
	if IsOutcomeUnknown(err) {
		t.Errorf("IsOutcomeUnknown(%v) = true for a read action, want false", err)
	}
	if !strings.Contains(err.Error(), "get_instance") {
		t.Errorf("error %q does not name the action", err)
	}
}

func TestUnknownActionNotResent(t *testing.T) {
	// An action missing from the Actions table may change something, so a 500 is final.
	api := newFakeAPI(t, failFirst(1, http.StatusInternalServerError, successResult))
	c := newTestClient(t, api.URL())

	err := c.call(context.Background(), "rescue", nil, nil)

	if api.Count() != 1 {
		t.Errorf("got %d requests, want exactly 1", api.Count())
	}
	if !IsOutcomeUnknown(err) {
		t.Errorf("IsOutcomeUnknown(%v) = false, want true", err)
	}
}

func TestMaxRetriesBoundsAttempts(t *testing.T) {
	cases := []struct {
		maxRetries   int
		wantRequests int
	}{
		{maxRetries: 2, wantRequests: 3},
		{maxRetries: -1, wantRequests: 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.maxRetries), func(t *testing.T) {
			api := newFakeAPI(t, answerJSON(http.StatusServiceUnavailable, `{"result":"error","message":"busy"}`))
			c := newTestClient(t, api.URL(), func(cfg *Config) { cfg.MaxRetries = tc.maxRetries })

			_, err := c.GetInstance(context.Background(), 1234)

			if err == nil {
				t.Error("GetInstance succeeded, want an error")
			}
			if api.Count() != tc.wantRequests {
				t.Errorf("got %d requests, want %d", api.Count(), tc.wantRequests)
			}
		})
	}
}

func TestMaxRetriesDefault(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusServiceUnavailable, `{"result":"error","message":"busy"}`))
	c := newTestClient(t, api.URL(), func(cfg *Config) { cfg.MaxRetries = 0 })

	_, _ = c.GetInstance(context.Background(), 1234)

	if api.Count() != DefaultMaxRetries+1 {
		t.Errorf("got %d requests, want %d", api.Count(), DefaultMaxRetries+1)
	}
}

func TestRetryExhaustedLastAnswer(t *testing.T) {
	api := newFakeAPI(t, failFirst(100, http.StatusServiceUnavailable, instanceRead))
	c := newTestClient(t, api.URL(), func(cfg *Config) { cfg.MaxRetries = 2 })

	_, err := c.GetInstance(context.Background(), 1234)

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	if apiErr.HTTPStatus != http.StatusServiceUnavailable {
		t.Errorf("HTTPStatus = %d, want 503", apiErr.HTTPStatus)
	}
	if apiErr.Message != "attempt 3 failed" {
		t.Errorf("Message = %q, want the third and last answer's message", apiErr.Message)
	}
}

func TestRetryExhaustedMutating(t *testing.T) {
	// A 503 means the API did nothing, so the caller may send the change again without a read.
	api := newFakeAPI(t, failFirst(100, http.StatusServiceUnavailable, successResult))
	c := newTestClient(t, api.URL(), func(cfg *Config) { cfg.MaxRetries = 1 })

	err := c.Terminate(context.Background(), 1234)

	if err == nil {
		t.Fatal("Terminate succeeded, want an error")
	}
	if IsOutcomeUnknown(err) {
		t.Errorf("IsOutcomeUnknown(%v) = true after 503 answers, want false", err)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, `{"result":"error","message":"slow down"}`)
			return
		}
		writeJSON(w, http.StatusOK, instanceRead)
	})
	c := newTestClient(t, api.URL())

	if _, err := c.GetInstance(context.Background(), 1234); err != nil {
		t.Fatalf("GetInstance: %v", err)
	}

	requests := api.Requests()
	if len(requests) != 2 {
		t.Fatalf("got %d requests, want 2", len(requests))
	}
	// RetryWaitMax is 5 ms here, so only the header can explain a wait of about a second.
	if gap := requests[1].At.Sub(requests[0].At); gap < 950*time.Millisecond {
		t.Errorf("the retry came %s after the first attempt, want at least the 1 s of Retry-After", gap)
	}
}

func TestRetryStopsAtDeadline(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "10")
		writeJSON(w, http.StatusServiceUnavailable, `{"result":"error","message":"maintenance"}`)
	})
	c := newTestClient(t, api.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()

	started := time.Now()
	_, err := c.GetInstance(ctx, 1234)
	elapsed := time.Since(started)

	if elapsed > 2*time.Second {
		t.Errorf("GetInstance returned after %s, want it to stop near the 300 ms deadline", elapsed)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v is not context.DeadlineExceeded", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "maintenance" {
		t.Errorf("error %v does not keep the last answer's message", err)
	}
	if api.Count() != 1 {
		t.Errorf("got %d requests, want 1", api.Count())
	}
}

func TestRetryCancelledDuringWait(t *testing.T) {
	// The backoff wait fits the deadline, but the caller cancels while the client waits.
	api := newFakeAPI(t, answerJSON(http.StatusServiceUnavailable, `{"result":"error","message":"busy"}`))
	c := newTestClient(t, api.URL(), func(cfg *Config) {
		cfg.RetryWaitMin = 5 * time.Second
		cfg.RetryWaitMax = 5 * time.Second
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)

	started := time.Now()
	_, err := c.GetInstance(ctx, 1234)
	elapsed := time.Since(started)

	if elapsed > 2*time.Second {
		t.Errorf("GetInstance returned after %s, want it to stop soon after the cancel", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v is not context.Canceled", err)
	}
}

func TestRetryTransportErrorStopsAtDeadline(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) { closeConnection(w) })
	c := newTestClient(t, api.URL(), func(cfg *Config) {
		cfg.RetryWaitMin = 10 * time.Second
		cfg.RetryWaitMax = 10 * time.Second
	})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()

	started := time.Now()
	_, err := c.GetInstance(ctx, 1234)
	elapsed := time.Since(started)

	if elapsed > 2*time.Second {
		t.Errorf("GetInstance returned after %s, want it to stop near the 300 ms deadline", elapsed)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v is not context.DeadlineExceeded", err)
	}
	if api.Count() != 1 {
		t.Errorf("got %d requests, want 1", api.Count())
	}
}
