package mockserver

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// publicKeyPattern accepts an OpenSSH public key line: type, base64 body and
// an optional comment.
var publicKeyPattern = regexp.MustCompile(`^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$`)

// smtpFilter is an event of get_smtp_filters. serviceID is the event's
// "serviceid" value as text, for the optional filter by instance.
type smtpFilter struct {
	event     json.RawMessage
	serviceID string
}

// addSSHKey stores a key by name. Whether the real action takes a public
// key field is unknown, so public_key is optional.
func (s *Server) addSSHKey(req *request) response {
	name := req.form.get("name")
	if strings.TrimSpace(name) == "" {
		return invalidParam(req, "name")
	}
	if _, exists := s.st.sshKeys[name]; exists {
		return fail(req, codeConflict, fmt.Sprintf("An SSH key named %q already exists.", name))
	}
	publicKey := strings.TrimSpace(req.form.get("public_key"))
	if publicKey != "" && !publicKeyPattern.MatchString(publicKey) {
		return invalidParam(req, "public_key")
	}
	s.st.sshKeys[name] = publicKey
	return done(req, "SSH key added.")
}

func (s *Server) deleteSSHKey(req *request) response {
	name := req.form.get("name")
	if _, exists := s.st.sshKeys[name]; !exists {
		return invalidParam(req, "name")
	}
	delete(s.st.sshKeys, name)
	return done(req, "SSH key deleted.")
}

func (s *Server) getInstanceMaintenance(req *request) response {
	rec, errResp := s.lookupInstance(req)
	if errResp != nil {
		return *errResp
	}
	return readResponse(cloneEvents(rec.maintenance))
}

// getSMTPFilters returns every event, or with serviceid only the events
// whose "serviceid" field has that value.
func (s *Server) getSMTPFilters(req *request) response {
	wanted := ""
	if req.form.has("serviceid") {
		rec, errResp := s.lookupInstance(req)
		if errResp != nil {
			return *errResp
		}
		wanted = fmt.Sprint(rec.inst.ServiceID)
	}
	events := []json.RawMessage{}
	for _, f := range s.st.smtpFilters {
		if wanted == "" || f.serviceID == wanted {
			events = append(events, slices.Clone(f.event))
		}
	}
	return readResponse(events)
}

func cloneEvents(events []json.RawMessage) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(events))
	for _, e := range events {
		out = append(out, slices.Clone(e))
	}
	return out
}
