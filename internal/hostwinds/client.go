// Package hostwinds is a client for the Hostwinds Cloud API: form POSTs to one endpoint, three
// response shapes, bounded retries and a process-wide request rate limit.
package hostwinds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// DefaultEndpoint is the URL of the API script.
const DefaultEndpoint = "https://clients.hostwinds.com/cloud/api.php"

// Defaults used when Config leaves a value at zero.
const (
	DefaultMaxRetries        = 5
	DefaultRequestsPerSecond = 10
	DefaultRequestTimeout    = 60 * time.Second
)

// Config holds the settings of a Client.
type Config struct {
	Endpoint string
	APIKey   string
	// MaxRetries is how many times one request may be resent; 0 takes DefaultMaxRetries and a
	// negative value disables retries.
	MaxRetries int
	// RequestsPerSecond sets the process-wide limit; 0 takes DefaultRequestsPerSecond.
	RequestsPerSecond float64
	// RequestTimeout bounds one HTTP attempt; 0 takes DefaultRequestTimeout.
	RequestTimeout time.Duration
	UserAgent      string
	// RetryWaitMin and RetryWaitMax bound the wait between attempts when the response carries no
	// Retry-After header; zero takes 1 s and 30 s.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
}

// Client calls the Hostwinds API. It is safe for concurrent use.
type Client struct {
	endpoint  string
	apiKey    string
	userAgent string
	http      *retryablehttp.Client
	limiter   *rate.Limiter
	secrets   *secretSet
	cache     *readCache
}

// processLimiter is shared by every Client in the process, so all the resources of one
// Terraform run draw from one request budget.
var processLimiter = rate.NewLimiter(DefaultRequestsPerSecond, 1)

// New returns a Client for cfg. It sets the process-wide rate limit to cfg.RequestsPerSecond.
func New(cfg Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("the Hostwinds API key is empty")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	endpoint, err := url.Parse(cfg.Endpoint)
	if err != nil || (endpoint.Scheme != "http" && endpoint.Scheme != "https") || endpoint.Host == "" {
		return nil, fmt.Errorf("invalid Hostwinds API endpoint %q: it must be an absolute http or https URL such as %s", cfg.Endpoint, DefaultEndpoint)
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RequestsPerSecond <= 0 {
		cfg.RequestsPerSecond = DefaultRequestsPerSecond
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = time.Second
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 30 * time.Second
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-hostwinds"
	}

	// A burst of one keeps every one-second window at about RequestsPerSecond requests. A
	// burst equal to the rate would let twice that many through after an idle second.
	processLimiter.SetLimit(rate.Limit(cfg.RequestsPerSecond))
	processLimiter.SetBurst(1)

	c := &Client{
		endpoint:  endpoint.String(),
		apiKey:    cfg.APIKey,
		userAgent: cfg.UserAgent,
		limiter:   processLimiter,
		secrets:   newSecretSet(cfg.APIKey),
		cache:     newReadCache(),
	}
	c.http = &retryablehttp.Client{
		HTTPClient:   newHTTPClient(endpoint, cfg.RequestTimeout),
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      cappedBackoff,
		// The last response is kept so that the final error reports what the API returned.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		// The client logs through tflog itself, with secrets removed.
		Logger: nil,
		// A resend draws from the process-wide limit like a first attempt, so that retries
		// after 429 responses do not push the request rate above RequestsPerSecond. If the
		// context ends during the wait, the attempt fails on the context at once.
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if attempt > 0 {
				_ = c.limiter.Wait(req.Context())
			}
		},
	}
	return c, nil
}

// newHTTPClient dials IPv4 unless the endpoint is an IPv6 literal, because Hostwinds allow-lists
// keys by IPv4 address and responds "Not Authorized!" to a request that leaves over IPv6.
func newHTTPClient(endpoint *url.URL, timeout time.Duration) *http.Client {
	network := "tcp4"
	if ip := net.ParseIP(endpoint.Hostname()); ip != nil && ip.To4() == nil {
		network = "tcp6"
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = http.ProxyFromEnvironment
	transport.DialContext = func(ctx context.Context, _, addr string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, addr)
	}
	transport.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: transport, Timeout: timeout}
}

// Endpoint returns the API URL the client sends to.
func (c *Client) Endpoint() string { return c.endpoint }

// AddSecret makes the client mask value in every log line, for secrets such as a root
// password that the provider learns after the client was made.
func (c *Client) AddSecret(value string) { c.secrets.add(value) }

// resultElement is one element of a result-list response.
type resultElement struct {
	Result  string `json:"result"`
	Action  string `json:"action"`
	Message string `json:"message"`
	Code    any    `json:"ERROR"`
}

// call sends action with params and decodes a read response's "success" value into out, which
// may be nil for actions that respond with a result list.
func (c *Client) call(ctx context.Context, action string, params url.Values, out any) error {
	ctx = c.logContext(ctx, action)
	info := actionInfo(action)

	form := url.Values{}
	for k, v := range params {
		form[k] = v
	}
	form.Set("action", action)
	form.Set("API", c.apiKey)
	body := []byte(form.Encode())

	if err := c.waitForLimiter(ctx, action); err != nil {
		return err
	}
	if !info.ReadOnly {
		// Dropped before and after the call: a read that overlaps the change must not
		// refill the cache with the old response.
		c.cache.invalidate(params.Get("serviceid"))
		defer c.cache.invalidate(params.Get("serviceid"))
	}

	tflog.SubsystemDebug(ctx, logSubsystem, "Sending Hostwinds API request", map[string]any{
		"parameters": c.secrets.redactForm(params),
	})
	started := time.Now()

	attempt := &attemptState{info: info}
	req, err := retryablehttp.NewRequestWithContext(withAttemptState(ctx, attempt), http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building the request for Hostwinds API action %s: %w", action, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = fmt.Errorf("%w (waited %s, %d attempt(s))", ctxErr, time.Since(started).Round(time.Millisecond), attempt.count)
		} else if attempt.deadlineWait > 0 {
			err = fmt.Errorf("%w; not retried because the wait of %s would pass the deadline: %w",
				err, attempt.deadlineWait, context.DeadlineExceeded)
		}
		err = fmt.Errorf("Hostwinds API action %s failed: %w", action, c.secrets.redactError(err))
		if !info.ReadOnly {
			return &UncertainError{Action: action, Err: err}
		}
		return err
	}
	defer resp.Body.Close()

	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		err = fmt.Errorf("Hostwinds API action %s: reading the response failed: %w", action, err)
		if !info.ReadOnly {
			return &UncertainError{Action: action, Err: err}
		}
		return err
	}

	tflog.SubsystemDebug(ctx, logSubsystem, "Received Hostwinds API response", map[string]any{
		"http_status": resp.StatusCode,
		"duration_ms": time.Since(started).Milliseconds(),
		"attempts":    attempt.count,
	})
	tflog.SubsystemTrace(ctx, logSubsystem, "Hostwinds API response body", map[string]any{
		"body": c.secrets.redactBody(raw),
	})

	err = decodeResponse(action, resp.StatusCode, raw, out)
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		apiErr.Attempts = attempt.count
	}
	if err != nil && attempt.deadlineWait > 0 {
		// The API asked for a wait that does not fit the caller's deadline, so report the
		// deadline as the reason as well as the last response.
		err = fmt.Errorf("%w; not retried because the wait of %s would pass the deadline: %w",
			err, attempt.deadlineWait, context.DeadlineExceeded)
	}
	if err != nil && !info.ReadOnly && resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable {
		// A 5xx other than 503 can come after the API did the work, so the caller must look
		// before it sends the change again.
		return &UncertainError{Action: action, Err: err}
	}
	return err
}

// waitForLimiter blocks until the process-wide limiter allows one more request.
func (c *Client) waitForLimiter(ctx context.Context, action string) error {
	reservation := c.limiter.Reserve()
	delay := reservation.Delay()
	if delay == 0 {
		return nil
	}
	if delay > 100*time.Millisecond {
		tflog.SubsystemDebug(ctx, logSubsystem, "Waiting for the request rate limit", map[string]any{
			"wait_ms": delay.Milliseconds(),
		})
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		reservation.Cancel()
		return fmt.Errorf("Hostwinds API action %s: waiting for the request rate limit: %w", action, ctx.Err())
	}
}

// decodeResponse turns the three response shapes into out or an *APIError.
func decodeResponse(action string, status int, raw []byte, out any) error {
	trimmed := bytes.TrimSpace(raw)
	fail := func(message, code string) error {
		return &APIError{Action: action, HTTPStatus: status, Message: message, Code: code}
	}

	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') || !json.Valid(trimmed) {
		message := "the response is not JSON"
		if status < 200 || status > 299 {
			// A proxy's error page, whose status is more useful than the body's format.
			message = http.StatusText(status)
		}
		return &APIError{Action: action, HTTPStatus: status, Message: message, Body: bodyStart(trimmed)}
	}

	if trimmed[0] == '[' {
		var elements []resultElement
		if err := json.Unmarshal(trimmed, &elements); err != nil {
			return fail(fmt.Sprintf("the response is not a result list: %v", err), "")
		}
		for _, e := range elements {
			if strings.EqualFold(e.Result, "error") {
				return fail(e.Message, codeString(e.Code))
			}
		}
		if status < 200 || status > 299 {
			return fail(http.StatusText(status), "")
		}
		if out != nil {
			if list, ok := out.(*[]ResultMessage); ok {
				for _, e := range elements {
					*list = append(*list, ResultMessage{Action: e.Action, Message: e.Message})
				}
				return nil
			}
			return fail("expected a read response with a success value, got a result list", "")
		}
		return nil
	}

	var object map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &object); err != nil {
		return fail(fmt.Sprintf("the response is not a JSON object: %v", err), "")
	}
	if resultRaw, ok := object["result"]; ok {
		var e resultElement
		_ = json.Unmarshal(trimmed, &e)
		var result string
		_ = json.Unmarshal(resultRaw, &result)
		if strings.EqualFold(result, "error") {
			return fail(e.Message, codeString(e.Code))
		}
	}
	if status < 200 || status > 299 {
		return fail(http.StatusText(status), "")
	}
	success, ok := object["success"]
	if !ok {
		if _, isResult := object["result"]; isResult && out == nil {
			return nil
		}
		return fail("the response has no success value", "")
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(success, out); err != nil {
		return fail(fmt.Sprintf("the success value does not have the expected shape: %v", err), "")
	}
	return nil
}

// ResultMessage is one element of a successful result-list response.
type ResultMessage struct {
	Action  string
	Message string
}

func codeString(code any) string {
	switch v := code.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprint(v)
	}
}

func bodyStart(raw []byte) string {
	const limit = 200
	s := strings.ToValidUTF8(string(raw), "?")
	if len(s) > limit {
		s = s[:limit] + "..."
	}
	return s
}
