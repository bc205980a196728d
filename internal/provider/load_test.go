package provider_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// requestLog records every API request that reaches the mock: its arrival time, its action
// and the HTTP status of the response.
type requestLog struct {
	mu       sync.Mutex
	times    []time.Time
	answered map[string]map[int]int // action, then HTTP status, to a count
}

// wrap returns a handler that records each request and passes it to next.
func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived := time.Now()
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		recorder := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(recorder, r)

		l.mu.Lock()
		defer l.mu.Unlock()
		l.times = append(l.times, arrived)
		action := form.Get("action")
		if l.answered[action] == nil {
			l.answered[action] = map[int]int{}
		}
		l.answered[action][recorder.status]++
	})
}

// succeeded returns how many requests of action got a 200 response.
func (l *requestLog) succeeded(action string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.answered[action][http.StatusOK]
}

// statusCount returns how many requests of any action got a response with status.
func (l *requestLog) statusCount(status int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, statuses := range l.answered {
		n += statuses[status]
	}
	return n
}

// sortedTimes returns the arrival times in order.
func (l *requestLog) sortedTimes() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	times := slices.Clone(l.times)
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	return times
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Load test settings: the provider's limit sits below the mock's, so the mock's own 429s
// appear only if the provider sends faster than its configured limit.
const (
	loadInstances         = 25
	loadProviderRate      = 30
	loadMockRate          = 40
	load429Probability    = 0.2
	loadTerraformParallel = 10
)

func loadConfig() string {
	return fmt.Sprintf(`
resource "hostwinds_instance" "mail" {
  count       = %d
  name        = "load-${count.index}"
  location_id = 1
  plan_id     = 301
  image       = %q
}

resource "hostwinds_secondary_ip" "extra" {
  count       = %d
  instance_id = hostwinds_instance.mail[floor(count.index / 2)].id
}

resource "hostwinds_rdns" "extra" {
  count       = %d
  instance_id = hostwinds_secondary_ip.extra[count.index].instance_id
  ip_address  = hostwinds_secondary_ip.extra[count.index].address
  dns_ptr     = "mx${count.index}.example.com"
}
`, loadInstances, mockserver.ImageUbuntu2404, 2*loadInstances, 2*loadInstances)
}

func TestAccLoad_parallelApplyUnder429s(t *testing.T) {
	srv := mockserver.New(mockserver.Config{
		BuildDelay:        200 * time.Millisecond,
		TaskDelay:         100 * time.Millisecond,
		IPDelay:           100 * time.Millisecond,
		RequestsPerSecond: loadMockRate,
	})
	srv.InjectFault(mockserver.Fault{Kind: mockserver.FaultStatus429, Probability: load429Probability, RetryAfter: 1})
	log := &requestLog{answered: map[string]map[int]int{}}
	server := httptest.NewServer(log.wrap(srv))
	t.Cleanup(server.Close)

	run := newCLIRun(t, srv, loadConfig())
	run.env = append(run.env,
		"HOSTWINDS_API_URL="+server.URL+mockserver.APIPath,
		fmt.Sprintf("HOSTWINDS_REQUESTS_PER_SECOND=%d", loadProviderRate),
		"HOSTWINDS_POLL_INTERVAL=200ms",
		// With one response in five a 429, five retries would run out about once in 15,000
		// requests; ten make that negligible.
		"HOSTWINDS_MAX_RETRIES=10",
	)

	started := time.Now()
	run.mustRun(0, "apply", "-auto-approve", "-no-color", "-input=false", fmt.Sprintf("-parallelism=%d", loadTerraformParallel))
	applyTime := time.Since(started)
	times := log.sortedTimes()

	instances := srv.Instances()
	if len(instances) != loadInstances {
		t.Errorf("the mock holds %d instances, want %d", len(instances), loadInstances)
	}
	names := map[string]bool{}
	secondary, ptrs := 0, 0
	for _, instance := range instances {
		names[instance.SrvrName] = true
		for _, ip := range srv.InstanceIPs(instance.ServiceID) {
			if ip.Type != "secondary" {
				continue
			}
			secondary++
			if strings.HasSuffix(ip.RDNS, ".example.com") {
				ptrs++
			}
		}
	}
	if len(names) != loadInstances {
		t.Errorf("the mock's instances have %d distinct names, want %d", len(names), loadInstances)
	}
	if secondary != 2*loadInstances {
		t.Errorf("the mock holds %d secondary addresses, want %d", secondary, 2*loadInstances)
	}
	if ptrs != 2*loadInstances {
		t.Errorf("the mock holds %d PTR records under example.com, want %d", ptrs, 2*loadInstances)
	}
	for action, want := range map[string]int{"add_instance": loadInstances, "add_ip": 2 * loadInstances, "set_rdns": 2 * loadInstances} {
		if got := log.succeeded(action); got != want {
			t.Errorf("%s was carried out %d times, want %d", action, got, want)
		}
	}
	resources, err := run.readState()
	if err != nil {
		t.Fatal(err)
	}
	if err := checkMockMatchesState(srv, resources); err != nil {
		t.Error(err)
	}

	run.mustRun(0, "plan", "-detailed-exitcode", "-no-color", "-input=false", fmt.Sprintf("-parallelism=%d", loadTerraformParallel))

	peak := maxPerWindow(times, time.Second)
	average := float64(len(times)) / times[len(times)-1].Sub(times[0]).Seconds()
	t.Logf("load: %d instances, %d secondary addresses, %d PTR records; apply took %s with -parallelism=%d",
		len(instances), secondary, ptrs, applyTime.Round(time.Second), loadTerraformParallel)
	t.Logf("load: %d requests during the apply, %d answered 429 (injected with probability %.1f, or the mock's limit of %d/s); "+
		"provider limit %d/s: peak %d requests in any 1 s window, average %.1f/s",
		len(times), log.statusCount(http.StatusTooManyRequests), load429Probability, loadMockRate, loadProviderRate, peak, average)

	// The limiter lets one request through at once and then one every 1/rate seconds, so a
	// window of one second holds at most rate+1 requests.
	if peak > loadProviderRate+1 {
		t.Errorf("the provider sent %d requests in one second, above its limit of %d/s", peak, loadProviderRate)
	}
	if average > loadProviderRate {
		t.Errorf("the provider sent %.1f requests a second on average, above its limit of %d/s", average, loadProviderRate)
	}

}
