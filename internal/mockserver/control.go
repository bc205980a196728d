package mockserver

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// controlPrefix is the path of the control interface, which needs no API key
// and serves loopback clients only.
const controlPrefix = "/_mock/"

// controlState is the response body of GET /_mock/state.
type controlState struct {
	Instances        []Instance        `json:"instances"`
	IPs              map[string][]IP   `json:"ips"`
	PendingIPs       map[string][]IP   `json:"pending_ips"`
	FirewallProfiles []FirewallProfile `json:"firewall_profiles"`
	// InstanceProfiles maps a serviceid to the id of its firewall profile.
	InstanceProfiles map[string]int `json:"instance_firewall_profiles"`
	UpgradeOrders    map[string]int `json:"upgrade_orders"`
	SSHKeys          []sshKey       `json:"ssh_keys"`
	// BuildsEndedAt maps a serviceid to the time its build ended, to ACTIVE
	// or ERROR, for the builds that have ended.
	BuildsEndedAt map[string]time.Time `json:"builds_ended_at"`
}

type sshKey struct {
	Name      string `json:"name"`
	PublicKey string `json:"public_key"`
}

// faultRequest is the body of POST /_mock/faults: a Fault whose delay is a
// Go duration string ("1.5s") or a number of seconds.
type faultRequest struct {
	Fault
	Delay json.RawMessage `json:"delay"`
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || !isLoopbackHost(host) {
		http.Error(w, "the control interface serves loopback clients only: connect from 127.0.0.1 or ::1", http.StatusForbidden)
		return
	}

	route := r.Method + " " + strings.TrimPrefix(r.URL.Path, controlPrefix)
	switch route {
	case "GET state":
		writeJSON(w, http.StatusOK, s.snapshot())
	case "GET calls":
		writeJSON(w, http.StatusOK, map[string]any{
			"total": s.TotalCalls(), "mutating": s.MutatingCalls(), "actions": s.CallCounts(),
		})
	case "DELETE calls":
		s.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	case "GET faults":
		writeJSON(w, http.StatusOK, s.activeFaults())
	case "POST faults":
		f, err := decodeFault(w, r)
		if err != nil {
			http.Error(w, "invalid fault: "+err.Error(), http.StatusBadRequest)
			return
		}
		s.InjectFault(f)
		s.logf("control: fault %s injected for action %q", f.Kind, f.Action)
		w.WriteHeader(http.StatusNoContent)
	case "DELETE faults":
		s.ClearFaults()
		s.logf("control: faults cleared")
		w.WriteHeader(http.StatusNoContent)
	case "POST reset":
		s.Reset()
		s.logf("control: state reset to the seed")
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "unknown control request "+route+": use GET state, GET|DELETE calls, GET|POST|DELETE faults or POST reset under "+controlPrefix, http.StatusNotFound)
	}
}

func decodeFault(w http.ResponseWriter, r *http.Request) (Fault, error) {
	var req faultRequest
	decoder := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&req); err != nil {
		return Fault{}, err
	}
	f := req.Fault
	if !faultKinds[f.Kind] {
		return Fault{}, fmt.Errorf("unknown kind %q", f.Kind)
	}
	if f.Probability < 0 || f.Probability > 1 {
		return Fault{}, fmt.Errorf("probability %v is outside 0 to 1", f.Probability)
	}
	if len(req.Delay) > 0 && string(req.Delay) != "null" {
		delay, err := parseDelay(req.Delay)
		if err != nil {
			return Fault{}, err
		}
		f.Delay = delay
	}
	return f, nil
}

func parseDelay(raw json.RawMessage) (time.Duration, error) {
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		d, err := time.ParseDuration(text)
		if err != nil {
			return 0, fmt.Errorf("invalid delay %q: %w", text, err)
		}
		return d, nil
	}
	var seconds float64
	if err := json.Unmarshal(raw, &seconds); err != nil {
		return 0, fmt.Errorf("invalid delay %s: use a duration string such as \"1.5s\" or a number of seconds", raw)
	}
	return time.Duration(seconds * float64(time.Second)), nil
}

// faultView is an active fault in GET /_mock/faults, with the delay as a
// duration string that POST /_mock/faults accepts back.
type faultView struct {
	Fault
	Delay     string `json:"delay"`
	Remaining int    `json:"remaining"` // -1 until cleared
}

func (s *Server) activeFaults() []faultView {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []faultView{}
	for _, f := range s.faults {
		out = append(out, faultView{Fault: f.Fault, Delay: f.Delay.String(), Remaining: f.remaining})
	}
	return out
}

func (s *Server) snapshot() controlState {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(time.Now())
	snap := controlState{
		Instances:        []Instance{},
		IPs:              map[string][]IP{},
		PendingIPs:       map[string][]IP{},
		FirewallProfiles: s.st.sortedProfiles(),
		InstanceProfiles: map[string]int{},
		UpgradeOrders:    map[string]int{},
		SSHKeys:          []sshKey{},
		BuildsEndedAt:    map[string]time.Time{},
	}
	now := time.Now()
	for _, id := range s.st.sortedIDs() {
		rec := s.st.instances[id]
		key := strconv.Itoa(id)
		snap.Instances = append(snap.Instances, copyInstance(rec.inst))
		snap.IPs[key] = append([]IP{}, rec.ips...)
		for _, p := range rec.pendingIPs {
			snap.PendingIPs[key] = append(snap.PendingIPs[key], p.ip)
		}
		snap.InstanceProfiles[key] = rec.profileID
		if rec.upgradeRID != 0 {
			snap.UpgradeOrders[key] = rec.upgradeRID
		}
		if !rec.buildEndsAt.IsZero() && !now.Before(rec.buildEndsAt) {
			snap.BuildsEndedAt[key] = rec.buildEndsAt
		}
	}
	for name, publicKey := range s.st.sshKeys {
		snap.SSHKeys = append(snap.SSHKeys, sshKey{Name: name, PublicKey: publicKey})
	}
	sort.Slice(snap.SSHKeys, func(i, j int) bool { return snap.SSHKeys[i].Name < snap.SSHKeys[j].Name })
	return snap
}
