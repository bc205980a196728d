package mockserver

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// firstServiceID is the serviceid of the first instance a server creates.
const firstServiceID = 1000

// defaultProfileID is the seeded account profile that new instances get.
const defaultProfileID = 1

// Address pools, all from documentation ranges (RFC 5737 and RFC 3849) so
// that nothing the mock hands out can reach a real host. TEST-NET-3 is split
// between the two pools, so that each holds more than 300 addresses, enough
// for the fleets of `make bench`.
var (
	primaryPool   = mustPool("192.0.2.10", "192.0.2.254", "203.0.113.1", "203.0.113.127")
	secondaryPool = mustPool("198.51.100.2", "198.51.100.254", "203.0.113.128", "203.0.113.254")
)

// state is everything the API can change. Every access holds Server.mu.
type state struct {
	plans     []Plan
	locations []Location
	images    []Image

	instances     map[int]*instanceRecord
	nextServiceID int

	profiles      map[int]*FirewallProfile
	nextProfileID int

	sshKeys     map[string]string // name to public key, which may be empty
	smtpFilters []smtpFilter

	// usedIPv4 contains every IPv4 address handed out, pending ones included.
	usedIPv4 map[string]bool
	// Pool cursors rotate so that a freed address is not handed out again soon.
	primaryCursor   int
	secondaryCursor int
	ipv6Counter     int
}

// instanceRecord is an instance with the state that its object does not show.
type instanceRecord struct {
	inst Instance
	// ips lists the visible addresses: primary IPv4, primary IPv6, then
	// secondaries. inst.MainIP, inst.IPv6 and inst.IPs are derived from it.
	ips        []IP
	pendingIPs []pendingIP
	profileID  int
	task       *transition
	// upgradeRID is the plan of the pending upgrade order, 0 when none.
	upgradeRID int
	// previousPlan is the plan before upgrade_server, for revert_upgrade.
	previousPlan *Plan
	maintenance  []json.RawMessage
	// buildEndsAt is when the build of add_instance ends, to ACTIVE or ERROR.
	// GET /_mock/state shows it once passed, so benchmarks can tell how soon
	// a client noticed the new status.
	buildEndsAt time.Time
}

type pendingIP struct {
	ip        IP
	visibleAt time.Time
}

// transition is a timed end of a task: finish runs once due has passed.
type transition struct {
	due    time.Time
	finish func(st *state, rec *instanceRecord)
}

func newState() *state {
	st := &state{
		plans:         slices.Clone(Plans),
		locations:     slices.Clone(Locations),
		images:        slices.Clone(Images),
		instances:     map[int]*instanceRecord{},
		nextServiceID: firstServiceID,
		profiles:      map[int]*FirewallProfile{},
		nextProfileID: defaultProfileID + 1,
		sshKeys:       map[string]string{},
		usedIPv4:      map[string]bool{},
	}
	st.profiles[defaultProfileID] = &FirewallProfile{
		ID:          defaultProfileID,
		Name:        "default",
		Description: "Account default profile",
		Rules:       []FirewallRule{{Direction: "egress", Ethertype: "IPv4"}},
	}
	return st
}

// advance applies every transition and IP addition whose time has come.
func (st *state) advance(now time.Time) {
	for _, id := range st.sortedIDs() {
		rec := st.instances[id]
		if len(rec.pendingIPs) > 0 {
			remaining := rec.pendingIPs[:0]
			for _, p := range rec.pendingIPs {
				if now.Before(p.visibleAt) {
					remaining = append(remaining, p)
					continue
				}
				rec.ips = append(rec.ips, p.ip)
			}
			rec.pendingIPs = remaining
			rec.syncAddresses()
		}
		if rec.task != nil && !now.Before(rec.task.due) {
			t := rec.task
			rec.task = nil
			t.finish(st, rec)
		}
	}
}

func (st *state) sortedIDs() []int {
	ids := make([]int, 0, len(st.instances))
	for id := range st.instances {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// startTask sets the transient state of a task and schedules finish after
// delay. A delay of zero or less finishes the task at once.
func (st *state) startTask(rec *instanceRecord, status, taskState string, delay time.Duration, finish func(*state, *instanceRecord)) {
	rec.inst.Status = status
	rec.inst.TaskState = &taskState
	if delay <= 0 {
		rec.task = nil
		finish(st, rec)
		return
	}
	rec.task = &transition{due: time.Now().Add(delay), finish: finish}
}

// setIdle ends a task in the given status.
func (rec *instanceRecord) setIdle(status, vmState, powerState string) {
	rec.inst.Status = status
	rec.inst.VMState = vmState
	rec.inst.PowerState = powerState
	rec.inst.TaskState = nil
}

func (rec *instanceRecord) setError() {
	rec.setIdle("ERROR", "error", "Shutdown")
}

func (rec *instanceRecord) busy() bool {
	return rec.inst.TaskState != nil
}

// syncAddresses derives the address fields of the instance object from ips.
func (rec *instanceRecord) syncAddresses() {
	rec.inst.MainIP = ""
	rec.inst.IPv6 = ""
	rec.inst.IPs = make([]string, 0, len(rec.ips))
	for _, ip := range rec.ips {
		rec.inst.IPs = append(rec.inst.IPs, ip.IP)
		if ip.Type != "primary" {
			continue
		}
		if isIPv6(ip.IP) {
			rec.inst.IPv6 = ip.IP
		} else {
			rec.inst.MainIP = ip.IP
		}
	}
}

func (rec *instanceRecord) findIP(ip string) int {
	for i, entry := range rec.ips {
		if entry.IP == ip {
			return i
		}
	}
	return -1
}

func (rec *instanceRecord) applyPlan(p Plan) {
	rec.inst.ProductID = p.RID
	rec.inst.CPU = p.CPU
	rec.inst.RAM = p.RAM
	rec.inst.Disk = p.Disk
	rec.inst.Bandwidth = p.Bandwidth
	rec.inst.Flavor = Flavor{CPU: p.CPU, RAM: p.RAM, Disk: p.Disk}
}

// removeInstance deletes an instance and frees its addresses, which takes
// their rDNS records with them.
func (st *state) removeInstance(id int) {
	rec, ok := st.instances[id]
	if !ok {
		return
	}
	for _, ip := range rec.ips {
		delete(st.usedIPv4, ip.IP)
	}
	for _, p := range rec.pendingIPs {
		delete(st.usedIPv4, p.ip.IP)
	}
	delete(st.instances, id)
}

func (st *state) plan(rid int) (Plan, bool) {
	for _, p := range st.plans {
		if p.RID == rid {
			return p, true
		}
	}
	return Plan{}, false
}

func (st *state) planOf(rec *instanceRecord) Plan {
	p, ok := st.plan(rec.inst.ProductID)
	if !ok {
		// A test changed product_id behind the mock's back: keep the sizes.
		return Plan{RID: rec.inst.ProductID, CPU: rec.inst.CPU, RAM: rec.inst.RAM, Disk: rec.inst.Disk, Bandwidth: rec.inst.Bandwidth}
	}
	return p
}

func (st *state) image(uuid string) (Image, bool) {
	for _, img := range st.images {
		if img.UUID == uuid {
			return img, true
		}
	}
	return Image{}, false
}

func (st *state) location(id int) bool {
	for _, l := range st.locations {
		if l.ID == id {
			return true
		}
	}
	return false
}

func (st *state) profileByName(name string) *FirewallProfile {
	for _, p := range st.profiles {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func (st *state) sortedProfiles() []FirewallProfile {
	out := make([]FirewallProfile, 0, len(st.profiles))
	for _, p := range st.profiles {
		out = append(out, copyProfile(*p))
	}
	slices.SortFunc(out, func(a, b FirewallProfile) int { return a.ID - b.ID })
	return out
}

// addressPool is a list of inclusive ranges of IPv4 addresses, used in order.
type addressPool struct {
	ranges []addressRange
	size   int
}

type addressRange struct {
	first netip.Addr
	size  int
}

// mustPool builds a pool from pairs of first and last address, each pair
// within one /24, which is all the mock needs.
func mustPool(bounds ...string) addressPool {
	var pool addressPool
	for i := 0; i+1 < len(bounds); i += 2 {
		a := netip.MustParseAddr(bounds[i]).As4()
		b := netip.MustParseAddr(bounds[i+1]).As4()
		r := addressRange{first: netip.MustParseAddr(bounds[i]), size: int(b[3]) - int(a[3]) + 1}
		pool.ranges = append(pool.ranges, r)
		pool.size += r.size
	}
	return pool
}

// at returns the address at offset, which must be below p.size.
func (p addressPool) at(offset int) string {
	for _, r := range p.ranges {
		if offset >= r.size {
			offset -= r.size
			continue
		}
		addr := r.first
		for range offset {
			addr = addr.Next()
		}
		return addr.String()
	}
	panic(fmt.Sprintf("address pool offset %d out of range", offset))
}

// allocate returns a free address of pool and marks it used, or "" when the
// pool is exhausted.
func (st *state) allocate(pool addressPool, cursor *int) string {
	for range pool.size {
		candidate := pool.at(*cursor % pool.size)
		*cursor = (*cursor + 1) % pool.size
		if !st.usedIPv4[candidate] {
			st.usedIPv4[candidate] = true
			return candidate
		}
	}
	return ""
}

// allocateIPv6 returns a fresh address of 2001:db8::/32, one /64 per instance.
func (st *state) allocateIPv6() string {
	st.ipv6Counter++
	return fmt.Sprintf("2001:db8:0:%x::1", st.ipv6Counter)
}

func isIPv6(ip string) bool {
	addr, err := netip.ParseAddr(ip)
	return err == nil && addr.Is6() && !addr.Is4In6()
}

func defaultRDNS(serviceID int) string {
	return fmt.Sprintf("hwsrv-%d.hostwindsdns.com", serviceID)
}

// randomSecret returns 26 random base32 characters.
func randomSecret() string {
	return rand.Text()
}

func copyInstance(in Instance) Instance {
	out := in
	out.IPs = slices.Clone(in.IPs)
	if out.IPs == nil {
		out.IPs = []string{}
	}
	out.SSHKeys = slices.Clone(in.SSHKeys)
	if out.SSHKeys == nil {
		out.SSHKeys = []string{}
	}
	if in.TaskState != nil {
		task := *in.TaskState
		out.TaskState = &task
	}
	return out
}

func copyProfile(in FirewallProfile) FirewallProfile {
	out := in
	out.Rules = make([]FirewallRule, len(in.Rules))
	for i, r := range in.Rules {
		out.Rules[i] = copyRule(r)
	}
	return out
}

func copyRule(in FirewallRule) FirewallRule {
	out := in
	if in.Protocol != nil {
		v := *in.Protocol
		out.Protocol = &v
	}
	if in.PortRangeMin != nil {
		v := *in.PortRangeMin
		out.PortRangeMin = &v
	}
	if in.PortRangeMax != nil {
		v := *in.PortRangeMax
		out.PortRangeMax = &v
	}
	return out
}
