package mockserver

import (
	"fmt"
	"strconv"
	"strings"
)

// maxRuleDescription is Neutron's limit for a security group rule description.
const maxRuleDescription = 255

func (s *Server) getFirewallProfiles(req *request) response {
	return readResponse(s.st.sortedProfiles())
}

func (s *Server) getInstanceFirewallProfile(req *request) response {
	rec, errResp := s.lookupInstance(req)
	if errResp != nil {
		return *errResp
	}
	profile, ok := s.st.profiles[rec.profileID]
	if !ok {
		profile = s.st.profiles[defaultProfileID]
	}
	return readResponse(copyProfile(*profile))
}

func (s *Server) setInstanceFirewall(req *request) response {
	rec, errResp := s.changeableInstance(req, true)
	if errResp != nil {
		return *errResp
	}
	profile := s.st.profileByName(req.form.get("name"))
	if profile == nil {
		return invalidParam(req, "name")
	}
	rec.profileID = profile.ID
	return done(req, "Firewall profile applied.")
}

func (s *Server) addFirewallProfile(req *request) response {
	name := req.form.get("name")
	if strings.TrimSpace(name) == "" {
		return invalidParam(req, "name")
	}
	if s.st.profileByName(name) != nil {
		return fail(req, codeConflict, fmt.Sprintf("A firewall profile named %q already exists.", name))
	}
	rules, errResp := parseRules(req)
	if errResp != nil {
		return *errResp
	}
	id := s.st.nextProfileID
	s.st.nextProfileID++
	s.st.profiles[id] = &FirewallProfile{ID: id, Name: name, Description: req.form.get("description"), Rules: rules}
	return done(req, "Firewall profile created.")
}

// editFirewallProfile replaces name, description and the whole rule set, so
// a request without rules leaves the profile with none.
func (s *Server) editFirewallProfile(req *request) response {
	id, ok := req.form.getInt("id")
	if !ok {
		return invalidParam(req, "id")
	}
	profile, ok := s.st.profiles[id]
	if !ok {
		return invalidParam(req, "id")
	}
	name := req.form.get("name")
	if strings.TrimSpace(name) == "" {
		return invalidParam(req, "name")
	}
	if other := s.st.profileByName(name); other != nil && other.ID != id {
		return fail(req, codeConflict, fmt.Sprintf("A firewall profile named %q already exists.", name))
	}
	rules, errResp := parseRules(req)
	if errResp != nil {
		return *errResp
	}
	profile.Name = name
	profile.Description = req.form.get("description")
	profile.Rules = rules
	return done(req, "Firewall profile updated.")
}

func (s *Server) deleteFirewallProfile(req *request) response {
	id, ok := req.form.getInt("id")
	if !ok {
		return invalidParam(req, "id")
	}
	if _, ok := s.st.profiles[id]; !ok {
		return invalidParam(req, "id")
	}
	if id == defaultProfileID {
		return fail(req, codeConflict, "The account default profile cannot be deleted.")
	}
	for _, rec := range s.st.instances {
		if rec.profileID == id {
			return fail(req, codeConflict, msgProfileInUse)
		}
	}
	delete(s.st.profiles, id)
	return done(req, "Firewall profile deleted.")
}

// parseRules reads rules[N][field] records and validates them as Neutron
// validates security group rules.
func parseRules(req *request) ([]FirewallRule, *response) {
	records, badKey := req.form.records("rules")
	if badKey != "" {
		resp := invalidParam(req, badKey)
		return nil, &resp
	}
	rules := []FirewallRule{}
	seen := map[string]string{} // rule identity to the index of its first occurrence
	for _, record := range records {
		rule, badField := parseRule(record)
		if badField != "" {
			resp := invalidParam(req, fmt.Sprintf("rules[%s][%s]", record[recordIndexField], badField))
			return nil, &resp
		}
		key := ruleIdentity(rule)
		if first, dup := seen[key]; dup {
			resp := fail(req, codeConflict, fmt.Sprintf("Duplicate rule: rules[%s] repeats rules[%s].", record[recordIndexField], first))
			return nil, &resp
		}
		seen[key] = record[recordIndexField]
		rules = append(rules, rule)
	}
	return rules, nil
}

var ruleFields = map[string]bool{
	"direction": true, "ethertype": true, "protocol": true,
	"port_range_min": true, "port_range_max": true, "description": true,
	recordIndexField: true,
}

// parseRule returns the rule, or the name of the first invalid field.
func parseRule(record map[string]string) (FirewallRule, string) {
	for field := range record {
		if !ruleFields[field] {
			return FirewallRule{}, field
		}
	}
	rule := FirewallRule{
		Direction:   record["direction"],
		Ethertype:   record["ethertype"],
		Description: record["description"],
	}
	if rule.Direction != "ingress" && rule.Direction != "egress" {
		return FirewallRule{}, "direction"
	}
	if rule.Ethertype != "IPv4" && rule.Ethertype != "IPv6" {
		return FirewallRule{}, "ethertype"
	}
	if len(rule.Description) > maxRuleDescription {
		return FirewallRule{}, "description"
	}

	protocol := strings.ToLower(record["protocol"])
	switch protocol {
	case "":
	case "tcp", "udp", "icmp":
		rule.Protocol = &protocol
	default:
		return FirewallRule{}, "protocol"
	}

	minText, maxText := record["port_range_min"], record["port_range_max"]
	if minText == "" && maxText == "" {
		return rule, ""
	}
	if protocol != "tcp" && protocol != "udp" {
		if minText != "" {
			return FirewallRule{}, "port_range_min"
		}
		return FirewallRule{}, "port_range_max"
	}
	minPort, ok := parsePort(minText)
	if !ok {
		return FirewallRule{}, "port_range_min"
	}
	maxPort, ok := parsePort(maxText)
	if !ok || maxPort < minPort {
		return FirewallRule{}, "port_range_max"
	}
	rule.PortRangeMin = &minPort
	rule.PortRangeMax = &maxPort
	return rule, ""
}

func parsePort(text string) (int, bool) {
	port, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || port < 1 || port > 65535 {
		return 0, false
	}
	return port, true
}

// ruleIdentity returns the fields that Neutron compares to find a duplicate
// rule: everything but the description.
func ruleIdentity(r FirewallRule) string {
	protocol, minPort, maxPort := "any", "any", "any"
	if r.Protocol != nil {
		protocol = *r.Protocol
	}
	if r.PortRangeMin != nil {
		minPort = strconv.Itoa(*r.PortRangeMin)
	}
	if r.PortRangeMax != nil {
		maxPort = strconv.Itoa(*r.PortRangeMax)
	}
	return strings.Join([]string{r.Direction, r.Ethertype, protocol, minPort, maxPort}, "/")
}
