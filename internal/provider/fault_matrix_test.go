package provider_test

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// The fault matrix runs every mutating operation of every resource against every fault kind
// of the mock. A cell sets the object up without faults, injects one fault on the operation's
// mutating action and applies the change. It then applies again without faults and checks
// that the plan is empty and that the mock and state contain the same objects. Delete and
// ERROR cells also check that destroy empties the mock. Cells run the provider binary through the terraform CLI, several at once, each with
// its own mock and working folder.

// matrixConcurrency is how many cells run at once. Most of a cell's time is spent waiting for
// mock delays, Retry-After and the provider's look-up windows, so it can exceed the CPU count.
const matrixConcurrency = 10

// cellCommandTimeout bounds one terraform command of a cell. The slowest command is a profile
// create whose delayed request hits the client's 60 s request timeout and is then looked for
// by name for a minute.
const cellCommandTimeout = 4 * time.Minute

// cellTimeout is the operation timeout that the cells set on the resources that have a
// timeouts block; cellShortDelay outlasts it.
const (
	cellTimeout    = "5s"
	cellShortDelay = 7 * time.Second
	// cellLongDelay outlasts the client's 60 s per-request timeout, the only bound on a call
	// of a resource without a timeouts block (hostwinds_rdns, hostwinds_firewall_profile).
	cellLongDelay = 61 * time.Second
)

// Verdicts of a cell.
const (
	verdictRetried    = "ok (retried)"
	verdictReconciled = "ok (reconciled)"
	verdictError      = "error (clear)"
	verdictFail       = "FAIL"
	verdictNotApplied = "-"
)

// matrixFault is one column of the matrix.
type matrixFault struct {
	column string
	kind   mockserver.FaultKind
}

var matrixFaults = []matrixFault{
	{"503", mockserver.FaultStatus503},
	{"429", mockserver.FaultStatus429},
	{"502 html", mockserver.FaultHTML502},
	{"result error", mockserver.FaultResultError},
	{"delay", mockserver.FaultDelay},
	{"conn reset", mockserver.FaultConnReset},
	{"lost answer", mockserver.FaultLostAnswer},
	{"ERROR state", mockserver.FaultTaskError},
}

// matrixOp is one row of the matrix: one mutating operation of a resource.
type matrixOp struct {
	name string
	// action is the mutating action the fault hits.
	action string
	// taskAction is the action FaultTaskError hits, or "" when the ERROR column does not apply.
	taskAction string
	// setup is applied without faults first; change performs the operation. Both are
	// configurations without the provider block, which the environment configures.
	setup, change string
	// names are names of the objects that an error may use to say which object failed.
	names []string
	// timeouts reports whether the operation has a timeouts block, which bounds a delayed call.
	timeouts bool
	// reconcilesLostAnswer reports whether the provider must finish the operation after a
	// lost response, by reading what the API did.
	reconcilesLostAnswer bool
}

const cellInstanceName = "cell-mail"

// cellInstance is the instance of a cell with the given name, plan, image and extra lines.
func cellInstance(name string, planID int, image, extra string) string {
	return fmt.Sprintf(`
resource "hostwinds_instance" "test" {
  name        = %q
  location_id = 1
  plan_id     = %d
  image       = %q
  timeouts    = { create = %q, update = %q, delete = %q }
%s
}
`, name, planID, image, cellTimeout, cellTimeout, cellTimeout, extra)
}

func plainInstance(extra string) string {
	return cellInstance(cellInstanceName, 301, mockserver.ImageUbuntu2404, extra)
}

var cellSecondaryIP = fmt.Sprintf(`
resource "hostwinds_secondary_ip" "extra" {
  instance_id = hostwinds_instance.test.id
  timeouts    = { create = %q, delete = %q }
}
`, cellTimeout, cellTimeout)

func cellRDNS(ptr string) string {
	return fmt.Sprintf(`
resource "hostwinds_rdns" "main" {
  instance_id = hostwinds_instance.test.id
  ip_address  = hostwinds_instance.test.main_ip
  dns_ptr     = %q
}
`, ptr)
}

func cellProfile(rules string) string {
	return fmt.Sprintf(`
resource "hostwinds_firewall_profile" "smtp" {
  name  = "cell-smtp"
  rules = %s
}
`, rules)
}

const (
	smtpRules       = `[{ direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25 }]`
	submissionRules = `[{ direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25 },
    { direction = "ingress", protocol = "tcp", port_range_min = 587, port_range_max = 587 }]`
)

func matrixOps() []matrixOp {
	instanceNames := []string{`"` + cellInstanceName + `"`, `"cell-mail-2"`}
	profileNames := []string{`"cell-smtp"`}
	return []matrixOp{
		{
			name: "instance create", action: "add_instance", taskAction: "add_instance",
			change: plainInstance(""), names: instanceNames, timeouts: true, reconcilesLostAnswer: true,
		},
		{
			name: "instance rename", action: "edit_instance",
			setup: plainInstance(""), change: cellInstance("cell-mail-2", 301, mockserver.ImageUbuntu2404, ""),
			names: instanceNames, timeouts: true,
		},
		{
			name: "instance billing cycle", action: "change_billing_cycle",
			setup: plainInstance(""), change: plainInstance(`billing_cycle = "annually"`), names: instanceNames, timeouts: true,
		},
		{
			name: "instance managed level", action: "upgrade_to_managed",
			setup: plainInstance(""), change: plainInstance(`managed = true`), names: instanceNames, timeouts: true,
		},
		{
			name: "instance root password", action: "change_password",
			setup: plainInstance(""), change: plainInstance(`root_password = "correct-horse-battery"`), names: instanceNames, timeouts: true,
		},
		{
			name: "instance power off", action: "shutdown",
			setup: plainInstance(""), change: plainInstance(`power_state = "stopped"`), names: instanceNames, timeouts: true,
		},
		{
			name: "instance power on", action: "boot",
			setup: plainInstance(`power_state = "stopped"`), change: plainInstance(`power_state = "running"`), names: instanceNames, timeouts: true,
		},
		{
			name: "instance resize", action: "upgrade_instance", taskAction: "upgrade_server",
			setup: plainInstance(""), change: cellInstance(cellInstanceName, 302, mockserver.ImageUbuntu2404, ""), names: instanceNames, timeouts: true,
		},
		{
			name: "instance reinstall", action: "reinstall_instance", taskAction: "reinstall_instance",
			setup: plainInstance(""), change: cellInstance(cellInstanceName, 301, mockserver.ImageDebian12, ""), names: instanceNames, timeouts: true,
		},
		{
			name: "instance firewall switch", action: "set_instance_firewall",
			setup:  plainInstance("") + cellProfile(smtpRules),
			change: plainInstance(`firewall_profile = hostwinds_firewall_profile.smtp.name`) + cellProfile(smtpRules),
			names:  instanceNames, timeouts: true,
		},
		{
			name: "instance delete", action: "terminate",
			setup: plainInstance(""), change: "", names: instanceNames, timeouts: true, reconcilesLostAnswer: true,
		},
		{
			name: "secondary_ip create", action: "add_ip",
			setup: plainInstance(""), change: plainInstance("") + cellSecondaryIP, names: instanceNames, timeouts: true, reconcilesLostAnswer: true,
		},
		{
			name: "secondary_ip delete", action: "delete_ip",
			setup: plainInstance("") + cellSecondaryIP, change: plainInstance(""), names: instanceNames, timeouts: true, reconcilesLostAnswer: true,
		},
		{
			name: "rdns create", action: "set_rdns",
			setup: plainInstance(""), change: plainInstance("") + cellRDNS("mail.example.com"), names: instanceNames, reconcilesLostAnswer: true,
		},
		{
			name: "rdns update", action: "set_rdns",
			setup: plainInstance("") + cellRDNS("mail.example.com"), change: plainInstance("") + cellRDNS("mx.example.com"),
			names: instanceNames, reconcilesLostAnswer: true,
		},
		{
			name: "rdns delete", action: "set_rdns",
			setup: plainInstance("") + cellRDNS("mail.example.com"), change: plainInstance(""), names: instanceNames, reconcilesLostAnswer: true,
		},
		{
			name: "firewall_profile create", action: "add_firewall_profile",
			change: cellProfile(smtpRules), names: profileNames, reconcilesLostAnswer: true,
		},
		{
			name: "firewall_profile update", action: "edit_firewall_profile",
			setup: cellProfile(smtpRules), change: cellProfile(submissionRules), names: profileNames, reconcilesLostAnswer: true,
		},
		{
			name: "firewall_profile delete", action: "delete_firewall_profile",
			setup: cellProfile(smtpRules), change: "", names: profileNames, reconcilesLostAnswer: true,
		},
	}
}

// matrixCell is one operation under one fault, with its outcome.
type matrixCell struct {
	op    matrixOp
	fault matrixFault
	run   *cliRun
	srv   *mockserver.Server

	verdict  string
	problems []string
	// message is the provider's error text when the faulted apply failed.
	message  string
	duration time.Duration
}

// expectedDuration orders the cells so that the ones that wait longest start first.
func (c *matrixCell) expectedDuration() time.Duration {
	switch {
	case c.fault.kind == mockserver.FaultDelay && !c.op.timeouts:
		return cellLongDelay
	case c.op.action == "add_firewall_profile" && c.fault.kind != mockserver.FaultStatus429 && c.fault.kind != mockserver.FaultStatus503:
		return time.Minute
	}
	return 0
}

func (c *matrixCell) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *matrixCell) apply() (string, int, error) {
	return c.run.exec(cellCommandTimeout, nil, "apply", "-auto-approve", "-no-color", "-input=false")
}

// identifiers returns the strings of which an error about this cell's object must contain
// one: the object names, and the serviceids, addresses and profile ids the mock holds.
func (c *matrixCell) identifiers() []string {
	ids := slices.Clone(c.op.names)
	for _, instance := range c.srv.Instances() {
		ids = append(ids, fmt.Sprint(instance.ServiceID))
		for _, ip := range c.srv.InstanceIPs(instance.ServiceID) {
			ids = append(ids, ip.IP)
		}
	}
	for _, p := range c.srv.FirewallProfiles() {
		if p.Name != "default" {
			ids = append(ids, fmt.Sprintf("id %d", p.ID), fmt.Sprintf("profile %d", p.ID))
		}
	}
	return ids
}

// adviceWords are phrases that tell the user what to do next.
var adviceWords = []string{"apply again", "destroy again", "check", "import", "raise", "choose", "switch", "inspect", "replaces it"}

// runCell runs one cell to the end and records its verdict and problems.
func runCell(c *matrixCell) {
	started := time.Now()
	defer func() { c.duration = time.Since(started) }()

	if c.op.setup != "" {
		if err := c.run.setConfig(c.op.setup); err != nil {
			c.fail("%v", err)
			return
		}
		out, code, err := c.apply()
		if err != nil || code != 0 {
			c.fail("the setup apply failed (exit %d, %v):\n%s", code, err, out)
			return
		}
	}

	ids := c.identifiers()
	fault := mockserver.Fault{Action: c.op.action, Kind: c.fault.kind, RetryAfter: 1}
	switch c.fault.kind {
	case mockserver.FaultTaskError:
		fault.Action = c.op.taskAction
	case mockserver.FaultDelay:
		fault.Delay = cellShortDelay
		if !c.op.timeouts {
			fault.Delay = cellLongDelay
		}
	default:
		// The other kinds hit the operation's own action and need no settings.
	}
	c.srv.ResetCalls()
	c.srv.InjectFault(fault)
	if err := c.run.setConfig(c.op.change); err != nil {
		c.fail("%v", err)
		return
	}
	out, code, err := c.apply()
	c.srv.ClearFaults()
	if err != nil {
		c.fail("%v", err)
		return
	}
	calls := c.srv.Calls(fault.Action)
	if calls == 0 {
		c.fail("the apply never called %s, so the fault did not hit:\n%s", fault.Action, out)
		return
	}

	retriedKind := c.fault.kind == mockserver.FaultStatus429 || c.fault.kind == mockserver.FaultStatus503
	switch {
	case code == 0 && retriedKind:
		c.verdict = verdictRetried
	case code == 0:
		c.verdict = verdictReconciled
	default:
		c.verdict = verdictError
		c.message = errorDiagnostics(out)
		c.checkMessage(ids)
	}

	switch {
	case retriedKind && (code != 0 || calls < 2):
		c.fail("after a %s the apply must resend %s and succeed; it exited %d after %d calls:\n%s", c.fault.column, fault.Action, code, calls, out)
	case (c.fault.kind == mockserver.FaultResultError || c.fault.kind == mockserver.FaultTaskError) && code == 0:
		c.fail("the apply succeeded although %s failed", fault.Action)
	case c.fault.kind == mockserver.FaultLostAnswer && c.op.reconcilesLostAnswer && code != 0:
		c.fail("after a lost answer to %s the provider must read what the API did and finish; the apply failed:\n%s", fault.Action, c.message)
	}

	// Right after the fault, every billable object must already be in state.
	if resources, err := c.run.readState(); err != nil {
		c.fail("%v", err)
	} else if err := checkNothingUntracked(c.srv, resources); err != nil {
		c.fail("after the faulted apply: %v", err)
	}

	c.converge()
	if strings.HasSuffix(c.op.name, "delete") || c.fault.kind == mockserver.FaultTaskError {
		// Destroying again after a faulted delete, or destroying an instance left in ERROR,
		// must finish. The other cells skip it to keep the matrix fast.
		c.destroy()
	}
}

// checkMessage checks that the error names the action, the object and what to do next.
func (c *matrixCell) checkMessage(ids []string) {
	action := c.op.action
	if c.fault.kind == mockserver.FaultTaskError {
		action = "ERROR"
	}
	if !strings.Contains(c.message, action) {
		c.fail("the error does not name %s:\n%s", action, c.message)
	}
	if !slices.ContainsFunc(ids, func(id string) bool { return strings.Contains(c.message, id) }) {
		c.fail("the error names none of %v:\n%s", ids, c.message)
	}
	lower := strings.ToLower(strings.Join(strings.Fields(c.message), " "))
	if !slices.ContainsFunc(adviceWords, func(w string) bool { return strings.Contains(lower, w) }) {
		c.fail("the error does not say what to do (none of %q):\n%s", adviceWords, c.message)
	}
}

// converge applies the change again without faults, then checks that the plan is empty and
// that the mock and state hold the same objects.
func (c *matrixCell) converge() {
	out, code, err := c.apply()
	if err != nil || code != 0 {
		if c.fault.kind == mockserver.FaultTaskError && c.op.taskAction != "add_instance" {
			// An instance left in ERROR by a resize or reinstall needs Hostwinds' help, so the
			// apply that follows may fail, but only with a clear error.
			message := errorDiagnostics(out)
			if !strings.Contains(message, "ERROR") {
				c.fail("the apply after the fault failed without naming the ERROR status (exit %d, %v):\n%s", code, err, out)
			}
		} else {
			c.fail("the apply after the fault did not converge (exit %d, %v):\n%s", code, err, out)
			return
		}
	} else {
		out, code, err = c.run.exec(cellCommandTimeout, nil, "plan", "-detailed-exitcode", "-no-color", "-input=false")
		if err != nil || code != 0 {
			c.fail("the plan after the converging apply is not empty (exit %d, %v):\n%s", code, err, out)
		}
	}
	resources, err := c.run.readState()
	if err != nil {
		c.fail("%v", err)
		return
	}
	if err := checkMockMatchesState(c.srv, resources); err != nil {
		c.fail("after the converging apply: %v", err)
	}
	if c.fault.kind == mockserver.FaultLostAnswer && sendOnceActions[c.op.action] {
		if n := c.srv.Calls(c.op.action); n != 1 {
			c.fail("%s was sent %d times after its answer was lost, want 1: the mock had carried it out", c.op.action, n)
		}
	}
}

// sendOnceActions are the actions that bill or wipe a disk, which the provider must not send
// again after the API carried them out and the response was lost.
var sendOnceActions = map[string]bool{"add_instance": true, "add_ip": true, "upgrade_instance": true, "reinstall_instance": true}

// destroy destroys the configuration and checks that the mock holds nothing billable.
func (c *matrixCell) destroy() {
	out, code, err := c.run.exec(cellCommandTimeout, nil, "destroy", "-auto-approve", "-no-color", "-input=false")
	if err != nil || code != 0 {
		c.fail("destroy failed (exit %d, %v):\n%s", code, err, out)
		return
	}
	if n := len(c.srv.Instances()); n != 0 {
		c.fail("after destroy the mock holds %d instances", n)
	}
	if n := len(c.srv.FirewallProfiles()); n != 1 {
		c.fail("after destroy the mock holds %d firewall profiles, want only the default one", n)
	}
}

// checkNothingUntracked checks that every instance and secondary address the mock holds is
// in state: those are the objects Hostwinds bills.
func checkNothingUntracked(srv *mockserver.Server, resources []stateResource) error {
	inState := map[string]bool{}
	for _, a := range stateAttributes(resources, "hostwinds_instance") {
		inState["instance "+attributeText(a, "id")] = true
	}
	for _, a := range stateAttributes(resources, "hostwinds_secondary_ip") {
		inState["address "+attributeText(a, "id")] = true
	}
	var untracked []string
	for _, instance := range srv.Instances() {
		key := fmt.Sprintf("instance %d", instance.ServiceID)
		if !inState[key] {
			untracked = append(untracked, key)
		}
		for _, ip := range srv.InstanceIPs(instance.ServiceID) {
			key := fmt.Sprintf("address %d/%s", instance.ServiceID, ip.IP)
			if ip.Type == "secondary" && !inState[key] {
				untracked = append(untracked, key)
			}
		}
	}
	if len(untracked) > 0 {
		return fmt.Errorf("billable objects exist outside state: %s", strings.Join(untracked, ", "))
	}
	return nil
}

func TestAccFaultMatrix(t *testing.T) {
	var cells []*matrixCell
	for _, op := range matrixOps() {
		for _, fault := range matrixFaults {
			if fault.kind == mockserver.FaultTaskError && op.taskAction == "" {
				continue
			}
			srv, err := mockserver.Start(mockserver.Config{BuildDelay: 100 * time.Millisecond, TaskDelay: 100 * time.Millisecond, IPDelay: 50 * time.Millisecond})
			if err != nil {
				t.Fatalf("starting the mock Hostwinds API: %v", err)
			}
			t.Cleanup(srv.Close)
			run := newCLIRun(t, srv, "")
			run.env = append(run.env, "HOSTWINDS_POLL_INTERVAL=20ms")
			cells = append(cells, &matrixCell{op: op, fault: fault, run: run, srv: srv})
		}
	}

	queue := slices.Clone(cells)
	slices.SortStableFunc(queue, func(a, b *matrixCell) int { return cmp.Compare(b.expectedDuration(), a.expectedDuration()) })
	started := time.Now()
	slots := make(chan struct{}, matrixConcurrency)
	var wg sync.WaitGroup
	for _, c := range queue {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			runCell(c)
		}()
	}
	wg.Wait()
	elapsed := time.Since(started)

	for _, c := range cells {
		t.Run(strings.ReplaceAll(c.op.name+" "+c.fault.column, " ", "_"), func(t *testing.T) {
			if len(c.problems) > 0 {
				c.verdict = verdictFail
				for _, p := range c.problems {
					t.Error(p)
				}
			}
			if os.Getenv("FAULT_MATRIX_VERBOSE") != "" && c.message != "" {
				t.Logf("%s in %s:\n%s", c.verdict, c.duration.Round(time.Millisecond), c.message)
			}
		})
	}
	t.Logf("fault matrix: %d cells in %s, %d at a time\n%s", len(cells), elapsed.Round(time.Second), matrixConcurrency, matrixTable(cells))
}

// matrixTable prints the verdicts as a table with one row per operation and one column per
// fault, followed by the count of each verdict.
func matrixTable(cells []*matrixCell) string {
	byKey := map[string]string{}
	counts := map[string]int{}
	for _, c := range cells {
		byKey[c.op.name+"|"+c.fault.column] = c.verdict
		counts[c.verdict]++
	}
	var b strings.Builder
	header := []string{`op \ fault`}
	for _, f := range matrixFaults {
		header = append(header, f.column)
	}
	b.WriteString("| " + strings.Join(header, " | ") + " |\n")
	b.WriteString("|" + strings.Repeat(" --- |", len(header)) + "\n")
	for _, op := range matrixOps() {
		row := []string{op.name}
		for _, f := range matrixFaults {
			verdict, ok := byKey[op.name+"|"+f.column]
			if !ok {
				verdict = verdictNotApplied
			}
			row = append(row, verdict)
		}
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	fmt.Fprintf(&b, "\n%d cells: %d %s, %d %s, %d %s, %d %s\n", len(cells),
		counts[verdictRetried], verdictRetried, counts[verdictReconciled], verdictReconciled,
		counts[verdictError], verdictError, counts[verdictFail], verdictFail)
	return b.String()
}
