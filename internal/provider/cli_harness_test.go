package provider_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// The tests in this file run the provider as Terraform runs it for users: a separate binary
// found through dev_overrides, with its logs passing through Terraform's. They cover what
// terraform-plugin-testing cannot: signals sent to terraform, and the full TF_LOG output.

var (
	buildProviderOnce sync.Once
	providerDir       string
	buildProviderErr  error
)

// providerBinaryDir builds the provider once per test binary and returns its folder.
func providerBinaryDir(t *testing.T) string {
	t.Helper()
	buildProviderOnce.Do(func() {
		providerDir, buildProviderErr = os.MkdirTemp("", "hostwinds-provider-")
		if buildProviderErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(providerDir, "terraform-provider-hostwinds"),
			"github.com/penguinmails/terraform-provider-hostwinds")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildProviderErr = fmt.Errorf("go build of the provider failed: %w\n%s", err, out)
		}
	})
	if buildProviderErr != nil {
		t.Fatal(buildProviderErr)
	}
	return providerDir
}

// cliRun is a working folder with a configuration, run by the terraform binary against srv.
type cliRun struct {
	t   *testing.T
	dir string
	env []string
}

func newCLIRun(t *testing.T, srv *mockserver.Server, config string) *cliRun {
	t.Helper()
	return newCLIRunFiles(t, srv, map[string]string{"main.tf": requiredProvidersBlock + config})
}

// requiredProvidersBlock points the configuration at the provider that dev_overrides serves.
const requiredProvidersBlock = `terraform {
  required_providers {
    hostwinds = {
      source = "penguinmails/hostwinds"
    }
  }
}
`

// newCLIRunFromExample copies the .tf files of an examples/ folder into a new run.
func newCLIRunFromExample(t *testing.T, srv *mockserver.Server, example string) *cliRun {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "examples", example, "*.tf"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no .tf files in examples/%s (%v)", example, err)
	}
	files := map[string]string{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = string(data)
	}
	return newCLIRunFiles(t, srv, files)
}

// newCLIRunFiles writes files into a new working folder run against srv.
func newCLIRunFiles(t *testing.T, srv *mockserver.Server, files map[string]string) *cliRun {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run tests that run the terraform CLI")
	}
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, "dev.tfrc")
	overrides := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"penguinmails/hostwinds\" = %q\n  }\n  direct {}\n}\n", providerBinaryDir(t))
	if err := os.WriteFile(cliConfig, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &cliRun{t: t, dir: dir, env: append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"HOSTWINDS_API_URL="+srv.URL(),
		"HOSTWINDS_API_KEY="+mockserver.DefaultAPIKey,
		"HOSTWINDS_POLL_INTERVAL=50ms",
		"HOSTWINDS_REQUESTS_PER_SECOND=1000",
	)}
}

// writeConfig replaces the run's main.tf with the provider requirement and config.
func (r *cliRun) writeConfig(config string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(requiredProvidersBlock+config), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// command returns terraform with args, ready to start in the run's folder.
func (r *cliRun) command(extraEnv []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
	cmd.Dir = r.dir
	cmd.Env = append(append([]string{}, r.env...), extraEnv...)
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	return cmd, &output
}

// cliCommandTimeout bounds one terraform command of these tests.
const cliCommandTimeout = 2 * time.Minute

// run runs terraform to the end and returns its output and exit code.
func (r *cliRun) run(extraEnv []string, args ...string) (string, int) {
	r.t.Helper()
	cmd, output := r.command(extraEnv, args...)
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("starting terraform %v: %v", args, err)
	}
	// A hung terraform fails the test with its output instead of stalling the suite.
	timer := time.AfterFunc(cliCommandTimeout, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	if !timer.Stop() {
		r.t.Fatalf("terraform %v did not finish within %s:\n%s", args, cliCommandTimeout, output.String())
	}
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		r.t.Fatalf("running terraform %v: %v", args, err)
	}
	return output.String(), code
}

// mustRun runs terraform and fails the test unless it exits with want.
func (r *cliRun) mustRun(want int, args ...string) string {
	r.t.Helper()
	out, code := r.run(nil, args...)
	if code != want {
		r.t.Fatalf("terraform %v exited %d, want %d:\n%s", args, code, want, out)
	}
	return out
}

// waitFor polls cond every 20 ms for up to timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
