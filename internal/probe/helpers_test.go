package probe

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// startMock starts a mock API on 127.0.0.1 for one test.
func startMock(t *testing.T, cfg mockserver.Config) *mockserver.Server {
	t.Helper()
	srv, err := mockserver.Start(cfg)
	if err != nil {
		t.Fatalf("starting the mock API: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// newClient returns a client for endpoint with retries off, so that an injected failure
// shows on the first attempt, and a rate limit that does not slow the tests.
func newClient(t *testing.T, endpoint, apiKey string) *hostwinds.Client {
	t.Helper()
	client, err := hostwinds.New(hostwinds.Config{
		Endpoint:          endpoint,
		APIKey:            apiKey,
		MaxRetries:        -1,
		RequestsPerSecond: 10000,
		RequestTimeout:    5 * time.Second,
	})
	if err != nil {
		t.Fatalf("creating the client: %v", err)
	}
	return client
}

// recordingProxy is a loopback httptest server in front of a mock. It records every form it
// receives, and writes the response itself where override returns true.
type recordingProxy struct {
	server *httptest.Server
	mu     sync.Mutex
	forms  []url.Values
}

// startProxy serves next behind a recording proxy. override may be nil.
func startProxy(t *testing.T, next http.Handler, override func(w http.ResponseWriter, form url.Values) bool) *recordingProxy {
	t.Helper()
	p := &recordingProxy{}
	p.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		form, _ := url.ParseQuery(string(body))
		p.mu.Lock()
		p.forms = append(p.forms, form)
		p.mu.Unlock()
		if override != nil && override(w, form) {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	}))
	t.Cleanup(p.server.Close)
	return p
}

func (p *recordingProxy) URL() string { return p.server.URL + mockserver.APIPath }

func (p *recordingProxy) Forms() []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]url.Values(nil), p.forms...)
}

// answerFor returns an override that writes body with status for action.
func answerFor(answers map[string]string, statuses map[string]int) func(http.ResponseWriter, url.Values) bool {
	return func(w http.ResponseWriter, form url.Values) bool {
		body, ok := answers[form.Get("action")]
		if !ok {
			return false
		}
		status := http.StatusOK
		if s, ok := statuses[form.Get("action")]; ok {
			status = s
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
		return true
	}
}

// invalidActionAnswer is what the API sends for an action name it does not know.
const invalidActionAnswer = `[{"result":"error","action":"Unknown","message":"Invalid Action.","ERROR":"6734"}]`

// recordingCaller records the requests a guard lets through, without any network.
type recordingCaller struct {
	actions []string
}

func (c *recordingCaller) CallAction(_ context.Context, action string, _ url.Values, _ any) error {
	c.actions = append(c.actions, action)
	return nil
}

// resultsByAction indexes results by action name.
func resultsByAction(results []Result) map[string]Result {
	out := map[string]Result{}
	for _, r := range results {
		out[r.Action] = r
	}
	return out
}

// seedAccount creates one instance with the client and one SMTP filter event, so that the
// reads return elements whose fields the probe can check, then resets the call counts.
func seedAccount(t *testing.T, srv *mockserver.Server, client *hostwinds.Client) int {
	t.Helper()
	err := client.AddInstance(context.Background(), hostwinds.CreateInstanceRequest{
		Name: "probe-seed", ImageUUID: mockserver.ImageUbuntu2404, PlanID: 301, LocationID: 1,
	})
	if err != nil {
		t.Fatalf("creating the seed instance: %v", err)
	}
	id := srv.Instances()[0].ServiceID
	srv.AddSMTPFilter(map[string]any{
		"id": 1, "serviceid": id, "ip": "192.0.2.10", "type": "block", "reason": "spam", "created_at": "2025-01-02 03:04:05",
	})
	srv.ResetCalls()
	return id
}
