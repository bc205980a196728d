package hostwinds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestRedactFormSecretParams(t *testing.T) {
	s := newSecretSet(testAPIKey)
	params := url.Values{
		"API":       {testAPIKey},
		"password":  {"Root-Pw+9/x=Q"},
		"configkey": {"cfg-Key+7/y=Z"},
		"serviceid": {"1234"},
		"keys[]":    {"laptop", "ci"},
	}

	got := s.redactForm(params)

	for _, key := range []string{"API", "password", "configkey"} {
		if got[key] != "***" {
			t.Errorf("%s = %v, want ***", key, got[key])
		}
	}
	if got["serviceid"] != "1234" {
		t.Errorf("serviceid = %v, want 1234", got["serviceid"])
	}
	if !reflect.DeepEqual(got["keys[]"], []string{"laptop", "ci"}) {
		t.Errorf("keys[] = %v, want [laptop ci]", got["keys[]"])
	}
}

func TestRedactFormKnownSecretInOtherParam(t *testing.T) {
	s := newSecretSet(testAPIKey)
	s.add("hunter22")

	got := s.redactForm(url.Values{"srvrname": {"web-hunter22"}, "keys[]": {"a", "hunter22"}})

	if got["srvrname"] != "web-***" {
		t.Errorf("srvrname = %v, want web-***", got["srvrname"])
	}
	if !reflect.DeepEqual(got["keys[]"], []string{"a", "***"}) {
		t.Errorf("keys[] = %v, want [a ***]", got["keys[]"])
	}
}

func TestRedactBodySecretFields(t *testing.T) {
	s := newSecretSet(testAPIKey)
	cases := map[string]struct {
		body   string
		secret string
	}{
		"plain":        {`{"success":{"password":"Root-Pw9xQ","srvrname":"web-1"}}`, "Root-Pw9xQ"},
		"configkey":    {`{"success":{"configkey":"cfg-Key7yZ","srvrname":"web-1"}}`, "cfg-Key7yZ"},
		"spaces":       {`{"success":{"password" :  "Root-Pw9xQ","srvrname":"web-1"}}`, "Root-Pw9xQ"},
		"escaped":      {`{"success":{"password":"a\"b\\c\/d-tail","srvrname":"web-1"}}`, "-tail"},
		"unicode":      {`{"success":{"password":"\u0041bc-tail","srvrname":"web-1"}}`, "-tail"},
		"escaped last": {`{"success":{"srvrname":"web-1","configkey":"x\\"}}`, `x\\`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := s.redactBody([]byte(tc.body))

			if strings.Contains(got, tc.secret) {
				t.Errorf("redactBody(%s) = %s, still contains %q", tc.body, got, tc.secret)
			}
			if !strings.Contains(got, `"***"`) {
				t.Errorf("redactBody(%s) = %s, want the value replaced with \"***\"", tc.body, got)
			}
			if !strings.Contains(got, `"srvrname":"web-1"`) {
				t.Errorf("redactBody(%s) = %s, want the other fields kept", tc.body, got)
			}
		})
	}
}

func TestRedactBodyKnownSecretAnywhere(t *testing.T) {
	s := newSecretSet(testAPIKey)
	s.add("Root-Pw+9/x=Q")

	got := s.redactBody([]byte(`[{"result":"error","message":"password Root-Pw+9/x=Q rejected"}]`))

	if strings.Contains(got, "Root-Pw+9/x=Q") {
		t.Errorf("redactBody = %s, still contains the secret", got)
	}
}

func TestSecretSetQueryEscaped(t *testing.T) {
	s := newSecretSet(testAPIKey)

	got := s.redact("API=" + url.QueryEscape(testAPIKey) + "&action=boot")

	if got != "API=***&action=boot" {
		t.Errorf("redact = %q, want API=***&action=boot", got)
	}
}

func TestSecretSetSkipsShortValues(t *testing.T) {
	// Masking "" or "a" would turn every log line into asterisks.
	s := newSecretSet("", "abc")

	if got := s.redact("abc def"); got != "abc def" {
		t.Errorf("redact = %q, want short values left alone", got)
	}
}

func TestRedactErrorKeepsCleanError(t *testing.T) {
	s := newSecretSet(testAPIKey)
	clean := errors.New("connection refused")

	if got := s.redactError(clean); got != clean { //nolint:errorlint // identity of the value is the point
		t.Errorf("redactError returned %v, want the same error value", got)
	}
	if s.redactError(nil) != nil {
		t.Error("redactError(nil) is not nil")
	}
}

func TestAddSecretMaskedInError(t *testing.T) {
	const secret = "tenant-secret-77"
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) { closeConnection(w) })
	// The transport error quotes the URL, so a secret in the path reaches the error message.
	endpoint := api.server.URL + "/" + secret + "/" + testAPIKey
	c := newTestClient(t, endpoint, func(cfg *Config) { cfg.MaxRetries = -1 })
	c.AddSecret(secret)

	_, err := c.GetInstance(context.Background(), 1234)

	if err == nil {
		t.Fatal("GetInstance succeeded, want a transport error")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error %q contains the added secret", err)
	}
	if strings.Contains(err.Error(), testAPIKey) {
		t.Errorf("error %q contains the API key", err)
	}
	if !strings.Contains(err.Error(), "***") {
		t.Errorf("error %q has no mask where the secrets were", err)
	}
}

// Instance passwords and configkeys are removed from logs by field name, not added to the
// masked values. Every log line is checked against each masked value, so a list that grew
// with the number of instances would make each call slower the larger the state.
func TestSecretSetStaysSmallWithInstances(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK,
		`{"success":[{"serviceid":1,"password":"Root-Pw+9/x=Q","configkey":"cfg-Key+7/y=Z"},`+
			`{"serviceid":2,"password":"Other-Pw+1","configkey":"other-key+2"}]}`))
	c := newTestClient(t, api.URL())
	before := len(c.secrets.list())

	if _, err := c.GetInstances(context.Background()); err != nil {
		t.Fatalf("GetInstances: %v", err)
	}
	if after := len(c.secrets.list()); after != before {
		t.Errorf("the masked values grew from %d to %d after reading instances", before, after)
	}
	body := c.secrets.redactBody([]byte(`{"password":"Root-Pw+9/x=Q","configkey":"cfg-Key+7/y=Z"}`))
	for _, secret := range []string{"Root-Pw+9/x=Q", "cfg-Key+7/y=Z"} {
		if strings.Contains(body, secret) {
			t.Errorf("redactBody left %s in %s", secret, body)
		}
	}
}

// logEntries decodes the JSON lines that tflogtest wrote to buf.
func logEntries(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	entries, err := tflogtest.MultilineJSONDecode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("decoding the log: %v", err)
	}
	return entries
}

func subsystemEntries(entries []map[string]any) []map[string]any {
	var out []map[string]any
	for _, e := range entries {
		if e["@module"] == "provider."+logSubsystem {
			out = append(out, e)
		}
	}
	return out
}

func TestLogHidesSecrets(t *testing.T) {
	// The client logs through tflog, which writes only to the provider root logger that
	// tflogtest makes. tfsdklogtest makes the SDK root logger, so it would record nothing.
	// The variable keeps a developer's own TF_LOG_PROVIDER_HOSTWINDS_API from hiding lines.
	t.Setenv("TF_LOG_PROVIDER_HOSTWINDS_API", "TRACE")
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	const password = "Root-Pw+9/x=Q"
	const configKey = "cfg-Key+7/y=Z"
	api := newFakeAPI(t, answerJSON(http.StatusOK,
		`{"success":{"serviceid":1234,"srvrname":"web-1","password":"Root-Pw+9/x=Q","configkey":"cfg-Key+7\/y=Z"}}`))
	c := newTestClient(t, api.URL())

	if _, err := c.GetInstance(ctx, 1234); err != nil {
		t.Fatalf("GetInstance: %v", err)
	}

	entries := logEntries(t, &buf)
	if len(subsystemEntries(entries)) == 0 {
		t.Fatalf("no log lines from the %s subsystem in:\n%s", logSubsystem, buf.String())
	}
	// The decoded values undo the log's own JSON escaping, so a leak cannot hide behind it.
	var text strings.Builder
	text.Write(buf.Bytes())
	for _, e := range entries {
		fmt.Fprintln(&text, e)
	}
	for _, secret := range []string{testAPIKey, password, configKey} {
		forms := []string{secret, url.QueryEscape(secret), strings.ReplaceAll(secret, "/", `\/`)}
		for _, form := range forms {
			if strings.Contains(text.String(), form) {
				t.Errorf("the log contains %q:\n%s", form, buf.String())
			}
		}
	}
}

func TestLogRetryLine(t *testing.T) {
	t.Setenv("TF_LOG_PROVIDER_HOSTWINDS_API", "TRACE")
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	api := newFakeAPI(t, failFirst(1, http.StatusServiceUnavailable, instanceRead))
	c := newTestClient(t, api.URL())

	if _, err := c.GetInstance(ctx, 1234); err != nil {
		t.Fatalf("GetInstance: %v", err)
	}

	var retry map[string]any
	for _, e := range subsystemEntries(logEntries(t, &buf)) {
		if e["@message"] == "Retrying Hostwinds API request" {
			retry = e
		}
	}
	if retry == nil {
		t.Fatalf("no retry line in:\n%s", buf.String())
	}
	if retry["action"] != "get_instance" {
		t.Errorf("action = %v, want get_instance", retry["action"])
	}
	if _, ok := retry["wait_ms"].(float64); !ok {
		t.Errorf("wait_ms = %v, want a number", retry["wait_ms"])
	}
	if retry["@level"] != "warn" {
		t.Errorf("@level = %v, want warn", retry["@level"])
	}
}

func TestLogLevelFromEnv(t *testing.T) {
	t.Setenv("TF_LOG_PROVIDER_HOSTWINDS_API", "WARN")
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	api := newFakeAPI(t, failFirst(1, http.StatusServiceUnavailable, instanceRead))
	c := newTestClient(t, api.URL())

	if _, err := c.GetInstance(ctx, 1234); err != nil {
		t.Fatalf("GetInstance: %v", err)
	}

	entries := subsystemEntries(logEntries(t, &buf))
	if len(entries) == 0 {
		t.Fatalf("no warn line from the %s subsystem in:\n%s", logSubsystem, buf.String())
	}
	for _, e := range entries {
		if e["@level"] == "debug" || e["@level"] == "trace" {
			t.Errorf("line %v logged below the WARN level set in TF_LOG_PROVIDER_HOSTWINDS_API", e)
		}
	}
}
