package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// rawPost sends a form request and returns the response or the transport error.
func rawPost(srv *mockserver.Server, action string, form url.Values) (*http.Response, []byte, error) {
	if form == nil {
		form = url.Values{}
	}
	form.Set("action", action)
	form.Set("API", testKey)
	// A fresh transport per call, so a dropped connection cannot be mistaken
	// for a stale pooled one.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.PostForm(srv.URL(), form)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func addForm(name string) url.Values {
	return values("template", mockserver.ImageUbuntu2404, "rid", "301", "location_id", "1", "srvrname", name)
}

func TestFaultStatusCodes(t *testing.T) {
	cases := []struct {
		kind       mockserver.FaultKind
		status     int
		retryAfter string
	}{
		{mockserver.FaultStatus503, http.StatusServiceUnavailable, "7"},
		{mockserver.FaultStatus429, http.StatusTooManyRequests, "7"},
		{mockserver.FaultHTML502, http.StatusBadGateway, ""},
	}
	for _, c := range cases {
		t.Run(string(c.kind), func(t *testing.T) {
			srv := startServer(t, mockserver.Config{})
			srv.InjectFault(mockserver.Fault{Action: "add_instance", Kind: c.kind, RetryAfter: 7})
			resp, body, err := rawPost(srv, "add_instance", addForm("x"))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d", resp.StatusCode, c.status)
			}
			if got := resp.Header.Get("Retry-After"); got != c.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, c.retryAfter)
			}
			if c.kind == mockserver.FaultHTML502 && !strings.Contains(string(body), "<html>") {
				t.Errorf("body is not HTML: %s", body)
			}
			if n := len(srv.Instances()); n != 0 {
				t.Errorf("faulted request was processed: %d instances", n)
			}
			// Count 0 means one hit: the retry goes through.
			mustSucceed(t, srv, "add_instance", addForm("x"))
			if srv.Calls("add_instance") != 2 {
				t.Errorf("Calls = %d, want 2", srv.Calls("add_instance"))
			}
		})
	}
}

func TestFaultRetryAfterDefault(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	srv.InjectFault(mockserver.Fault{Kind: mockserver.FaultStatus503})
	resp, _, err := rawPost(srv, "get_locations", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q, want 1", got)
	}
}

func TestFaultResultError(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	srv.InjectFault(mockserver.Fault{Action: "get_locations", Kind: mockserver.FaultResultError})
	mustFail(t, srv, "get_locations", nil, "Internal error.")
	srv.InjectFault(mockserver.Fault{Action: "add_instance", Kind: mockserver.FaultResultError, Message: "Hourly products are disabled! Please contact customer service."})
	mustFail(t, srv, "add_instance", addForm("x"), "Hourly products are disabled! Please contact customer service.")
	if n := len(srv.Instances()); n != 0 {
		t.Errorf("faulted request was processed: %d instances", n)
	}
}

func TestFaultCountAndClear(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	srv.InjectFault(mockserver.Fault{Kind: mockserver.FaultResultError, Count: 2})
	mustFail(t, srv, "get_locations", nil, "Internal error.")
	mustFail(t, srv, "get_public_images", nil, "Internal error.")
	var locations []mockserver.Location
	read(t, srv, "get_locations", nil, &locations)

	srv.InjectFault(mockserver.Fault{Kind: mockserver.FaultResultError, Count: -1})
	for range 3 {
		mustFail(t, srv, "get_locations", nil, "Internal error.")
	}
	srv.ClearFaults()
	read(t, srv, "get_locations", nil, &locations)

	srv.InjectFault(mockserver.Fault{Kind: mockserver.FaultResultError, Probability: 1})
	for range 3 {
		mustFail(t, srv, "get_locations", nil, "Internal error.")
	}
	srv.ClearFaults()
	srv.InjectFault(mockserver.Fault{Action: "add_instance", Kind: mockserver.FaultResultError})
	read(t, srv, "get_locations", nil, &locations) // another action is not hit
}

func TestFaultDelay(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	srv.InjectFault(mockserver.Fault{Kind: mockserver.FaultDelay, Delay: 200 * time.Millisecond})
	start := time.Now()
	mustSucceed(t, srv, "add_instance", addForm("slow"))
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Errorf("answered after %v, want at least 200ms", elapsed)
	}
	if n := len(srv.Instances()); n != 1 {
		t.Errorf("delayed request not processed: %d instances", n)
	}

	// A client that gives up during the delay leaves nothing behind.
	srv.InjectFault(mockserver.Fault{Kind: mockserver.FaultDelay, Delay: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	form := addForm("abandoned")
	form.Set("action", "add_instance")
	form.Set("API", testKey)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a deadline error, got %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(srv.Instances()); n != 1 {
		t.Errorf("cancelled request was processed: %d instances", n)
	}
}

func TestFaultConnReset(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	srv.InjectFault(mockserver.Fault{Action: "add_instance", Kind: mockserver.FaultConnReset})
	if _, _, err := rawPost(srv, "add_instance", addForm("reset")); err == nil {
		t.Fatal("request succeeded, want a transport error")
	}
	if n := len(srv.Instances()); n != 0 {
		t.Errorf("reset request was processed: %d instances", n)
	}
}

func TestFaultLostAnswer(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	srv.InjectFault(mockserver.Fault{Action: "add_instance", Kind: mockserver.FaultLostAnswer})
	if _, _, err := rawPost(srv, "add_instance", addForm("lost")); err == nil {
		t.Fatal("request succeeded, want a transport error")
	}
	instances := srv.Instances()
	if len(instances) != 1 || instances[0].SrvrName != "lost" {
		t.Errorf("lost answer: the request must still be processed, got %+v", instances)
	}
}

func TestFaultTaskError(t *testing.T) {
	srv := startServer(t, mockserver.Config{BuildDelay: 50 * time.Millisecond, TaskDelay: 50 * time.Millisecond})
	srv.InjectFault(mockserver.Fault{Kind: mockserver.FaultTaskError, Count: -1})

	var locations []mockserver.Location
	read(t, srv, "get_locations", nil, &locations) // not an instance task: passes
	mustSucceed(t, srv, "add_instance", addForm("broken"))
	inst := waitIdle(t, srv, 1000)
	if inst.Status != "ERROR" {
		t.Errorf("after build with task_error: status %s, want ERROR", inst.Status)
	}

	mustSucceed(t, srv, "reinstall_instance", values("serviceid", "1000", "template", mockserver.ImageDebian12))
	if inst = waitIdle(t, srv, 1000); inst.Status != "ERROR" {
		t.Errorf("after reinstall with task_error: status %s", inst.Status)
	}

	srv.ClearFaults()
	mustSucceed(t, srv, "reboot", sid(1000))
	if inst = waitIdle(t, srv, 1000); inst.Status != "ACTIVE" {
		t.Fatalf("reboot did not recover: %s", inst.Status)
	}
	mustSucceed(t, srv, "upgrade_instance", values("serviceid", "1000", "rid", "302"))
	srv.InjectFault(mockserver.Fault{Action: "upgrade_server", Kind: mockserver.FaultTaskError})
	mustSucceed(t, srv, "upgrade_server", sid(1000))
	if inst = waitIdle(t, srv, 1000); inst.Status != "ERROR" || inst.ProductID != 301 {
		t.Errorf("after resize with task_error: status %s plan %d", inst.Status, inst.ProductID)
	}
}

func TestRateLimit(t *testing.T) {
	srv := startServer(t, mockserver.Config{RequestsPerSecond: 2})
	codes := []int{}
	for range 3 {
		resp, _, err := rawPost(srv, "get_locations", nil)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "1" {
			t.Errorf("429 without Retry-After: 1")
		}
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Errorf("status codes %v, want [200 200 429]", codes)
	}
	time.Sleep(600 * time.Millisecond)
	if resp, _, err := rawPost(srv, "get_locations", nil); err != nil || resp.StatusCode != 200 {
		t.Errorf("after refill: %v %v", resp, err)
	}
}

func TestLatency(t *testing.T) {
	srv := startServer(t, mockserver.Config{Latency: 100 * time.Millisecond})
	start := time.Now()
	var locations []mockserver.Location
	read(t, srv, "get_locations", nil, &locations)
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond {
		t.Errorf("answered after %v, want at least 100ms", elapsed)
	}
}

func TestCallCounting(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "counted")
	mustSucceed(t, srv, "reboot", sid(id))
	mustFail(t, srv, "get_instance", sid(1), "A valid serviceid is required.")
	var o map[string]any
	read(t, srv, "check_upgrade_order", sid(id), &o)

	if got := srv.Calls("get_instance"); got != 1 {
		t.Errorf("get_instance calls %d, want 1", got)
	}
	if got := srv.MutatingCalls(); got != 2 {
		t.Errorf("MutatingCalls %d, want 2 (add_instance, reboot)", got)
	}
	if got := srv.TotalCalls(); got != 5 {
		t.Errorf("TotalCalls %d, want 5", got)
	}
	counts := srv.CallCounts()
	counts["reboot"] = 99
	if srv.Calls("reboot") != 1 {
		t.Errorf("CallCounts returned the live map")
	}
	srv.ResetCalls()
	if srv.TotalCalls() != 0 || srv.MutatingCalls() != 0 {
		t.Errorf("ResetCalls left counts")
	}
}

func TestUpdateInstanceBehindBack(t *testing.T) {
	srv := startServer(t, mockserver.Config{TaskDelay: time.Hour})
	id := createInstance(t, srv, "drift")

	snapshot, _ := srv.Instance(id)
	snapshot.SSHKeys = append(snapshot.SSHKeys, "mutated")
	if inst, _ := srv.Instance(id); len(inst.SSHKeys) != 0 {
		t.Errorf("Instance returned shared memory")
	}

	mustSucceed(t, srv, "shutdown", sid(id))
	ok := srv.UpdateInstance(id, func(inst *mockserver.Instance) {
		inst.SrvrName = "renamed-outside"
		inst.Status = "SHUTOFF"
		inst.PowerState = "Shutdown"
		inst.TaskState = nil
	})
	if !ok {
		t.Fatal("UpdateInstance: not found")
	}
	inst := getInstance(t, srv, id)
	if inst.SrvrName != "renamed-outside" || inst.Status != "SHUTOFF" || inst.TaskState != nil {
		t.Errorf("after UpdateInstance: %+v", inst)
	}
	if srv.UpdateInstance(424242, func(*mockserver.Instance) {}) {
		t.Errorf("UpdateInstance on an unknown id reported true")
	}
}

func TestRemoveIPBehindBack(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "drift-ip")
	mustSucceed(t, srv, "add_ip", sid(id))
	ips := srv.InstanceIPs(id)
	secondary := ips[2].IP

	if !srv.SetRDNS(id, secondary, "custom.example.com") || srv.InstanceIPs(id)[2].RDNS != "custom.example.com" {
		t.Errorf("SetRDNS did not apply")
	}
	if !srv.RemoveIP(id, ips[0].IP) {
		t.Fatal("RemoveIP: not found")
	}
	inst := getInstance(t, srv, id)
	if inst.MainIP != secondary {
		t.Errorf("main_ip %s, want the promoted %s", inst.MainIP, secondary)
	}
	if srv.RemoveIP(id, "203.0.113.1") {
		t.Errorf("RemoveIP of an unknown address reported true")
	}
	if !srv.DeleteInstance(id) {
		t.Fatal("DeleteInstance: not found")
	}
	mustFail(t, srv, "get_instance", sid(id), "A valid serviceid is required.")
}

func TestUpdateFirewallProfileBehindBack(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	ok := srv.UpdateFirewallProfile(1, func(p *mockserver.FirewallProfile) {
		p.Rules = nil
		p.ID = 77
	})
	if !ok {
		t.Fatal("UpdateFirewallProfile: not found")
	}
	profiles := srv.FirewallProfiles()
	if profiles[0].ID != 1 || len(profiles[0].Rules) != 0 {
		t.Errorf("profile after update: %+v", profiles[0])
	}
}

func TestControlInterface(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	base := strings.TrimSuffix(srv.URL(), mockserver.APIPath)
	createInstance(t, srv, "controlled")

	resp, err := http.Get(base + "/_mock/state")
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Instances        []mockserver.Instance        `json:"instances"`
		IPs              map[string][]mockserver.IP   `json:"ips"`
		FirewallProfiles []mockserver.FirewallProfile `json:"firewall_profiles"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(state.Instances) != 1 || len(state.IPs["1000"]) != 2 || len(state.FirewallProfiles) != 1 {
		t.Errorf("state %+v", state)
	}

	resp, err = http.Post(base+"/_mock/faults", "application/json",
		strings.NewReader(`{"action":"get_locations","kind":"result_error","message":"boom","count":1}`))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST faults: %v %v", resp, err)
	}
	mustFail(t, srv, "get_locations", nil, "boom")

	resp, _ = http.Post(base+"/_mock/faults", "application/json", strings.NewReader(`{"kind":"meltdown"}`))
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown kind: status %d, want 400", resp.StatusCode)
	}
	resp, _ = http.Post(base+"/_mock/faults", "application/json", strings.NewReader(`{"kind":"delay","delay":"1.5s"}`))
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("delay fault: status %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodDelete, base+"/_mock/faults", nil)
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE faults: %v %v", resp, err)
	}

	resp, err = http.Get(base + "/_mock/calls")
	if err != nil {
		t.Fatal(err)
	}
	var calls struct {
		Total   int            `json:"total"`
		Actions map[string]int `json:"actions"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&calls)
	resp.Body.Close()
	if calls.Actions["add_instance"] != 1 || calls.Total != srv.TotalCalls() {
		t.Errorf("calls %+v", calls)
	}

	if resp, err = http.Post(base+"/_mock/reset", "", nil); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("reset: %v %v", resp, err)
	}
	if len(srv.Instances()) != 0 || srv.TotalCalls() != 0 {
		t.Errorf("reset left state")
	}
	// The serviceid sequence starts again at 1000 after a reset.
	if id := createInstance(t, srv, "again"); id != 1000 {
		t.Errorf("serviceid after reset %d, want 1000", id)
	}
}

func TestListenRejectsNonLoopback(t *testing.T) {
	srv := mockserver.New(mockserver.Config{})
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0"} {
		if err := srv.Listen(addr); err == nil {
			srv.Close()
			t.Errorf("Listen(%q) succeeded", addr)
		}
	}
}

func TestConcurrentRequests(t *testing.T) {
	var logs strings.Builder
	var logMu sync.Mutex
	srv := startServer(t, mockserver.Config{Logger: log.New(lockedWriter{&logs, &logMu}, "", 0)})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _ = rawPost(srv, "add_instance", addForm("c"+itoa(i)))
			_, _, _ = rawPost(srv, "get_instances", nil)
			srv.Instances()
		}()
	}
	wg.Wait()
	if n := len(srv.Instances()); n != 8 {
		t.Errorf("got %d instances, want 8", n)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if strings.Contains(logs.String(), testKey) {
		t.Errorf("the log contains the API key")
	}
	if !strings.Contains(logs.String(), "action=add_instance result=success") {
		t.Errorf("log lacks the request lines: %s", logs.String())
	}
}

type lockedWriter struct {
	b  *strings.Builder
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
