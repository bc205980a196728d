package mockserver

import (
	"regexp"
	"slices"
	"time"
)

// hostnamePattern accepts a DNS name (labels of up to 63 characters) with an
// optional trailing dot, as a PTR record needs.
var hostnamePattern = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))*\.?$`)

func (s *Server) getInstanceIPs(req *request) response {
	rec, errResp := s.lookupInstance(req)
	if errResp != nil {
		return *errResp
	}
	return readResponse(map[string][]IP{"IP Addresses": slices.Clone(rec.ips)})
}

// addIP reserves a secondary IPv4 address at once and shows it in
// get_instance_ips after Config.IPDelay.
func (s *Server) addIP(req *request) response {
	rec, errResp := s.changeableInstance(req, false)
	if errResp != nil {
		return *errResp
	}
	ip := s.st.allocate(secondaryPool, &s.st.secondaryCursor)
	if ip == "" {
		return fail(req, codeConflict, "No IP addresses are available.")
	}
	entry := IP{IP: ip, Type: "secondary", RDNS: defaultRDNS(rec.inst.ServiceID)}
	if s.cfg.IPDelay <= 0 {
		rec.ips = append(rec.ips, entry)
		rec.syncAddresses()
	} else {
		rec.pendingIPs = append(rec.pendingIPs, pendingIP{ip: entry, visibleAt: time.Now().Add(s.cfg.IPDelay)})
	}
	return done(req, "IP address added.")
}

func (s *Server) deleteIP(req *request) response {
	rec, errResp := s.changeableInstance(req, false)
	if errResp != nil {
		return *errResp
	}
	i := rec.findIP(req.form.get("ip"))
	if i < 0 {
		return invalidParam(req, "ip")
	}
	if rec.ips[i].Type == "primary" {
		return fail(req, codeConflict, msgPrimaryIP)
	}
	delete(s.st.usedIPv4, rec.ips[i].IP)
	rec.ips = slices.Delete(rec.ips, i, i+1)
	rec.syncAddresses()
	return done(req, "IP address deleted.")
}

// setMainIP makes a secondary IPv4 address the primary one, and the old
// primary a secondary. The IPv6 primary cannot be swapped.
func (s *Server) setMainIP(req *request) response {
	rec, errResp := s.changeableInstance(req, false)
	if errResp != nil {
		return *errResp
	}
	ip := req.form.get("ip")
	i := rec.findIP(ip)
	if i < 0 || isIPv6(ip) {
		return invalidParam(req, "ip")
	}
	if rec.ips[i].Type == "primary" {
		return done(req, "Main IP updated.")
	}
	rec.ips[i].Type = "primary"
	entry := rec.ips[i]
	rec.ips = slices.Delete(rec.ips, i, i+1)
	if old := rec.findIP(rec.inst.MainIP); old >= 0 {
		rec.ips[old].Type = "secondary"
	}
	// The primary IPv4 address comes first, as get_instance_ips lists it.
	rec.ips = slices.Insert(rec.ips, 0, entry)
	rec.syncAddresses()
	return done(req, "Main IP updated.")
}

// setRDNS sets the PTR record of one address; an empty rdns restores the
// default hwsrv-<serviceid>.hostwindsdns.com.
func (s *Server) setRDNS(req *request) response {
	rec, errResp := s.changeableInstance(req, true)
	if errResp != nil {
		return *errResp
	}
	if !req.form.has("rdns") {
		return invalidParam(req, "rdns")
	}
	rdns := req.form.get("rdns")
	if rdns != "" && (len(rdns) > 253 || !hostnamePattern.MatchString(rdns)) {
		return invalidParam(req, "rdns")
	}
	if !setRecordRDNS(rec, req.form.get("ip"), rdns) {
		return invalidParam(req, "ip")
	}
	return done(req, "rDNS updated.")
}

func setRecordRDNS(rec *instanceRecord, ip, rdns string) bool {
	i := rec.findIP(ip)
	if i < 0 {
		return false
	}
	if rdns == "" {
		rdns = defaultRDNS(rec.inst.ServiceID)
	}
	rec.ips[i].RDNS = rdns
	return true
}
