package hostwinds

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

const testAPIKey = "test-key-Zq7+/w="

// recordedRequest is one request as the fake API received it.
type recordedRequest struct {
	Method string
	Header http.Header
	Body   string
	Form   url.Values
	At     time.Time
}

// fakeAPI is an httptest server on a loopback address. It records every request and passes it
// to respond, with n counting requests from 1.
type fakeAPI struct {
	server   *httptest.Server
	respond  func(w http.ResponseWriter, r *http.Request, n int)
	mu       sync.Mutex
	requests []recordedRequest
}

func newFakeAPI(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, n int)) *fakeAPI {
	t.Helper()
	api := &fakeAPI{respond: respond}
	api.server = httptest.NewServer(http.HandlerFunc(api.serveHTTP))
	t.Cleanup(api.server.Close)
	return api
}

func (a *fakeAPI) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))

	a.mu.Lock()
	a.requests = append(a.requests, recordedRequest{
		Method: r.Method,
		Header: r.Header.Clone(),
		Body:   string(body),
		Form:   form,
		At:     time.Now(),
	})
	n := len(a.requests)
	a.mu.Unlock()

	a.respond(w, r, n)
}

func (a *fakeAPI) URL() string { return a.server.URL + "/cloud/api.php" }

func (a *fakeAPI) Requests() []recordedRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]recordedRequest(nil), a.requests...)
}

func (a *fakeAPI) Count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.requests)
}

// answerJSON returns a handler that always writes body with status.
func answerJSON(status int, body string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, status, body)
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// closeConnection drops the connection without a response. The client gets a transport error
// after it has sent the whole request.
func closeConnection(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic("hijacking the test connection failed: " + err.Error())
	}
	_ = conn.Close()
}

// newTestClient returns a client for endpoint with short retry waits and a rate limit high
// enough not to slow the tests. Each edit function may change the Config before New is called.
func newTestClient(t *testing.T, endpoint string, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Endpoint:          endpoint,
		APIKey:            testAPIKey,
		MaxRetries:        3,
		RequestsPerSecond: 10000,
		RequestTimeout:    5 * time.Second,
		RetryWaitMin:      time.Millisecond,
		RetryWaitMax:      5 * time.Millisecond,
	}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

const (
	successResult = `[{"result":"success","action":"Boot","message":"Server is booting."}]`
	instanceRead  = `{"success":{"serviceid":1234,"srvrname":"web-1","status":"ACTIVE","main_ip":"192.0.2.10","task_state":null}}`
)
