package provider_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// secretEncodings returns the forms in which a secret could appear in a log: as is,
// URL-encoded, inside a JSON string, and in base64.
func secretEncodings(secret string) []string {
	quoted, _ := json.Marshal(secret)
	return []string{
		secret,
		url.QueryEscape(secret),
		strings.Trim(string(quoted), `"`),
		base64.StdEncoding.EncodeToString([]byte(secret)),
	}
}

func TestAccSecrets_traceLogAndStateHoldNoSecret(t *testing.T) {
	const (
		apiKey       = "hw-key-Zq8/+secret=="
		rootPassword = "root-pass-Wq7&secret"
	)
	srv, err := mockserver.Start(mockserver.Config{APIKey: apiKey, BuildDelay: testBuildDelay, TaskDelay: testTaskDelay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)

	// The tenant example, as users run it, with a configured root password.
	run := newCLIRunFromExample(t, srv, "tenant-mail-server")
	run.env = append(run.env, "TF_VAR_root_password="+rootPassword)
	run.env = append(run.env, "HOSTWINDS_API_KEY="+apiKey)
	logPath := filepath.Join(run.dir, "trace.log")
	trace := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath}

	if out, code := run.run(trace, "apply", "-auto-approve", "-no-color"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if out, code := run.run(trace, "plan", "-no-color"); code != 0 {
		t.Fatalf("plan failed:\n%s", out)
	}

	// The mock generated the configkeys; the provider read them from the API.
	secrets := map[string]string{"API key": apiKey, "root password": rootPassword}
	for _, i := range srv.Instances() {
		secrets["configkey of "+i.SrvrName] = i.ConfigKey
	}
	if len(srv.Instances()) != 1 {
		t.Fatalf("the mock holds %d instances after the apply, want 1", len(srv.Instances()))
	}

	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logData), "hostwinds_api") {
		t.Fatalf("the trace log has no line of the API client's subsystem, so it proves nothing (%d bytes)", len(logData))
	}
	for name, secret := range secrets {
		for _, encoded := range secretEncodings(secret) {
			if strings.Contains(string(logData), encoded) {
				t.Errorf("the TRACE log contains the %s (as %q)", name, encoded)
			}
		}
	}

	stateData, err := os.ReadFile(filepath.Join(run.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	for _, encoded := range secretEncodings(apiKey) {
		if strings.Contains(string(stateData), encoded) {
			t.Errorf("the state contains the API key (as %q)", encoded)
		}
	}
	for _, i := range srv.Instances() {
		if strings.Contains(string(stateData), i.ConfigKey) {
			t.Errorf("the state contains the configkey of %s", i.SrvrName)
		}
	}

	run.mustRun(0, "destroy", "-auto-approve", "-no-color")
}
