package hostwinds

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

type attemptStateKey struct{}

// attemptState follows one logical request through its attempts.
type attemptState struct {
	info  ActionInfo
	mu    sync.Mutex
	count int
	// deadlineWait is the retry wait that was skipped because it would pass the context's
	// deadline, or zero.
	deadlineWait time.Duration
}

func withAttemptState(ctx context.Context, s *attemptState) context.Context {
	return context.WithValue(ctx, attemptStateKey{}, s)
}

// checkRetry decides whether an attempt is sent again:
//   - 429 and 503 are resent for every action, because the API rejects those before doing
//     any work, and the wait honours Retry-After;
//   - other 5xx responses and transport errors are resent only for read-only actions, because a
//     mutating action may already have been carried out;
//   - nothing is resent once the context is done.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	state, _ := ctx.Value(attemptStateKey{}).(*attemptState)
	if state == nil {
		return false, err
	}
	state.mu.Lock()
	state.count++
	attempt := state.count
	state.mu.Unlock()

	retry, reason := shouldRetry(state.info, resp, err)
	if !retry {
		return false, err
	}

	fields := map[string]any{
		"action":  state.info.Name,
		"attempt": attempt,
		"reason":  reason,
	}
	if attempt > c.http.RetryMax {
		tflog.SubsystemWarn(ctx, logSubsystem, "Giving up on Hostwinds API request after the last retry", fields)
		return true, err
	}
	wait := c.http.Backoff(c.http.RetryWaitMin, c.http.RetryWaitMax, attempt-1, resp)
	fields["wait_ms"] = wait.Milliseconds()
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		tflog.SubsystemWarn(ctx, logSubsystem, "Not retrying Hostwinds API request: the wait would pass the operation's deadline", fields)
		state.mu.Lock()
		state.deadlineWait = wait
		state.mu.Unlock()
		return false, err
	}
	fields["max_retries"] = c.http.RetryMax
	tflog.SubsystemWarn(ctx, logSubsystem, "Retrying Hostwinds API request", fields)
	return true, err
}

// shouldRetry applies the retry rules to one attempt's outcome and names the reason.
func shouldRetry(info ActionInfo, resp *http.Response, err error) (bool, string) {
	if err != nil {
		if !info.ReadOnly {
			return false, ""
		}
		if permanentTransportError(err) {
			return false, ""
		}
		return true, redactURLError(err).Error()
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		return true, resp.Status
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		if info.ReadOnly {
			return true, resp.Status
		}
	}
	return false, ""
}

// permanentTransportError reports errors that another attempt cannot fix.
func permanentTransportError(err error) bool {
	var certErr *x509.UnknownAuthorityError
	if errors.As(err, &certErr) {
		return true
	}
	var invalidCert x509.CertificateInvalidError
	if errors.As(err, &invalidCert) {
		return true
	}
	var hostnameErr x509.HostnameError
	return errors.As(err, &hostnameErr)
}

// redactURLError drops the URL from a *url.Error: the endpoint is known and the message is
// shorter without it.
func redactURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

var _ retryablehttp.CheckRetry = (&Client{}).checkRetry

// maxRetryAfter caps the wait a Retry-After header can ask for, because go-retryablehttp's
// DefaultBackoff honours any value, and an operation without a deadline would otherwise hang
// for as long as a misbehaving proxy asks.
const maxRetryAfter = 2 * time.Minute

// cappedBackoff is retryablehttp.DefaultBackoff with Retry-After capped at maxRetryAfter.
func cappedBackoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	return min(retryablehttp.DefaultBackoff(minWait, maxWait, attemptNum, resp), maxRetryAfter)
}
