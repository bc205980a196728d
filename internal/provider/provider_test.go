package provider_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
	"github.com/penguinmails/terraform-provider-hostwinds/internal/provider"
)

// TestMain makes sure acceptance tests run a Terraform CLI that is already on this machine,
// because terraform-plugin-testing otherwise downloads one.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") != "" {
		os.Unsetenv("TF_ACC_TERRAFORM_VERSION")
		// A TF_CLI_CONFIG_FILE that names a missing file configures nothing, but OpenTofu
		// 1.12 then prints a warning on stdout before the output of `tofu version -json`,
		// and terraform-plugin-testing fails to parse the version.
		if path := os.Getenv("TF_CLI_CONFIG_FILE"); path != "" {
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				os.Unsetenv("TF_CLI_CONFIG_FILE")
			}
		}
		if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
			path, err := exec.LookPath("terraform")
			if err != nil {
				fmt.Fprintln(os.Stderr, "Acceptance tests need a Terraform CLI: none is on PATH and TF_ACC_TERRAFORM_PATH "+
					"is not set. Run `make test`, which builds a pinned release when there is none.")
				os.Exit(1)
			}
			os.Setenv("TF_ACC_TERRAFORM_PATH", path)
		}
		os.Setenv("CHECKPOINT_DISABLE", "1")
	}
	os.Exit(m.Run())
}

// protoV6Factories serves the provider in the test process.
var protoV6Factories = map[string]func() (tfprotov6.ProviderServer, error){
	"hostwinds": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// Mock delays for acceptance tests: long enough that the provider really waits through BUILD
// and task states, short enough to keep the suite fast.
const (
	testBuildDelay = 300 * time.Millisecond
	testTaskDelay  = 200 * time.Millisecond
)

// startMock starts a mock Hostwinds API on loopback for one test.
func startMock(t *testing.T) *mockserver.Server {
	t.Helper()
	srv, err := mockserver.Start(mockserver.Config{BuildDelay: testBuildDelay, TaskDelay: testTaskDelay})
	if err != nil {
		t.Fatalf("starting the mock Hostwinds API: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// providerBlock configures the provider for srv, with fast polling and a rate limit high
// enough not to slow tests that run in parallel in this process.
func providerBlock(srv *mockserver.Server) string {
	return fmt.Sprintf(`
provider "hostwinds" {
  endpoint            = %q
  api_key             = %q
  poll_interval       = "50ms"
  requests_per_second = 1000
  max_retries         = 2
}
`, srv.URL(), mockserver.DefaultAPIKey)
}

// errorPattern matches Terraform's wrapped diagnostic text: each space in words matches any run
// of white space, and dots match line breaks.
func errorPattern(words string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(words, " ", `\s+`))
}

func accPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set")
	}
}
