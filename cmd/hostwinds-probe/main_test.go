package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
	"github.com/penguinmails/terraform-provider-hostwinds/internal/probe"
)

// noEnvironment replaces os.Getenv, so that no test reads a real key or endpoint.
func noEnvironment(string) string { return "" }

// environment returns a getenv that finds only the variables in vars.
func environment(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func startMock(t *testing.T, apiKey string) *mockserver.Server {
	t.Helper()
	srv, err := mockserver.Start(mockserver.Config{APIKey: apiKey})
	if err != nil {
		t.Fatalf("starting the mock API: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// runProbe runs the command with args and returns its exit code, stdout and stderr.
func runProbe(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"-requests-per-second", "1000"}, args...), getenv, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// tableRow returns the table line of action, or "" when there is none.
func tableRow(output, action string) string {
	for _, line := range strings.Split(output, "\n") {
		if fields := strings.Fields(line); len(fields) > 0 && fields[0] == action {
			return line
		}
	}
	return ""
}

func TestProbeAgainstMockExitsZero(t *testing.T) {
	srv := startMock(t, "")

	code, stdout, stderr := runProbe(t, noEnvironment, "-endpoint", srv.URL(), "-api-key", mockserver.DefaultAPIKey)

	if code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s\nstdout:\n%s", code, stderr, stdout)
	}
	for _, info := range hostwinds.Actions {
		row := tableRow(stdout, info.Name)
		if row == "" {
			t.Errorf("no row for %s:\n%s", info.Name, stdout)
			continue
		}
		if !strings.Contains(row, string(info.Evidence)) {
			t.Errorf("row %q lacks the evidence level %s", row, info.Evidence)
		}
		var want string
		switch {
		case info.TakesServiceID:
			want = "exists"
		case info.ReadOnly:
			want = "answer has the expected shape"
		default:
			want = "not probed: no request can be built that cannot create or change something"
		}
		if !strings.Contains(row, want) {
			t.Errorf("row %q, want %q", row, want)
		}
	}
	if n := len(srv.Instances()); n != 0 {
		t.Errorf("the probe left %d instances in the mock, want 0", n)
	}
	if strings.Contains(stdout+stderr, mockserver.DefaultAPIKey) {
		t.Error("the output contains the API key")
	}
}

func TestProbeJSONOutput(t *testing.T) {
	srv := startMock(t, "")

	code, stdout, stderr := runProbe(t, noEnvironment, "-json", "-endpoint", srv.URL(), "-api-key", mockserver.DefaultAPIKey)

	if code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	var report probe.Report
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, stdout)
	}
	if report.Endpoint != srv.URL() {
		t.Errorf("endpoint = %q, want %q", report.Endpoint, srv.URL())
	}
	if report.Failed {
		t.Error("failed = true, want false")
	}
	if len(report.Results) != len(hostwinds.Actions) {
		t.Errorf("got %d results, want %d", len(report.Results), len(hostwinds.Actions))
	}
	for _, r := range report.Results {
		if r.Action == hostwinds.ActionGetInstance && r.Status != probe.StatusExists {
			t.Errorf("get_instance: status %s, want exists", r.Status)
		}
	}
}

func TestProbeReadsEnvironment(t *testing.T) {
	srv := startMock(t, "env-key")

	code, _, stderr := runProbe(t, environment(map[string]string{
		envAPIKey:   "env-key",
		envEndpoint: srv.URL(),
	}))

	if code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	if srv.TotalCalls() == 0 {
		t.Error("no request reached the mock named by " + envEndpoint)
	}
}

func TestProbeWrongKeyExitsTwo(t *testing.T) {
	srv := startMock(t, "the-right-key")

	code, stdout, stderr := runProbe(t, noEnvironment, "-endpoint", srv.URL(), "-api-key", "a-wrong-key")

	if code != exitError {
		t.Fatalf("exit code %d, want 2; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"Not Authorized!", "allow-list", "IPv4", "the probe stopped"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want no table after the key was rejected", stdout)
	}
}

func TestProbeUnknownActionExitsOne(t *testing.T) {
	srv := startMock(t, "")
	const missing = hostwinds.ActionGetInstanceMaintenance
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		if form.Get("action") == missing {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `[{"result":"error","action":"Unknown","message":"Invalid Action.","ERROR":"6734"}]`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	code, stdout, stderr := runProbe(t, noEnvironment, "-endpoint", proxy.URL+mockserver.APIPath, "-api-key", mockserver.DefaultAPIKey)

	if code != exitFailed {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	if row := tableRow(stdout, missing); !strings.Contains(row, "unknown action") {
		t.Errorf("row %q, want unknown action", row)
	}
	if row := tableRow(stdout, hostwinds.ActionGetInstance); !strings.Contains(row, "exists") {
		t.Errorf("row %q, want exists", row)
	}
	if !strings.Contains(stdout, "1 unknown") {
		t.Errorf("summary does not count the unknown action:\n%s", stdout)
	}
}

func TestProbeUsageErrors(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"no API key", []string{"-endpoint", "http://127.0.0.1:1/cloud/api.php"}, "no API key: pass -api-key or set HOSTWINDS_API_KEY"},
		{"unknown flag", []string{"-api-key", "k", "-verbose"}, "flag provided but not defined: -verbose"},
		{"extra argument", []string{"-api-key", "k", "get_instance"}, `unexpected arguments ["get_instance"]`},
		{"relative endpoint", []string{"-api-key", "k", "-endpoint", "api.php"}, `invalid Hostwinds API endpoint "api.php"`},
		{"zero rate", []string{"-api-key", "k", "-endpoint", "http://127.0.0.1:1/cloud/api.php", "-requests-per-second", "0"}, "must be above 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runProbe(t, noEnvironment, c.args...)
			if code != exitError {
				t.Errorf("exit code %d, want 2", code)
			}
			if !strings.Contains(stderr, c.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", c.wantStderr, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}

func TestProbeHelpExitsZero(t *testing.T) {
	code, _, stderr := runProbe(t, environment(map[string]string{envAPIKey: "secret-from-env"}), "-h")

	if code != exitOK {
		t.Errorf("exit code %d, want 0", code)
	}
	if !strings.Contains(stderr, "-api-key") {
		t.Errorf("usage lacks -api-key:\n%s", stderr)
	}
	if strings.Contains(stderr, "secret-from-env") {
		t.Error("the usage text shows the key from the environment")
	}
}

func TestInsecureEndpoint(t *testing.T) {
	cases := map[string]bool{
		"https://clients.hostwinds.com/cloud/api.php": false,
		"http://127.0.0.1:8910/cloud/api.php":         false,
		"http://localhost:8910/cloud/api.php":         false,
		"http://[::1]:8910/cloud/api.php":             false,
		"http://api.example.com/cloud/api.php":        true,
		"http://192.0.2.1/cloud/api.php":              true,
	}
	for endpoint, want := range cases {
		if got := insecureEndpoint(endpoint); got != want {
			t.Errorf("insecureEndpoint(%q) = %v, want %v", endpoint, got, want)
		}
	}
}
