package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// phase is one measured Terraform command.
type phase string

const (
	phaseApply   phase = "apply"
	phasePlan    phase = "plan"
	phaseDestroy phase = "destroy"
)

var phases = []phase{phaseApply, phasePlan, phaseDestroy}

// workspace is a folder with one configuration and its state, and the environment that the
// Terraform commands in it run with.
type workspace struct {
	terraform   string
	dir         string
	env         []string
	parallelism int
}

// newWorkspace writes the configuration into a new folder dir. extraEnv is added to the
// environment of every command.
func newWorkspace(terraform, dir, config string, parallelism int, extraEnv []string) (*workspace, error) {
	if err := mkdir(dir); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "main.tf"), config); err != nil {
		return nil, err
	}
	return &workspace{terraform: terraform, dir: dir, env: benchEnv(extraEnv), parallelism: parallelism}, nil
}

// benchEnv returns the process environment without the variables that would change what
// Terraform or the provider does, plus extra.
func benchEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_LOG") || strings.HasPrefix(name, "TF_CLI_ARGS") ||
			strings.HasPrefix(name, "HOSTWINDS_") || name == "TF_CLI_CONFIG_FILE" || name == "TF_IN_AUTOMATION" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return append(env, extra...)
}

// measurement is the outcome of one Terraform command.
type measurement struct {
	wall time.Duration
	// providerPeakBytes is the highest VmHWM of the provider processes, 0 when none ran.
	providerPeakBytes int64
	providerProcesses int
}

// run runs one phase and measures its wall time and the provider's peak memory. A plan must
// report no changes. extraEnv is added for this command only. Terraform's output goes to
// <phase>.out in the workspace.
func (w *workspace) run(p phase, extraEnv ...string) (measurement, error) {
	args := []string{string(p), "-input=false", "-no-color", "-parallelism=" + strconv.Itoa(w.parallelism)}
	switch p {
	case phaseApply, phaseDestroy:
		args = append(args, "-auto-approve")
	case phasePlan:
		args = append(args, "-detailed-exitcode")
	}
	outputPath := filepath.Join(w.dir, string(p)+".out")
	output, err := os.Create(outputPath)
	if err != nil {
		return measurement{}, err
	}
	defer output.Close()

	// G204: the Terraform CLI to run is the benchmark's -terraform flag.
	cmd := exec.Command(w.terraform, args...) //nolint:gosec
	cmd.Dir = w.dir
	cmd.Env = append(append([]string{}, w.env...), extraEnv...)
	cmd.Stdout = output
	cmd.Stderr = output

	started := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, fmt.Errorf("starting terraform %s failed: %w", p, err)
	}
	sampler := sampleProviderMemory(cmd.Process.Pid)
	runErr := cmd.Wait()
	wall := time.Since(started)
	peak, processes := sampler.finish()

	if runErr != nil {
		var exitErr *exec.ExitError
		if p == phasePlan && errors.As(runErr, &exitErr) && exitErr.ExitCode() == 2 {
			return measurement{}, fmt.Errorf("terraform plan in %s shows changes right after apply, so the refresh is not clean; see %s", w.dir, outputPath)
		}
		return measurement{}, fmt.Errorf("terraform %s in %s failed: %w; see %s", p, w.dir, runErr, outputPath)
	}
	return measurement{wall: wall, providerPeakBytes: peak, providerProcesses: processes}, nil
}

// terraformVersion returns the first line of `terraform version`, such as "Terraform v1.11.4".
func terraformVersion(terraform string) string {
	cmd := exec.Command(terraform, "version")
	cmd.Env = benchEnv(nil)
	out, err := cmd.Output()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first)
}
