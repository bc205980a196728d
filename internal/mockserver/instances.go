package mockserver

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// createdAtLayout is the instance object's created_at format, in UTC.
const createdAtLayout = "2006-01-02 15:04:05"

// minPasswordLength is this mock's rule for change_password; the real limit
// is not published.
const minPasswordLength = 8

// lookupInstance returns the record of the request's serviceid, or the
// not-found response when it is missing, malformed or unknown.
func (s *Server) lookupInstance(req *request) (*instanceRecord, *response) {
	id, ok := req.form.getInt("serviceid")
	if !ok {
		resp := notFound(req)
		return nil, &resp
	}
	rec, ok := s.st.instances[id]
	if !ok {
		resp := notFound(req)
		return nil, &resp
	}
	return rec, nil
}

// changeableInstance is lookupInstance for actions that change the instance.
// It rejects locked and suspended instances, and busy ones unless allowBusy.
func (s *Server) changeableInstance(req *request, allowBusy bool) (*instanceRecord, *response) {
	rec, errResp := s.lookupInstance(req)
	if errResp != nil {
		return nil, errResp
	}
	var resp response
	switch {
	case rec.inst.Status == "DELETED":
		resp = fail(req, codeBusy, msgBusy)
	case !allowBusy && rec.busy():
		resp = fail(req, codeBusy, msgBusy)
	case rec.inst.Locked:
		resp = fail(req, codeConflict, "Instance is locked.")
	case rec.inst.IsSuspended:
		resp = fail(req, codeConflict, "Instance is suspended.")
	default:
		return rec, nil
	}
	return nil, &resp
}

func statusConflict(req *request, rec *instanceRecord) response {
	return fail(req, codeConflict, fmt.Sprintf("%s is not possible while the instance status is %s.", titleCase(req.action), rec.inst.Status))
}

func (s *Server) addInstance(req *request) response {
	img, ok := s.st.image(req.form.get("template"))
	if !ok {
		return invalidParam(req, "template")
	}
	rid, ok := req.form.getInt("rid")
	if !ok {
		return invalidParam(req, "rid")
	}
	plan, ok := s.st.plan(rid)
	if !ok {
		return invalidParam(req, "rid")
	}
	locationID, ok := req.form.getInt("location_id")
	if !ok || !s.st.location(locationID) {
		return invalidParam(req, "location_id")
	}
	billingCycle := "monthly"
	if req.form.has("billingcycle") {
		billingCycle = req.form.get("billingcycle")
		if !slices.Contains(BillingCycles, billingCycle) {
			return invalidParam(req, "billingcycle")
		}
	}
	if req.form.has("qty") {
		if qty, ok := req.form.getInt("qty"); !ok || qty != 1 {
			return invalidParam(req, "qty")
		}
	}
	keys, ok := req.form.list("keys")
	if !ok || slices.Contains(keys, "") {
		return invalidParam(req, "keys")
	}

	mainIP := s.st.allocate(primaryPool, &s.st.primaryCursor)
	if mainIP == "" {
		return fail(req, codeConflict, "No IP addresses are available.")
	}
	id := s.st.nextServiceID
	s.st.nextServiceID++
	name := req.form.get("srvrname")
	if name == "" {
		name = fmt.Sprintf("hwsrv-%d", id)
	}

	rec := &instanceRecord{
		inst: Instance{
			ServiceID:    id,
			SrvrName:     name,
			Hostname:     defaultRDNS(id),
			PrivateIP:    fmt.Sprintf("10.0.%d.%d", id/256%256, id%256),
			LocationID:   locationID,
			TemplateUUID: img.UUID,
			Image:        InstanceImage{UUID: img.UUID, Name: img.Name},
			BillingCycle: billingCycle,
			SSHKeys:      keys,
			Password:     randomSecret(),
			ConfigKey:    randomSecret(),
			CreatedAt:    time.Now().UTC().Format(createdAtLayout),
		},
		ips: []IP{
			{IP: mainIP, Type: "primary", RDNS: defaultRDNS(id)},
			{IP: s.st.allocateIPv6(), Type: "primary", RDNS: defaultRDNS(id)},
		},
		profileID: defaultProfileID,
	}
	rec.applyPlan(plan)
	rec.syncAddresses()
	rec.setIdle("BUILD", "building", "Shutdown")
	s.st.instances[id] = rec

	taskError := req.taskError
	s.st.startTask(rec, "BUILD", "spawning", s.cfg.BuildDelay, func(_ *state, rec *instanceRecord) {
		if taskError {
			rec.setError()
			return
		}
		rec.setIdle("ACTIVE", "active", "Running")
	})
	rec.buildEndsAt = time.Now()
	if rec.task != nil {
		rec.buildEndsAt = rec.task.due
	}

	return response{body: []resultElement{
		{Result: "success", Action: "Invoice Paid", Message: "Invoice Paid"},
		{Result: "success", Action: "Add Instance", Message: "Server is being Created!"},
	}}
}

func (s *Server) getInstance(req *request) response {
	rec, errResp := s.lookupInstance(req)
	if errResp != nil {
		return *errResp
	}
	return readResponse(copyInstance(rec.inst))
}

func (s *Server) getInstances(req *request) response {
	list := []Instance{}
	for _, id := range s.st.sortedIDs() {
		list = append(list, copyInstance(s.st.instances[id].inst))
	}
	return readResponse(list)
}

// instanceSummary is one entry of get_instance_ids.
type instanceSummary struct {
	ID          int      `json:"id"`
	Hostname    string   `json:"hostname"`
	SrvrName    string   `json:"srvrname"`
	IPs         []string `json:"ips"`
	DedicatedIP string   `json:"dedicatedip"`
	IPv6        string   `json:"ip_v6"`
}

// getInstanceIDs filters by search (a case-insensitive substring of srvrname
// or hostname) and location_id, then pages. Without limit it returns every
// match on page 1 and nothing on later pages.
// NOTE: the real default page size is not published.
func (s *Server) getInstanceIDs(req *request) response {
	search := strings.ToLower(req.form.get("search"))
	page := 1
	if req.form.has("page") {
		var ok bool
		if page, ok = req.form.getInt("page"); !ok || page < 1 {
			return invalidParam(req, "page")
		}
	}
	limit := 0
	if req.form.has("limit") {
		var ok bool
		if limit, ok = req.form.getInt("limit"); !ok || limit < 1 {
			return invalidParam(req, "limit")
		}
	}
	locationID := 0
	if req.form.has("location_id") {
		var ok bool
		if locationID, ok = req.form.getInt("location_id"); !ok || !s.st.location(locationID) {
			return invalidParam(req, "location_id")
		}
	}

	matches := []instanceSummary{}
	for _, id := range s.st.sortedIDs() {
		inst := s.st.instances[id].inst
		if locationID != 0 && inst.LocationID != locationID {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(inst.SrvrName), search) &&
			!strings.Contains(strings.ToLower(inst.Hostname), search) {
			continue
		}
		matches = append(matches, instanceSummary{
			ID: id, Hostname: inst.Hostname, SrvrName: inst.SrvrName,
			IPs: slices.Clone(inst.IPs), DedicatedIP: inst.MainIP, IPv6: inst.IPv6,
		})
	}

	if limit == 0 {
		if page > 1 {
			matches = []instanceSummary{}
		}
		return readResponse(matches)
	}
	start := min((page-1)*limit, len(matches))
	end := min(start+limit, len(matches))
	return readResponse(slices.Clone(matches[start:end]))
}

// powerTransition describes boot, shutdown, reboot, rescue, unrescue and
// regenerate_networking, following Nova's statuses and task states.
type powerTransition struct {
	from []string // statuses in which the action runs
	// noop is the status in which the action succeeds without a change.
	noop string
	// during is the status while the task runs; "" keeps the current one.
	during    string
	taskState string
	end       [3]string // status, vm_state, power_state
	message   string
}

var powerTransitions = map[string]powerTransition{
	"boot": {
		from: []string{"SHUTOFF"}, noop: "ACTIVE", taskState: "powering-on",
		end: [3]string{"ACTIVE", "active", "Running"}, message: "Server is booting.",
	},
	"shutdown": {
		from: []string{"ACTIVE", "RESCUE"}, noop: "SHUTOFF", taskState: "powering-off",
		end: [3]string{"SHUTOFF", "stopped", "Shutdown"}, message: "Server is shutting down.",
	},
	"reboot": {
		from: []string{"ACTIVE", "SHUTOFF", "ERROR"}, during: "REBOOT", taskState: "rebooting",
		end: [3]string{"ACTIVE", "active", "Running"}, message: "Server is rebooting.",
	},
	"rescue": {
		from: []string{"ACTIVE", "SHUTOFF"}, taskState: "rescuing",
		end: [3]string{"RESCUE", "rescued", "Running"}, message: "Server is booting into rescue mode.",
	},
	"unrescue": {
		from: []string{"RESCUE"}, taskState: "unrescuing",
		end: [3]string{"ACTIVE", "active", "Running"}, message: "Server is leaving rescue mode.",
	},
	"regenerate_networking": {
		from: []string{"ACTIVE", "SHUTOFF"}, during: "REBOOT", taskState: "rebooting",
		end: [3]string{"ACTIVE", "active", "Running"}, message: "Networking is being regenerated.",
	},
}

func (s *Server) powerAction(req *request) response {
	pt := powerTransitions[req.action]
	rec, errResp := s.changeableInstance(req, false)
	if errResp != nil {
		return *errResp
	}
	if rec.inst.Status == pt.noop {
		return done(req, pt.message)
	}
	if !slices.Contains(pt.from, rec.inst.Status) {
		return statusConflict(req, rec)
	}
	during := pt.during
	if during == "" {
		during = rec.inst.Status
	}
	s.st.startTask(rec, during, pt.taskState, s.cfg.TaskDelay, func(_ *state, rec *instanceRecord) {
		rec.setIdle(pt.end[0], pt.end[1], pt.end[2])
	})
	return done(req, pt.message)
}

// terminate accepts busy instances, as Nova deletes during most tasks, but
// not one that is already being deleted.
func (s *Server) terminate(req *request) response {
	rec, errResp := s.changeableInstance(req, true)
	if errResp != nil {
		return *errResp
	}
	if s.cfg.TerminateDelay <= 0 {
		s.st.removeInstance(rec.inst.ServiceID)
		return done(req, "Server has been terminated.")
	}
	rec.inst.VMState = "deleted"
	s.st.startTask(rec, "DELETED", "deleting", s.cfg.TerminateDelay, func(st *state, rec *instanceRecord) {
		st.removeInstance(rec.inst.ServiceID)
	})
	return done(req, "Server is being terminated.")
}

// reinstallInstance switches the image and the root password at once, like
// Nova's rebuild, and keeps the addresses.
func (s *Server) reinstallInstance(req *request) response {
	rec, errResp := s.changeableInstance(req, false)
	if errResp != nil {
		return *errResp
	}
	img, ok := s.st.image(req.form.get("template"))
	if !ok {
		return invalidParam(req, "template")
	}
	if !slices.Contains([]string{"ACTIVE", "SHUTOFF", "ERROR"}, rec.inst.Status) {
		return statusConflict(req, rec)
	}
	rec.inst.TemplateUUID = img.UUID
	rec.inst.Image = InstanceImage{UUID: img.UUID, Name: img.Name}
	rec.inst.Password = randomSecret()
	rec.inst.VMState = "building"
	taskError := req.taskError
	s.st.startTask(rec, "REBUILD", "rebuilding", s.cfg.TaskDelay, func(_ *state, rec *instanceRecord) {
		if taskError {
			rec.setError()
			return
		}
		rec.setIdle("ACTIVE", "active", "Running")
	})
	return done(req, "Server is being reinstalled.")
}

func (s *Server) editInstance(req *request) response {
	rec, errResp := s.changeableInstance(req, true)
	if errResp != nil {
		return *errResp
	}
	name := req.form.get("srvrname")
	if strings.TrimSpace(name) == "" {
		return invalidParam(req, "srvrname")
	}
	rec.inst.SrvrName = name
	return done(req, "Server label updated.")
}

func (s *Server) changePassword(req *request) response {
	rec, errResp := s.changeableInstance(req, false)
	if errResp != nil {
		return *errResp
	}
	password := req.form.get("password")
	if len(password) < minPasswordLength {
		return fail(req, codeInvalidParam, fmt.Sprintf("Invalid password. It must be at least %d characters long.", minPasswordLength))
	}
	rec.inst.Password = password
	return done(req, "Password changed. It takes effect after a reboot.")
}
