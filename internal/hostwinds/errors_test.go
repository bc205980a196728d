package hostwinds

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestIsNotFound(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK,
		`[{"result":"error","action":"Get Instance","message":"A valid serviceid is required.","ERROR":"4402"}]`))
	c := newTestClient(t, api.URL())

	_, err := c.GetInstance(context.Background(), 999)

	if !IsNotFound(err) {
		t.Errorf("IsNotFound(%v) = false, want true", err)
	}
	if IsUnauthorized(err) {
		t.Errorf("IsUnauthorized(%v) = true, want false", err)
	}
}

func TestIsNotFoundWrapped(t *testing.T) {
	err := fmt.Errorf("reading instance 999: %w", &APIError{Action: ActionGetInstance, Message: messageNotFound})

	if !IsNotFound(err) {
		t.Errorf("IsNotFound(%v) = false, want true through a wrapping error", err)
	}
}

func TestIsNotFoundOtherError(t *testing.T) {
	err := &APIError{Action: ActionGetInstance, Message: "Server is locked."}

	if IsNotFound(err) {
		t.Errorf("IsNotFound(%v) = true, want false", err)
	}
	if IsNotFound(nil) {
		t.Error("IsNotFound(nil) = true, want false")
	}
}

func TestIsUnauthorized(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, `{"result":"error","action":"Authorization","message":"Not Authorized!"}`))
	c := newTestClient(t, api.URL())

	_, err := c.GetInstance(context.Background(), 1234)

	if !IsUnauthorized(err) {
		t.Fatalf("IsUnauthorized(%v) = false, want true", err)
	}
	message := err.Error()
	if !strings.Contains(message, "IPv4") {
		t.Errorf("error %q does not mention IPv4", message)
	}
	if !strings.Contains(message, "allow-list") {
		t.Errorf("error %q does not mention the allow-list", message)
	}
	if !strings.Contains(message, "expired") {
		t.Errorf("error %q does not mention key expiry", message)
	}
}

func TestIsUnauthorizedStatus(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		err := &APIError{Action: ActionGetInstance, HTTPStatus: status, Message: http.StatusText(status)}

		if !IsUnauthorized(err) {
			t.Errorf("IsUnauthorized for HTTP %d = false, want true", status)
		}
	}
}

func TestIsInvalidAction(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK,
		`[{"result":"error","action":"Invalid Action","message":"Invalid Action.","ERROR":6734}]`))
	c := newTestClient(t, api.URL())

	err := c.AddIP(context.Background(), 1234)

	if !IsInvalidAction(err) {
		t.Fatalf("IsInvalidAction(%v) = false, want true", err)
	}
	if !strings.Contains(err.Error(), "add_ip") {
		t.Errorf("error %q does not name the action", err)
	}
	if !strings.Contains(err.Error(), "6734") {
		t.Errorf("error %q does not show ERROR 6734", err)
	}
	if IsNotFound(err) {
		t.Errorf("IsNotFound(%v) = true, want false", err)
	}
}

func TestAPIErrorMessage(t *testing.T) {
	err := &APIError{Action: "boot", HTTPStatus: 200, Message: "Server is locked.", Code: "4411"}

	want := "Hostwinds API action boot failed (HTTP 200): Server is locked. [ERROR 4411]"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestUncertainErrorUnwraps(t *testing.T) {
	inner := &APIError{Action: ActionTerminate, HTTPStatus: 500}
	err := error(&UncertainError{Action: ActionTerminate, Err: inner})

	if !IsOutcomeUnknown(err) {
		t.Errorf("IsOutcomeUnknown(%v) = false, want true", err)
	}
	if IsOutcomeUnknown(inner) {
		t.Errorf("IsOutcomeUnknown(%v) = true for a plain API error, want false", inner)
	}
	if !strings.Contains(err.Error(), "may or may not have been carried out") {
		t.Errorf("error %q does not say the outcome is unknown", err)
	}
}
