package mockserver

import (
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// FaultKind selects how an injected fault breaks a request.
type FaultKind string

// Fault kinds. The request is not processed unless the kind states otherwise.
const (
	// FaultStatus503 responds with 503 with Retry-After (Fault.RetryAfter seconds, default 1).
	FaultStatus503 FaultKind = "status_503"
	// FaultStatus429 responds with 429 with Retry-After, like FaultStatus503.
	FaultStatus429 FaultKind = "status_429"
	// FaultHTML502 responds with 502 with an HTML page, as a proxy in front of the API would.
	FaultHTML502 FaultKind = "html_502"
	// FaultResultError responds with HTTP 200 with a result-list error carrying
	// Fault.Message (default "Internal error.").
	FaultResultError FaultKind = "result_error"
	// FaultDelay sleeps Fault.Delay (default 1s), then processes the request
	// normally. A request whose context ends during the sleep is not processed.
	FaultDelay FaultKind = "delay"
	// FaultConnReset closes the connection with a TCP RST before processing.
	FaultConnReset FaultKind = "conn_reset"
	// FaultLostAnswer processes the request fully, then closes the connection
	// without an answer.
	FaultLostAnswer FaultKind = "lost_answer"
	// FaultTaskError lets add_instance, upgrade_server or reinstall_instance
	// succeed, but the instance then goes to status ERROR instead of
	// finishing the task. Other actions pass it by without using it up.
	FaultTaskError FaultKind = "task_error"
)

// faultKinds is the set of valid kinds, for the control interface.
var faultKinds = map[FaultKind]bool{
	FaultStatus503: true, FaultStatus429: true, FaultHTML502: true, FaultResultError: true,
	FaultDelay: true, FaultConnReset: true, FaultLostAnswer: true, FaultTaskError: true,
}

// taskErrorActions are the actions that FaultTaskError applies to.
var taskErrorActions = map[string]bool{"add_instance": true, "upgrade_server": true, "reinstall_instance": true}

// Fault makes matching API calls fail. Faults apply only to calls that
// passed the key check, and they still count in Calls.
type Fault struct {
	Action string    `json:"action"` // the action it hits; "" hits any action
	Kind   FaultKind `json:"kind"`
	// Count is how many matching calls it hits: 0 means 1, and -1 means
	// every one until ClearFaults.
	Count int `json:"count"`
	// Probability, if above 0, hits each matching call with this
	// probability, and the fault then stays until ClearFaults.
	Probability float64       `json:"probability"`
	RetryAfter  int           `json:"retry_after"` // seconds, for the status kinds
	Delay       time.Duration `json:"delay"`       // for FaultDelay
	Message     string        `json:"message"`     // for FaultResultError
}

type activeFault struct {
	Fault
	remaining int // calls left to hit; -1 for unlimited
}

// InjectFault adds a fault. When several faults match a call, the oldest
// one wins.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	remaining := f.Count
	switch {
	case f.Count < 0 || f.Probability > 0:
		remaining = -1
	case f.Count == 0:
		remaining = 1
	}
	s.faults = append(s.faults, &activeFault{Fault: f, remaining: remaining})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the fault that hits this call, if any, and uses it up.
// The caller holds s.mu.
func (s *Server) takeFault(action string) *Fault {
	for i, f := range s.faults {
		if f.Action != "" && f.Action != action {
			continue
		}
		if f.Kind == FaultTaskError && !taskErrorActions[action] {
			continue
		}
		if f.Probability > 0 && rand.Float64() >= f.Probability {
			continue
		}
		hit := f.Fault
		if f.remaining > 0 {
			f.remaining--
			if f.remaining == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &hit
	}
	return nil
}

// applyFaultBefore carries out the part of a fault that comes before
// processing. It reports true when the request is finished and must not be
// processed.
func (s *Server) applyFaultBefore(w http.ResponseWriter, r *http.Request, f *Fault, req *request) bool {
	s.logf("action=%s fault=%s injected", req.action, f.Kind)
	switch f.Kind {
	case FaultStatus503, FaultStatus429:
		retryAfter := f.RetryAfter
		if retryAfter <= 0 {
			retryAfter = 1
		}
		status := http.StatusServiceUnavailable
		if f.Kind == FaultStatus429 {
			status = http.StatusTooManyRequests
		}
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		http.Error(w, http.StatusText(status), status)
		return true
	case FaultHTML502:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
		return true
	case FaultResultError:
		message := f.Message
		if message == "" {
			message = msgInjectedDefault
		}
		writeJSON(w, http.StatusOK, fail(req, codeInjected, message).body)
		return true
	case FaultDelay:
		delay := f.Delay
		if delay <= 0 {
			delay = time.Second
		}
		return !sleepContext(r.Context(), delay)
	case FaultConnReset:
		dropConnection(w, true)
		return true
	case FaultTaskError:
		req.taskError = true
	case FaultLostAnswer:
		// The request is processed first; ServeHTTP then drops the connection.
	}
	return false
}

// dropConnection closes the client connection without a response; reset
// sends a TCP RST instead of a FIN. A ResponseWriter that cannot be hijacked
// (httptest.ResponseRecorder, HTTP/2) gets a 502 instead, the closest
// failure it can show.
func dropConnection(w http.ResponseWriter, reset bool) {
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "connection dropped by an injected fault", http.StatusBadGateway)
		return
	}
	conn, _, err := hijacker.Hijack()
	if err != nil {
		http.Error(w, "connection dropped by an injected fault", http.StatusBadGateway)
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
