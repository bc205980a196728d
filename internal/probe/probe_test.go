package probe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

func TestGuardRefusesOutsideAllowList(t *testing.T) {
	cases := []struct {
		name   string
		action string
		params url.Values
	}{
		{"add_instance", hostwinds.ActionAddInstance, url.Values{"template": {mockserver.ImageUbuntu2404}, "rid": {"301"}, "location_id": {"1"}}},
		{"add_instance without parameters", hostwinds.ActionAddInstance, url.Values{}},
		{"add_firewall_profile", hostwinds.ActionAddFirewallProfile, url.Values{"name": {"x"}}},
		{"edit_firewall_profile", hostwinds.ActionEditFirewallProfile, url.Values{"id": {"0"}}},
		{"delete_firewall_profile", hostwinds.ActionDeleteFirewallProfile, url.Values{"id": {"0"}}},
		{"action missing from the table", "add_ssh_key", url.Values{"name": {"k"}}},
		{"boot of a real serviceid", hostwinds.ActionBoot, url.Values{"serviceid": {"1000"}}},
		{"terminate without serviceid", hostwinds.ActionTerminate, url.Values{}},
		{"change_password with a password", hostwinds.ActionChangePassword, url.Values{"serviceid": {"0"}, "password": {"x"}}},
		{"set_rdns with two serviceids", hostwinds.ActionSetRDNS, url.Values{"serviceid": {"0", "1000"}}},
		{"get_instance_ids without limit", hostwinds.ActionGetInstanceIDs, url.Values{}},
		{"get_smtp_filters of an instance", hostwinds.ActionGetSMTPFilters, url.Values{"serviceid": {"1000"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			caller := &recordingCaller{}
			err := guard{caller: caller}.send(context.Background(), c.action, c.params, nil)

			var refused *RefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("err = %v, want a *RefusedError", err)
			}
			if refused.Action != c.action {
				t.Errorf("refused action = %q, want %q", refused.Action, c.action)
			}
			if len(caller.actions) != 0 {
				t.Errorf("the guard passed %v to the client", caller.actions)
			}
		})
	}
}

func TestGuardPassesAllowedRequests(t *testing.T) {
	caller := &recordingCaller{}
	g := guard{caller: caller}
	ctx := context.Background()

	if err := g.send(ctx, hostwinds.ActionTerminate, url.Values{"serviceid": {"0"}}, nil); err != nil {
		t.Errorf("terminate with serviceid 0: %v", err)
	}
	if err := g.send(ctx, hostwinds.ActionGetPriceList, url.Values{"managed": {"0"}}, nil); err != nil {
		t.Errorf("get_price_list with managed=0: %v", err)
	}
	if err := g.send(ctx, hostwinds.ActionGetLocations, nil, nil); err != nil {
		t.Errorf("get_locations without parameters: %v", err)
	}
	want := []string{hostwinds.ActionTerminate, hostwinds.ActionGetPriceList, hostwinds.ActionGetLocations}
	if !reflect.DeepEqual(caller.actions, want) {
		t.Errorf("sent %v, want %v", caller.actions, want)
	}
}

func TestGuardRefusalSendsNothing(t *testing.T) {
	srv := startMock(t, mockserver.Config{})
	proxy := startProxy(t, srv, nil)
	client := newClient(t, proxy.URL(), mockserver.DefaultAPIKey)

	err := guard{caller: client}.send(context.Background(), hostwinds.ActionAddInstance,
		url.Values{"template": {mockserver.ImageUbuntu2404}, "rid": {"301"}, "location_id": {"1"}}, nil)

	var refused *RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("err = %v, want a *RefusedError", err)
	}
	if !strings.Contains(err.Error(), "not on the probe's allow-list") {
		t.Errorf("message %q does not name the allow-list", err)
	}
	if n := len(proxy.Forms()); n != 0 {
		t.Errorf("%d requests reached the server, want 0", n)
	}
	if n := len(srv.Instances()); n != 0 {
		t.Errorf("the mock holds %d instances, want 0", n)
	}
}

func TestAllowListMatchesActionTable(t *testing.T) {
	inTable := map[string]hostwinds.ActionInfo{}
	for _, info := range hostwinds.Actions {
		inTable[info.Name] = info
	}
	for name, params := range allowedRequests {
		info, ok := inTable[name]
		if !ok {
			t.Errorf("allow-listed action %s is not in hostwinds.Actions", name)
			continue
		}
		switch {
		case info.TakesServiceID:
			if params.Encode() != zeroServiceID.Encode() {
				t.Errorf("%s takes a serviceid but is allow-listed with %q, want serviceid=0 only", name, params.Encode())
			}
		case !info.ReadOnly:
			t.Errorf("%s changes something and takes no serviceid, so it must not be on the allow-list", name)
		}
	}
	for _, info := range hostwinds.Actions {
		_, isAllowed := allowedRequests[info.Name]
		if info.TakesServiceID && !isAllowed {
			t.Errorf("%s takes a serviceid but is missing from the allow-list", info.Name)
		}
		if info.ReadOnly && !info.TakesServiceID {
			if !isAllowed {
				t.Errorf("read %s is missing from the allow-list", info.Name)
			}
			if _, ok := shapeChecks[info.Name]; !ok {
				t.Errorf("read %s has no shape check", info.Name)
			}
		}
	}
}

func TestRunAgainstMockFindsEveryAction(t *testing.T) {
	srv := startMock(t, mockserver.Config{})
	proxy := startProxy(t, srv, nil)
	client := newClient(t, proxy.URL(), mockserver.DefaultAPIKey)
	id := seedAccount(t, srv, client)
	instanceBefore, _ := srv.Instance(id)
	ipsBefore := srv.InstanceIPs(id)
	profilesBefore := srv.FirewallProfiles()
	sentBefore := len(proxy.Forms())

	results, err := Run(context.Background(), client)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	if len(results) != len(hostwinds.Actions) {
		t.Fatalf("got %d results, want one for each of the %d actions", len(results), len(hostwinds.Actions))
	}
	for i, info := range hostwinds.Actions {
		r := results[i]
		if r.Action != info.Name || r.Evidence != info.Evidence {
			t.Errorf("result %d = %s (%s), want %s (%s)", i, r.Action, r.Evidence, info.Name, info.Evidence)
		}
		switch {
		case info.TakesServiceID:
			if r.Status != StatusExists || r.Detail != "exists" {
				t.Errorf("%s: %s %q, want exists", r.Action, r.Status, r.Detail)
			}
		case info.ReadOnly:
			if r.Status != StatusExpectedShape || r.Detail != "answer has the expected shape" {
				t.Errorf("%s: %s %q, want the expected shape without a note", r.Action, r.Status, r.Detail)
			}
		default:
			if r.Status != StatusNotProbed || r.Detail != reasonMutating {
				t.Errorf("%s: %s %q, want not probed because it changes something", r.Action, r.Status, r.Detail)
			}
		}
	}
	if AnyFailed(results) {
		t.Error("AnyFailed = true, want false")
	}

	// The mock counts every call of a mutating action, including those that failed, so the
	// serviceid 0 probes show in MutatingCalls. What must hold is that each of them carried
	// serviceid 0 and nothing else, and that the account is unchanged.
	mutatingProbes := 0
	for _, form := range proxy.Forms()[sentBefore:] {
		action := form.Get("action")
		for _, info := range hostwinds.Actions {
			if info.Name != action || info.ReadOnly {
				continue
			}
			mutatingProbes++
			want := url.Values{"action": {action}, "API": {mockserver.DefaultAPIKey}, "serviceid": {"0"}}
			if !reflect.DeepEqual(form, want) {
				t.Errorf("mutating action %s was sent with %q, want serviceid=0 only", action, form.Encode())
			}
		}
	}
	if got := srv.MutatingCalls(); got != mutatingProbes {
		t.Errorf("MutatingCalls = %d, want %d, the number of serviceid 0 probes of mutating actions", got, mutatingProbes)
	}
	if mutatingProbes == 0 {
		t.Error("no serviceid 0 probe of a mutating action was sent")
	}
	if instanceAfter, _ := srv.Instance(id); !reflect.DeepEqual(instanceAfter, instanceBefore) {
		t.Errorf("instance changed:\nbefore %+v\nafter  %+v", instanceBefore, instanceAfter)
	}
	if ipsAfter := srv.InstanceIPs(id); !reflect.DeepEqual(ipsAfter, ipsBefore) {
		t.Errorf("addresses changed: before %+v, after %+v", ipsBefore, ipsAfter)
	}
	if profilesAfter := srv.FirewallProfiles(); !reflect.DeepEqual(profilesAfter, profilesBefore) {
		t.Errorf("firewall profiles changed: before %+v, after %+v", profilesBefore, profilesAfter)
	}
	if n := len(srv.Instances()); n != 1 {
		t.Errorf("the mock holds %d instances, want 1", n)
	}
}

func TestRunEmptyAccountNotesUncheckedFields(t *testing.T) {
	srv := startMock(t, mockserver.Config{})
	client := newClient(t, srv.URL(), mockserver.DefaultAPIKey)

	results, err := Run(context.Background(), client)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	byAction := resultsByAction(results)
	for _, action := range []string{hostwinds.ActionGetInstances, hostwinds.ActionGetInstanceIDs, hostwinds.ActionGetSMTPFilters} {
		want := "answer has the expected shape (" + emptyNote + ")"
		if got := byAction[action].Detail; got != want {
			t.Errorf("%s: %q, want %q", action, got, want)
		}
	}
	if got := byAction[hostwinds.ActionGetLocations].Detail; got != "answer has the expected shape" {
		t.Errorf("get_locations: %q, want the expected shape without a note", got)
	}
	if AnyFailed(results) {
		t.Error("AnyFailed = true, want false")
	}
}

func TestRunReportsUnknownActions(t *testing.T) {
	srv := startMock(t, mockserver.Config{})
	proxy := startProxy(t, srv, answerFor(map[string]string{
		hostwinds.ActionAddIP:        invalidActionAnswer,
		hostwinds.ActionGetLocations: invalidActionAnswer,
	}, nil))
	client := newClient(t, proxy.URL(), mockserver.DefaultAPIKey)

	results, err := Run(context.Background(), client)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	byAction := resultsByAction(results)
	for _, action := range []string{hostwinds.ActionAddIP, hostwinds.ActionGetLocations} {
		if r := byAction[action]; r.Status != StatusUnknownAction || r.Detail != "unknown action" || !r.Failed() {
			t.Errorf("%s: %s %q, want a failed unknown action", action, r.Status, r.Detail)
		}
	}
	if r := byAction[hostwinds.ActionDeleteIP]; r.Status != StatusExists {
		t.Errorf("delete_ip: %s %q, want exists", r.Status, r.Detail)
	}
	if !AnyFailed(results) {
		t.Error("AnyFailed = false, want true")
	}
}

func TestRunReportsUnexpectedAnswers(t *testing.T) {
	srv := startMock(t, mockserver.Config{})
	proxy := startProxy(t, srv, answerFor(map[string]string{
		hostwinds.ActionGetInstance:     `{"success":{}}`,
		hostwinds.ActionBoot:            `[{"result":"error","action":"Boot","message":"Service is suspended.","ERROR":"6790"}]`,
		hostwinds.ActionReboot:          `<html><body>Bad gateway</body></html>`,
		hostwinds.ActionGetPublicImages: `{"success":{"ubuntu":{"uuid":"u"}}}`,
		hostwinds.ActionGetLocations:    `{"success":[{"id":1,"name":"Seattle","country":"US"}]}`,
		hostwinds.ActionGetPriceList:    `{"success":[]}`,
	}, map[string]int{hostwinds.ActionReboot: http.StatusBadGateway}))
	client := newClient(t, proxy.URL(), mockserver.DefaultAPIKey)

	results, err := Run(context.Background(), client)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	byAction := resultsByAction(results)
	want := map[string]struct {
		status Status
		detail string
	}{
		hostwinds.ActionGetInstance:     {StatusUnexpected, "unexpected response: the API reported success for serviceid 0"},
		hostwinds.ActionBoot:            {StatusUnexpected, "unexpected response: Service is suspended. [ERROR 6790]"},
		hostwinds.ActionReboot:          {StatusUnexpected, `unexpected response: Bad Gateway (HTTP 502); the body starts with "<html><body>Bad gateway</body></html>"`},
		hostwinds.ActionGetPublicImages: {StatusShapeMismatch, "answer differs from the assumed shape: the success value is an object, not an array"},
		hostwinds.ActionGetLocations:    {StatusShapeMismatch, "answer differs from the assumed shape: missing fields: city"},
		hostwinds.ActionGetPriceList:    {StatusShapeMismatch, "answer differs from the assumed shape: the success value is an array, not an object keyed by option"},
	}
	for action, w := range want {
		r := byAction[action]
		if r.Status != w.status {
			t.Errorf("%s: status %s, want %s", action, r.Status, w.status)
		}
		if r.Detail != w.detail {
			t.Errorf("%s: result %q, want %q", action, r.Detail, w.detail)
		}
		if !r.Failed() {
			t.Errorf("%s: Failed = false, want true", action)
		}
	}
}

func TestRunStopsWhenKeyRejected(t *testing.T) {
	srv := startMock(t, mockserver.Config{APIKey: "another-key"})
	proxy := startProxy(t, srv, nil)
	client := newClient(t, proxy.URL(), mockserver.DefaultAPIKey)

	results, err := Run(context.Background(), client)

	var authErr *AuthorizationError
	if !errors.As(err, &authErr) {
		t.Fatalf("err = %v, want an *AuthorizationError", err)
	}
	if authErr.Action != hostwinds.Actions[0].Name {
		t.Errorf("stopped at %s, want the first action %s", authErr.Action, hostwinds.Actions[0].Name)
	}
	if !strings.Contains(err.Error(), "allow-list") || !strings.Contains(err.Error(), "IPv4") {
		t.Errorf("message %q does not explain the key's IPv4 allow-list", err)
	}
	if len(results) != 0 {
		t.Errorf("got %d results, want none", len(results))
	}
	if n := len(proxy.Forms()); n != 1 {
		t.Errorf("%d requests were sent, want 1: the run must stop at the first rejection", n)
	}
}

func TestRunStopsWhenContextEnds(t *testing.T) {
	srv := startMock(t, mockserver.Config{})
	client := newClient(t, srv.URL(), mockserver.DefaultAPIKey)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := Run(ctx, client)

	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := srv.TotalCalls(); n != 0 {
		t.Errorf("%d requests reached the mock, want 0", n)
	}
}

func TestRunReportsTransportFailures(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	endpoint := closed.URL + mockserver.APIPath
	closed.Close()
	client := newClient(t, endpoint, mockserver.DefaultAPIKey)

	results, err := Run(context.Background(), client)
	if err != nil {
		t.Fatalf("Run: %v, want the failures reported per action", err)
	}

	for _, r := range results {
		if r.Status == StatusNotProbed {
			continue
		}
		if r.Status != StatusUnexpected || !strings.HasPrefix(r.Detail, "request failed: ") {
			t.Errorf("%s: %s %q, want a failed request", r.Action, r.Status, r.Detail)
		}
	}
	if !AnyFailed(results) {
		t.Error("AnyFailed = false, want true")
	}
}
