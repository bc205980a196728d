package mockserver

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// The methods in this file let tests read the state and change it behind the
// client's back. Each applies due transitions first, and none counts as an
// API call.

// Instances returns copies of all instances, ordered by serviceid.
func (s *Server) Instances() []Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(time.Now())
	out := []Instance{}
	for _, id := range s.st.sortedIDs() {
		out = append(out, copyInstance(s.st.instances[id].inst))
	}
	return out
}

// Instance returns a copy of one instance.
func (s *Server) Instance(id int) (Instance, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(time.Now())
	rec, ok := s.st.instances[id]
	if !ok {
		return Instance{}, false
	}
	return copyInstance(rec.inst), true
}

// InstanceIPs returns the addresses that get_instance_ips shows for an
// instance, primary first, or nil for an unknown instance.
func (s *Server) InstanceIPs(id int) []IP {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(time.Now())
	rec, ok := s.st.instances[id]
	if !ok {
		return nil
	}
	return slices.Clone(rec.ips)
}

// FirewallProfiles returns copies of all profiles, ordered by id.
func (s *Server) FirewallProfiles() []FirewallProfile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.sortedProfiles()
}

// Calls returns how many requests named action passed the key check, whether
// they succeeded or not.
func (s *Server) Calls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[action]
}

// CallCounts returns the call count of every action seen.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// TotalCalls returns the number of requests that passed the key check.
func (s *Server) TotalCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	for _, n := range s.calls {
		total += n
	}
	return total
}

// MutatingCalls returns the number of calls of known actions other than the
// get_ and check_ reads. Unknown actions change nothing and are not counted.
func (s *Server) MutatingCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mutating
}

// ResetCalls sets every call count to zero.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
	s.mutating = 0
}

// Reset returns the server to its seed state: no instances, no SSH keys,
// only the default firewall profile, no faults and no call counts.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = newState()
	s.calls = map[string]int{}
	s.mutating = 0
	s.faults = nil
}

// UpdateInstance runs fn on the stored instance and reports whether it
// exists. If fn changes status or task_state, a pending transition is
// cancelled, so the instance stays as fn left it. The address fields
// (main_ip, ip_v6, ips) are derived from the IP list and overwritten after
// fn: change addresses with RemoveIP and SetRDNS. ServiceID cannot change.
func (s *Server) UpdateInstance(id int, fn func(*Instance)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(time.Now())
	rec, ok := s.st.instances[id]
	if !ok {
		return false
	}
	status, taskState := rec.inst.Status, taskText(rec.inst.TaskState)
	fn(&rec.inst)
	rec.inst.ServiceID = id
	if rec.inst.Status != status || taskText(rec.inst.TaskState) != taskState {
		rec.task = nil
	}
	rec.syncAddresses()
	return true
}

func taskText(task *string) string {
	if task == nil {
		return "<idle>"
	}
	return *task
}

// DeleteInstance removes an instance at once, with its addresses, as if it
// had been terminated outside Terraform.
func (s *Server) DeleteInstance(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.instances[id]; !ok {
		return false
	}
	s.st.removeInstance(id)
	return true
}

// RemoveIP removes an address, visible or still pending, from an instance.
// Unlike delete_ip it may remove a primary address: the first secondary IPv4
// address, if any, then becomes the primary one.
func (s *Server) RemoveIP(id int, ip string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(time.Now())
	rec, ok := s.st.instances[id]
	if !ok {
		return false
	}

	for i, p := range rec.pendingIPs {
		if p.ip.IP == ip {
			rec.pendingIPs = slices.Delete(rec.pendingIPs, i, i+1)
			delete(s.st.usedIPv4, ip)
			return true
		}
	}

	i := rec.findIP(ip)
	if i < 0 {
		return false
	}
	removed := rec.ips[i]
	rec.ips = slices.Delete(rec.ips, i, i+1)
	delete(s.st.usedIPv4, ip)
	if removed.Type == "primary" && !isIPv6(ip) {
		promoteSecondary(rec)
	}
	rec.syncAddresses()
	return true
}

// promoteSecondary makes the first secondary IPv4 address primary and moves
// it to the front, if the instance has one.
func promoteSecondary(rec *instanceRecord) {
	for j, entry := range rec.ips {
		if entry.Type == "secondary" && !isIPv6(entry.IP) {
			entry.Type = "primary"
			rec.ips = slices.Delete(rec.ips, j, j+1)
			rec.ips = slices.Insert(rec.ips, 0, entry)
			return
		}
	}
}

// SetRDNS sets the PTR record of an address like set_rdns, without its checks:
// an empty rdns restores the default.
func (s *Server) SetRDNS(id int, ip, rdns string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(time.Now())
	rec, ok := s.st.instances[id]
	if !ok {
		return false
	}
	return setRecordRDNS(rec, ip, rdns)
}

// UpdateFirewallProfile runs fn on the stored profile and reports whether it
// exists. The rules are not validated, and the ID cannot change.
func (s *Server) UpdateFirewallProfile(id int, fn func(*FirewallProfile)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	profile, ok := s.st.profiles[id]
	if !ok {
		return false
	}
	fn(profile)
	profile.ID = id
	return true
}

// AddMaintenance appends an event to get_instance_maintenance of an
// instance. The event is stored as JSON, so later changes to the map do not
// show. An unknown instance or an event that cannot be encoded is ignored
// and logged.
func (s *Server) AddMaintenance(id int, event map[string]any) {
	data, err := json.Marshal(event)
	if err != nil {
		s.logf("maintenance event for serviceid %d ignored: %v", id, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.instances[id]
	if !ok {
		s.logf("maintenance event ignored: serviceid %d not found", id)
		return
	}
	rec.maintenance = append(rec.maintenance, data)
}

// AddSMTPFilter appends an event to get_smtp_filters. A "serviceid" field
// ties it to an instance for the optional serviceid filter.
func (s *Server) AddSMTPFilter(event map[string]any) {
	data, err := json.Marshal(event)
	if err != nil {
		s.logf("SMTP filter event ignored: %v", err)
		return
	}
	serviceID := ""
	if v, ok := event["serviceid"]; ok {
		serviceID = fmt.Sprint(v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.smtpFilters = append(s.st.smtpFilters, smtpFilter{event: data, serviceID: serviceID})
}
