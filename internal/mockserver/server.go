// Package mockserver is an in-memory Hostwinds Cloud API for tests, demos and
// offline work. It speaks the wire format of the real endpoint (form-encoded
// POST to /cloud/api.php, JSON responses) and rejects what the real API is
// known or assumed to reject, so that a client that passes against it has a
// fair chance against the live service.
//
// All state sits behind one mutex. Timed transitions (BUILD to ACTIVE, power
// actions, resizes) are evaluated lazily: every request and every inspection
// first applies the transitions whose due time has passed.
package mockserver

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// APIPath is the path of the API endpoint. The mock also accepts "/".
const APIPath = "/cloud/api.php"

// DefaultAPIKey is the key that New uses when Config.APIKey is empty.
const DefaultAPIKey = "test-key"

// Config sets the key, the timing and the limits of a Server.
type Config struct {
	APIKey         string        // required key; DefaultAPIKey when empty
	BuildDelay     time.Duration // BUILD to ACTIVE
	TaskDelay      time.Duration // power, reinstall and resize transitions
	TerminateDelay time.Duration // 0 removes a terminated instance at once
	IPDelay        time.Duration // until an added IP shows in get_instance_ips
	Latency        time.Duration // fixed delay added to every API call
	// RequestsPerSecond limits API calls with a token bucket whose burst is
	// the rate rounded up. Above it the mock responds with 429 with Retry-After: 1.
	// 0 means unlimited.
	RequestsPerSecond float64
	Logger            *log.Logger // nil is silent
	// AllowNonLoopback lets Listen bind an address that is not loopback.
	AllowNonLoopback bool
}

// Server is the mock API. Use it as an http.Handler, or call Start or Listen
// to serve it on a loopback port.
type Server struct {
	cfg Config

	mu sync.Mutex
	st *state
	// calls counts requests per action that passed the key check.
	calls    map[string]int
	mutating int
	faults   []*activeFault
	// tokens and lastRefill implement the RequestsPerSecond bucket.
	tokens     float64
	lastRefill time.Time

	httpServer *http.Server
	listener   net.Listener
}

// New returns a server seeded with the catalogue and the default firewall
// profile, and with no instances.
func New(cfg Config) *Server {
	if cfg.APIKey == "" {
		cfg.APIKey = DefaultAPIKey
	}
	s := &Server{cfg: cfg, st: newState(), calls: map[string]int{}}
	s.tokens = s.burst()
	return s
}

// Start creates a server and serves it on 127.0.0.1 at a free port.
func Start(cfg Config) (*Server, error) {
	s := New(cfg)
	if err := s.Listen("127.0.0.1:0"); err != nil {
		return nil, err
	}
	return s, nil
}

// Listen binds addr and serves in a goroutine, so it returns once the port is
// open. It rejects an address that is not loopback (a host name other than
// "localhost", an empty host or 0.0.0.0) unless Config.AllowNonLoopback is set.
func (s *Server) Listen(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid listen address %q: %w", addr, err)
	}
	if !s.cfg.AllowNonLoopback && !isLoopbackHost(host) {
		return fmt.Errorf("listen address %q is not loopback: use 127.0.0.1 or ::1, or set Config.AllowNonLoopback (flag -allow-non-loopback of hostwinds-mock)", addr)
	}

	s.mu.Lock()
	if s.listener != nil {
		s.mu.Unlock()
		return errors.New("server is already listening on " + s.listener.Addr().String())
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	s.listener = ln
	s.httpServer = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	srv := s.httpServer
	s.mu.Unlock()

	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("server on %s stopped: %v", ln.Addr(), err)
		}
	}()
	return nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL returns the API endpoint, such as "http://127.0.0.1:43123/cloud/api.php",
// or "" before Listen.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return ""
	}
	return "http://" + s.listener.Addr().String() + APIPath
}

// Close stops serving and drops open connections. Calling it twice, or on a
// server that never listened, does nothing.
func (s *Server) Close() {
	s.mu.Lock()
	srv := s.httpServer
	s.httpServer = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// ServeHTTP routes /_mock/ to the control interface and everything else to
// the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}
	if r.URL.Path != APIPath && r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	s.serveAPI(w, r)
}

// maxBodyBytes bounds a request body; real calls are well under a kilobyte.
const maxBodyBytes = 1 << 20

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if s.cfg.Latency > 0 && !sleepContext(r.Context(), s.cfg.Latency) {
		return
	}
	if !s.takeToken() {
		s.logf("rate limit of %v requests per second exceeded: responded with 429", s.cfg.RequestsPerSecond)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
		return
	}

	// Like PHP's $_POST, only a form-encoded body is read. Any other body
	// carries no API key, which matches the authorization failure reported
	// for clients that sent JSON.
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	form := params{}
	if isFormContentType(r.Header.Get("Content-Type")) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "invalid form body: "+err.Error(), http.StatusBadRequest)
			return
		}
		form = params(r.PostForm)
	}

	if form.get("API") != s.cfg.APIKey {
		s.logf("action=%q rejected: missing or wrong API key", form.get("action"))
		writeJSON(w, http.StatusOK, authError())
		return
	}
	action := form.get("action")

	s.mu.Lock()
	s.calls[action]++
	spec, known := actions[action]
	if known && spec.mutating {
		s.mutating++
	}
	fault := s.takeFault(action)
	s.mu.Unlock()

	req := &request{action: action, form: form}
	if fault != nil {
		if s.applyFaultBefore(w, r, fault, req) {
			return
		}
	}

	var resp response
	if !known {
		resp = invalidAction(action)
	} else {
		s.mu.Lock()
		s.st.advance(time.Now())
		resp = spec.handler(s, req)
		s.mu.Unlock()
	}
	s.logResult(req, resp)

	if fault != nil && fault.Kind == FaultLostAnswer {
		dropConnection(w, false)
		return
	}
	writeJSON(w, http.StatusOK, resp.body)
}

func isFormContentType(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mediaType), "application/x-www-form-urlencoded")
}

// burst is the bucket size of the rate limit: one second's worth of calls.
func (s *Server) burst() float64 {
	return math.Max(1, math.Ceil(s.cfg.RequestsPerSecond))
}

// takeToken reports whether the rate limit lets a call through.
func (s *Server) takeToken() bool {
	rate := s.cfg.RequestsPerSecond
	if rate <= 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if !s.lastRefill.IsZero() {
		s.tokens = math.Min(s.burst(), s.tokens+now.Sub(s.lastRefill).Seconds()*rate)
	}
	s.lastRefill = now
	if s.tokens < 1 {
		return false
	}
	s.tokens--
	return true
}

// sleepContext waits for d and reports false if ctx ended first.
func sleepContext(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logger != nil {
		s.cfg.Logger.Printf(format, args...)
	}
}

// logResult logs the action, the serviceid if any, and the outcome. It never
// logs the key or any other parameter, because those can carry passwords.
func (s *Server) logResult(req *request, resp response) {
	if s.cfg.Logger == nil {
		return
	}
	target := ""
	if id := req.form.get("serviceid"); id != "" {
		if _, err := strconv.Atoi(id); err == nil {
			target = " serviceid=" + id
		}
	}
	if resp.err != "" {
		s.logf("action=%s%s result=error message=%q", req.action, target, resp.err)
		return
	}
	s.logf("action=%s%s result=success", req.action, target)
}
