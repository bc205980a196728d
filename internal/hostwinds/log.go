package hostwinds

import (
	"context"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem is the tflog subsystem of the API client; TF_LOG_PROVIDER_HOSTWINDS_API sets its
// level apart from the provider's.
const logSubsystem = "hostwinds_api"

// secretParams are request parameters whose values never reach a log.
var secretParams = map[string]bool{"API": true, "password": true, "configkey": true}

// secretFieldPattern finds secret fields in a JSON response body.
var secretFieldPattern = regexp.MustCompile(`("(?:password|configkey|API)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// secretSet holds the secret values the client has seen, so that log lines and errors can
// mask them wherever they appear.
type secretSet struct {
	mu     sync.RWMutex
	values map[string]bool
}

func newSecretSet(values ...string) *secretSet {
	s := &secretSet{values: map[string]bool{}}
	for _, v := range values {
		s.add(v)
	}
	return s
}

func (s *secretSet) add(value string) {
	// Very short values would mask ordinary words in logs.
	if len(value) < 4 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[value] = true
	s.values[url.QueryEscape(value)] = true
}

func (s *secretSet) list() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.values))
	for v := range s.values {
		out = append(out, v)
	}
	// Longest first, so that an escaped form is replaced before a shorter value inside it.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func (s *secretSet) redact(text string) string {
	for _, v := range s.list() {
		text = strings.ReplaceAll(text, v, "***")
	}
	return text
}

func (s *secretSet) redactError(err error) error {
	if err == nil {
		return nil
	}
	redacted := s.redact(err.Error())
	if redacted == err.Error() {
		return err
	}
	return &redactedError{text: redacted, cause: err}
}

// redactedError carries a message with secrets masked, and keeps the original error in the
// chain so that errors.Is still finds context.Canceled and the like.
type redactedError struct {
	text  string
	cause error
}

func (e *redactedError) Error() string { return e.text }

func (e *redactedError) Unwrap() error { return e.cause }

// redactForm returns the request parameters with secret values replaced.
func (s *secretSet) redactForm(params url.Values) map[string]any {
	out := make(map[string]any, len(params))
	for k, v := range params {
		if secretParams[k] {
			out[k] = "***"
			continue
		}
		if len(v) == 1 {
			out[k] = s.redact(v[0])
		} else {
			values := make([]string, len(v))
			for i := range v {
				values[i] = s.redact(v[i])
			}
			out[k] = values
		}
	}
	return out
}

// redactBody returns a response body with secret fields and known secret values replaced.
func (s *secretSet) redactBody(raw []byte) string {
	text := secretFieldPattern.ReplaceAllString(string(raw), `$1"***"`)
	return s.redact(bodyLimit(text))
}

func bodyLimit(text string) string {
	const limit = 8 << 10
	if len(text) > limit {
		return text[:limit] + "...(truncated)"
	}
	return text
}

// logContext adds the client's subsystem to ctx, with every known secret masked in its
// messages and fields as a second guard behind the explicit redaction.
func (c *Client) logContext(ctx context.Context, action string) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER", "HOSTWINDS_API"))
	ctx = tflog.SubsystemSetField(ctx, logSubsystem, "action", action)
	secrets := c.secrets.list()
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, secrets...)
	ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, secrets...)
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem, "API", "password", "configkey", "root_password")
	return ctx
}
