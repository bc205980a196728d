package hostwinds

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestRateLimitSpacesRequests(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, instanceRead))
	c := newTestClient(t, api.URL(), func(cfg *Config) { cfg.RequestsPerSecond = 20 })
	// The limiter is shared by the whole process, so later tests need the fast rate back.
	t.Cleanup(func() { newTestClient(t, api.URL()) })

	started := time.Now()
	for i := range 30 {
		if _, err := c.GetInstance(context.Background(), 1234); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	elapsed := time.Since(started)

	// At 20 requests per second, 30 requests need 29 intervals of 50 ms: 1.45 s. The bound
	// leaves room for a burst of a few requests.
	if elapsed < time.Second {
		t.Errorf("30 requests took %s, want at least 1 s at 20 requests per second", elapsed)
	}
}

func TestRateLimitSharedByClients(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, instanceRead))
	first := newTestClient(t, api.URL(), func(cfg *Config) { cfg.RequestsPerSecond = 20 })
	t.Cleanup(func() { newTestClient(t, api.URL()) })
	second := newTestClient(t, api.URL(), func(cfg *Config) { cfg.RequestsPerSecond = 20 })

	started := time.Now()
	for i := range 10 {
		for _, c := range []*Client{first, second} {
			if _, err := c.GetInstance(context.Background(), 1234); err != nil {
				t.Fatalf("round %d: %v", i+1, err)
			}
		}
	}
	elapsed := time.Since(started)

	// Two clients with their own limiters would finish 20 requests in about 0.45 s.
	if elapsed < 700*time.Millisecond {
		t.Errorf("20 requests from two clients took %s, want at least 0.7 s from one shared budget", elapsed)
	}
}

func TestRateLimitWaitHonoursContext(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, instanceRead))
	c := newTestClient(t, api.URL(), func(cfg *Config) { cfg.RequestsPerSecond = 0.5 })
	t.Cleanup(func() { newTestClient(t, api.URL()) })
	// The first request takes the only token, so the second would wait 2 s.
	if _, err := c.GetInstance(context.Background(), 1234); err != nil {
		t.Fatalf("first request: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	started := time.Now()
	_, err := c.GetInstance(ctx, 1234)
	elapsed := time.Since(started)

	if err == nil {
		t.Error("second request succeeded, want a deadline error from the rate limit wait")
	}
	if elapsed > time.Second {
		t.Errorf("second request returned after %s, want it to stop at the 100 ms deadline", elapsed)
	}
	if api.Count() != 1 {
		t.Errorf("got %d requests, want 1", api.Count())
	}
}
