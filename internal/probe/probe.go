// Package probe checks the provider's assumptions about the Hostwinds API against a live
// account without changing anything: that every action the provider calls exists, and that
// the reads return the shape the client decodes.
package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// Status classifies the outcome for one action.
type Status string

// Outcomes of a probe. StatusUnknownAction, StatusUnexpected and StatusShapeMismatch are
// failures.
const (
	StatusExists        Status = "exists"
	StatusExpectedShape Status = "expected_shape"
	StatusUnknownAction Status = "unknown_action"
	StatusUnexpected    Status = "unexpected"
	StatusShapeMismatch Status = "shape_mismatch"
	StatusNotProbed     Status = "not_probed"
)

// Result is the outcome for one action of hostwinds.Actions.
type Result struct {
	Action   string             `json:"action"`
	Evidence hostwinds.Evidence `json:"evidence"`
	Status   Status             `json:"status"`
	// Detail is the outcome in words, as the table prints it.
	Detail string `json:"result"`
}

// Failed reports whether the result shows that an assumption of the provider is wrong.
func (r Result) Failed() bool {
	switch r.Status {
	case StatusUnknownAction, StatusUnexpected, StatusShapeMismatch:
		return true
	default:
		return false
	}
}

// AnyFailed reports whether any result failed.
func AnyFailed(results []Result) bool {
	for _, r := range results {
		if r.Failed() {
			return true
		}
	}
	return false
}

// AuthorizationError stops a probe run: the API rejected the key, so no other action can be
// checked.
type AuthorizationError struct {
	Action string
	Err    error
}

func (e *AuthorizationError) Error() string {
	return fmt.Sprintf("the probe stopped at action %s because the API rejected the key, so no further action was checked: %v", e.Action, e.Err)
}

func (e *AuthorizationError) Unwrap() error { return e.Err }

// Reasons given for the actions that are not sent.
const (
	reasonMutating     = "not probed: no request can be built that cannot create or change something"
	reasonNotAllowed   = "not probed: not on the probe's allow-list of requests that cannot change anything"
	reasonNoShapeCheck = "not probed: the probe has no shape check for this read"
)

// Run checks every action of hostwinds.Actions, in the table's order, and sends requests only
// through the allow-list guard. It stops with an *AuthorizationError when the API rejects the
// key, and with the context's error when ctx ends. In both cases it also returns the results
// gathered so far.
func Run(ctx context.Context, caller Caller) ([]Result, error) {
	g := guard{caller: caller}
	results := make([]Result, 0, len(hostwinds.Actions))
	for _, info := range hostwinds.Actions {
		result, err := probeAction(ctx, g, info)
		if err != nil {
			return results, err
		}
		results = append(results, result)
	}
	return results, nil
}

func probeAction(ctx context.Context, g guard, info hostwinds.ActionInfo) (Result, error) {
	result := Result{Action: info.Name, Evidence: info.Evidence}
	params, isAllowed := allowedRequests[info.Name]
	_, hasShapeCheck := shapeChecks[info.Name]

	switch {
	case info.TakesServiceID && isAllowed:
		return probeExistence(ctx, g, result, cloneValues(params))
	case info.TakesServiceID:
		result.Status, result.Detail = StatusNotProbed, reasonNotAllowed
	case !info.ReadOnly:
		result.Status, result.Detail = StatusNotProbed, reasonMutating
	case !isAllowed:
		result.Status, result.Detail = StatusNotProbed, reasonNotAllowed
	case !hasShapeCheck:
		result.Status, result.Detail = StatusNotProbed, reasonNoShapeCheck
	default:
		return probeRead(ctx, g, result, cloneValues(params))
	}
	return result, nil
}

// probeExistence sends the action with serviceid 0. Only the not-found message proves that
// the action exists.
func probeExistence(ctx context.Context, g guard, result Result, params url.Values) (Result, error) {
	err := g.send(ctx, result.Action, params, nil)
	if err == nil {
		result.Status = StatusUnexpected
		result.Detail = "unexpected response: the API reported success for serviceid 0"
		return result, nil
	}
	if hostwinds.IsNotFound(err) {
		result.Status, result.Detail = StatusExists, "exists"
		return result, nil
	}
	return classifyError(ctx, result, err)
}

// probeRead sends a read and compares its success value with the shape the client decodes.
func probeRead(ctx context.Context, g guard, result Result, params url.Values) (Result, error) {
	var success json.RawMessage
	if err := g.send(ctx, result.Action, params, &success); err != nil {
		return classifyError(ctx, result, err)
	}
	mismatch, note := shapeChecks[result.Action](success)
	if mismatch != "" {
		result.Status = StatusShapeMismatch
		result.Detail = "answer differs from the assumed shape: " + mismatch
		return result, nil
	}
	result.Status = StatusExpectedShape
	result.Detail = "answer has the expected shape"
	if note != "" {
		result.Detail += " (" + note + ")"
	}
	return result, nil
}

// classifyError turns a failed request into a result, or into an error that stops the run.
func classifyError(ctx context.Context, result Result, err error) (Result, error) {
	var refused *RefusedError
	switch {
	case errors.As(err, &refused):
		// Run picks its parameters from the allow-list, so a refusal is a bug in the probe.
		return result, err
	case hostwinds.IsUnauthorized(err):
		return result, &AuthorizationError{Action: result.Action, Err: err}
	case ctx.Err() != nil:
		return result, fmt.Errorf("the probe stopped at action %s: %w", result.Action, ctx.Err())
	case hostwinds.IsInvalidAction(err):
		result.Status, result.Detail = StatusUnknownAction, "unknown action"
		return result, nil
	}

	result.Status = StatusUnexpected
	var apiErr *hostwinds.APIError
	if !errors.As(err, &apiErr) {
		// A transport failure after the client's retries. The other actions may still get
		// through, so the run goes on.
		result.Detail = "request failed: " + err.Error()
		return result, nil
	}
	result.Detail = "unexpected response: " + describeAPIError(apiErr)
	return result, nil
}

// describeAPIError returns the API's message with the HTTP status when it was not 200, and
// the start of a body that was not JSON.
func describeAPIError(e *hostwinds.APIError) string {
	text := e.Message
	if text == "" {
		text = "an error without a message"
	}
	if e.Code != "" {
		text += fmt.Sprintf(" [ERROR %s]", e.Code)
	}
	if e.HTTPStatus != 0 && e.HTTPStatus != http.StatusOK {
		text += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	if e.Body != "" {
		text += fmt.Sprintf("; the body starts with %q", e.Body)
	}
	return text
}

// cloneValues copies params, so that no request can change the allow-list's own values.
func cloneValues(params url.Values) url.Values {
	out := make(url.Values, len(params))
	for k, v := range params {
		out[k] = append([]string(nil), v...)
	}
	return out
}
