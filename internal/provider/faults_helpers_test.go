package provider_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// The helpers in this file drive the terraform CLI for tests that run many independent
// configurations at once. They return errors instead of calling testing.T, so that they can
// run in goroutines. go test runs at most GOMAXPROCS parallel tests, but a fault cell spends
// most of its time waiting on mock delays and Retry-After, not on the CPU.

// cliHeader is the terraform block of every configuration run through dev_overrides.
const cliHeader = `terraform {
  required_providers {
    hostwinds = {
      source = "penguinmails/hostwinds"
    }
  }
}
`

// setConfig replaces the run's configuration.
func (r *cliRun) setConfig(config string) error {
	return os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(cliHeader+config), 0o600)
}

// exec runs terraform with args and returns its output and exit code. An error means that
// terraform could not be started or did not finish within timeout.
func (r *cliRun) exec(timeout time.Duration, extraEnv []string, args ...string) (string, int, error) {
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
	cmd.Dir = r.dir
	cmd.Env = append(append([]string{}, r.env...), extraEnv...)
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	if err := cmd.Start(); err != nil {
		return "", 0, fmt.Errorf("starting terraform %v: %w", args, err)
	}
	timer := time.AfterFunc(timeout, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	if !timer.Stop() {
		return output.String(), 0, fmt.Errorf("terraform %v did not finish within %s:\n%s", args, timeout, output.String())
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return output.String(), exitErr.ExitCode(), nil
	}
	if err != nil {
		return output.String(), 0, fmt.Errorf("running terraform %v: %w", args, err)
	}
	return output.String(), 0, nil
}

// stateResource is one resource of a local terraform.tfstate file.
type stateResource struct {
	Mode      string `json:"mode"`
	Type      string `json:"type"`
	Name      string `json:"name"`
	Instances []struct {
		Status     string         `json:"status"`
		Attributes map[string]any `json:"attributes"`
	} `json:"instances"`
}

// readState reads the run's local state file; a missing file is an empty state.
func (r *cliRun) readState() ([]stateResource, error) {
	raw, err := os.ReadFile(filepath.Join(r.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var state struct {
		Resources []stateResource `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		return nil, fmt.Errorf("decoding terraform.tfstate: %w", err)
	}
	return state.Resources, nil
}

// stateAttributes returns the attributes of every managed resource instance of a type.
func stateAttributes(resources []stateResource, resourceType string) []map[string]any {
	var out []map[string]any
	for _, r := range resources {
		if r.Mode != "managed" || r.Type != resourceType {
			continue
		}
		for _, instance := range r.Instances {
			out = append(out, instance.Attributes)
		}
	}
	return out
}

func attributeText(attributes map[string]any, name string) string {
	if v, ok := attributes[name]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

// checkMockMatchesState compares what the mock holds with what state records: the same
// instances, the same secondary addresses, the PTR records state claims, no changed PTR
// record outside state, and the same firewall profiles besides the seeded default. Any
// billable object that exists twice or outside state fails the check.
func checkMockMatchesState(srv *mockserver.Server, resources []stateResource) error {
	var problems []string

	var mockInstances, stateInstances []string
	var mockSecondary []string
	changedPTRs := map[string]string{}
	for _, instance := range srv.Instances() {
		id := fmt.Sprint(instance.ServiceID)
		mockInstances = append(mockInstances, id)
		for _, ip := range srv.InstanceIPs(instance.ServiceID) {
			key := id + "/" + ip.IP
			if ip.Type == "secondary" {
				mockSecondary = append(mockSecondary, key)
			}
			if ip.RDNS != fmt.Sprintf("hwsrv-%d.hostwindsdns.com", instance.ServiceID) {
				changedPTRs[key] = ip.RDNS
			}
		}
	}
	for _, a := range stateAttributes(resources, "hostwinds_instance") {
		stateInstances = append(stateInstances, attributeText(a, "id"))
	}
	if problem := compareSets("instances", mockInstances, stateInstances); problem != "" {
		problems = append(problems, problem)
	}

	var stateSecondary []string
	for _, a := range stateAttributes(resources, "hostwinds_secondary_ip") {
		stateSecondary = append(stateSecondary, attributeText(a, "id"))
	}
	if problem := compareSets("secondary IP addresses", mockSecondary, stateSecondary); problem != "" {
		problems = append(problems, problem)
	}

	statePTRs := map[string]bool{}
	for _, a := range stateAttributes(resources, "hostwinds_rdns") {
		key := attributeText(a, "instance_id") + "/" + attributeText(a, "ip_address")
		statePTRs[key] = true
		want := strings.ToLower(strings.TrimSuffix(attributeText(a, "dns_ptr"), "."))
		if got := strings.ToLower(changedPTRs[key]); got != want {
			problems = append(problems, fmt.Sprintf("state sets the PTR record of %s to %q, the mock holds %q", key, want, got))
		}
	}
	for key, ptr := range changedPTRs {
		if !statePTRs[key] {
			problems = append(problems, fmt.Sprintf("the mock holds PTR record %q for %s, which no hostwinds_rdns in state sets", ptr, key))
		}
	}

	var mockProfiles, stateProfiles []string
	for _, p := range srv.FirewallProfiles() {
		if p.Name != "default" {
			mockProfiles = append(mockProfiles, fmt.Sprintf("%d %s", p.ID, p.Name))
		}
	}
	for _, a := range stateAttributes(resources, "hostwinds_firewall_profile") {
		stateProfiles = append(stateProfiles, attributeText(a, "id")+" "+attributeText(a, "name"))
	}
	if problem := compareSets("firewall profiles", mockProfiles, stateProfiles); problem != "" {
		problems = append(problems, problem)
	}

	if len(problems) > 0 {
		return fmt.Errorf("the mock and terraform state disagree: %s", strings.Join(problems, "; "))
	}
	return nil
}

// compareSets describes the difference between the mock's and state's lists, or returns "".
func compareSets(what string, inMock, inState []string) string {
	slices.Sort(inMock)
	slices.Sort(inState)
	if slices.Equal(inMock, inState) {
		return ""
	}
	return fmt.Sprintf("the mock holds %s %v, state holds %v", what, inMock, inState)
}

// diagnosticLine matches the lines of a Terraform diagnostic that Terraform adds itself: the
// resource address, the configuration file position and the echoed source line.
var diagnosticLine = regexp.MustCompile(`^\s*(with \S+,|on \S+ line \d+|\d+:|in resource )`)

// errorDiagnostics returns the text of the provider's error diagnostics in terraform output,
// without the lines Terraform adds, so that a check on it sees only what the provider wrote.
func errorDiagnostics(output string) string {
	var b strings.Builder
	inError := false
	for _, line := range strings.Split(output, "\n") {
		line = strings.TrimPrefix(strings.TrimLeft(line, " "), "│")
		switch {
		case strings.HasPrefix(strings.TrimSpace(line), "Error: "):
			inError = true
		case strings.HasPrefix(strings.TrimSpace(line), "╵"):
			inError = false
			continue
		}
		if inError && !diagnosticLine.MatchString(line) {
			b.WriteString(strings.TrimSpace(line))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// maxPerWindow returns the largest number of times that fall in any window of the given
// length. times must be sorted.
func maxPerWindow(times []time.Time, window time.Duration) int {
	maxCount, start := 0, 0
	for end := range times {
		for times[end].Sub(times[start]) >= window {
			start++
		}
		maxCount = max(maxCount, end-start+1)
	}
	return maxCount
}
