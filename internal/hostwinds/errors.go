package hostwinds

import (
	"errors"
	"fmt"
	"strings"
)

// Messages the API is known to send. The ERROR codes beside them are opaque, so the client
// matches on the message.
const (
	messageNotFound      = "A valid serviceid is required."
	messageNotAuthorized = "Not Authorized!"
	messageInvalidAction = "Invalid Action."
)

// APIError is a failed call: an element with "result":"error", a non-2xx status, or a body
// that is not JSON.
type APIError struct {
	Action     string
	HTTPStatus int
	Message    string
	// Code is the response's ERROR field, empty when there was none.
	Code string
	// Body is the start of a body that was not JSON, so a proxy's error page can be recognised.
	Body string
	// Attempts is how many times the request was sent, retries included.
	Attempts int
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hostwinds API action %s failed", e.Action)
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.HTTPStatus)
		if e.Attempts > 1 {
			fmt.Fprintf(&b, " after %d attempts", e.Attempts)
		}
		b.WriteString(")")
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " [ERROR %s]", e.Code)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, "; the body starts with %q", e.Body)
	}
	switch {
	case e.unauthorized():
		b.WriteString(". The API key was rejected: it is wrong, or it has expired (keys expire one year" +
			" after they are created), or this machine's public IPv4 address is not on the key's" +
			" allow-list. Requests must leave over IPv4; add this machine's address in the Hostwinds" +
			" client area, or create a new key")
	case e.HTTPStatus == 429 || e.HTTPStatus == 503:
		b.WriteString(". The API is limiting requests or is unavailable, and the retries ran out. Apply again later," +
			" or raise max_retries or lower requests_per_second in the provider configuration")
	case e.invalidAction():
		b.WriteString(". The API no longer knows this action, so it no longer matches what this provider" +
			" expects; check for a newer provider release, and see the API coverage guide for the" +
			" actions whose names are assumed")
	}
	return b.String()
}

func (e *APIError) notFound() bool {
	return strings.Contains(strings.ToLower(e.Message), strings.ToLower(messageNotFound))
}

func (e *APIError) unauthorized() bool {
	return e.Message == messageNotAuthorized || e.HTTPStatus == 401 || e.HTTPStatus == 403
}

func (e *APIError) invalidAction() bool {
	return e.Message == messageInvalidAction
}

// IsNotFound reports whether err means the instance does not exist or belongs to another key.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.notFound()
}

// IsUnauthorized reports whether err is the API rejecting the key or the caller's address.
func IsUnauthorized(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.unauthorized()
}

// IsInvalidAction reports whether err means the API does not know the action.
func IsInvalidAction(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.invalidAction()
}

// IsOutcomeUnknown reports whether a mutating call failed in a way that leaves open whether the API
// carried it out: a transport error, a timeout or a 5xx other than 503. Callers reconcile by
// reading the current state before they decide to send the change again.
func IsOutcomeUnknown(err error) bool {
	var uncertain *UncertainError
	return errors.As(err, &uncertain)
}

// UncertainError wraps the failure of a mutating call whose effect is unknown.
type UncertainError struct {
	Action string
	Err    error
}

func (e *UncertainError) Error() string {
	return fmt.Sprintf("Hostwinds API action %s may or may not have been carried out: %v", e.Action, e.Err)
}

func (e *UncertainError) Unwrap() error { return e.Err }
