package hostwinds

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCallFormPost(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, instanceRead))
	c := newTestClient(t, api.URL(), func(cfg *Config) { cfg.UserAgent = "hostwinds-test/1.0" })

	if _, err := c.GetInstance(context.Background(), 1234); err != nil {
		t.Fatalf("GetInstance: %v", err)
	}

	requests := api.Requests()
	if len(requests) != 1 {
		t.Fatalf("got %d requests, want 1", len(requests))
	}
	r := requests[0]
	if r.Method != http.MethodPost {
		t.Errorf("method = %s, want POST", r.Method)
	}
	if got := r.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q, want application/x-www-form-urlencoded", got)
	}
	if got := r.Header.Get("User-Agent"); got != "hostwinds-test/1.0" {
		t.Errorf("User-Agent = %q, want hostwinds-test/1.0", got)
	}
	if got := r.Form.Get("action"); got != "get_instance" {
		t.Errorf("action = %q, want get_instance", got)
	}
	if got := r.Form.Get("API"); got != testAPIKey {
		t.Errorf("API = %q, want the configured key", got)
	}
	if got := r.Form.Get("serviceid"); got != "1234" {
		t.Errorf("serviceid = %q, want 1234", got)
	}
}

func TestCallDefaultUserAgent(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, instanceRead))
	c := newTestClient(t, api.URL())

	if _, err := c.GetInstance(context.Background(), 1); err != nil {
		t.Fatalf("GetInstance: %v", err)
	}

	if got := api.Requests()[0].Header.Get("User-Agent"); got != "terraform-provider-hostwinds" {
		t.Errorf("User-Agent = %q, want terraform-provider-hostwinds", got)
	}
}

func TestAddInstanceForm(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK,
		`[{"result":"success","action":"Invoice Paid","message":"Invoice paid."},`+
			`{"result":"success","action":"Add Instance","message":"Server is being Created!"}]`))
	c := newTestClient(t, api.URL())

	err := c.AddInstance(context.Background(), CreateInstanceRequest{
		Name:         "web-1",
		ImageUUID:    "0d6a5f1c-image",
		PlanID:       42,
		LocationID:   3,
		BillingCycle: "monthly",
		SSHKeys:      []string{"laptop", "ci"},
	})
	if err != nil {
		t.Fatalf("AddInstance: %v", err)
	}

	form := api.Requests()[0].Form
	want := map[string]string{
		"action":       "add_instance",
		"template":     "0d6a5f1c-image",
		"rid":          "42",
		"location_id":  "3",
		"srvrname":     "web-1",
		"qty":          "1",
		"billingcycle": "monthly",
	}
	for key, value := range want {
		if got := form.Get(key); got != value {
			t.Errorf("%s = %q, want %q", key, got, value)
		}
	}
	if got := form["keys[]"]; !reflect.DeepEqual(got, []string{"laptop", "ci"}) {
		t.Errorf("keys[] = %q, want [laptop ci] in order", got)
	}
	if strings.Contains(api.Requests()[0].Body, "keys=") {
		t.Errorf("body %q sends keys without the PHP list brackets", api.Requests()[0].Body)
	}
}

func TestAddFirewallProfileForm(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, `[{"result":"success","action":"Add Firewall Profile","message":"Created."}]`))
	c := newTestClient(t, api.URL())

	tcp := "tcp"
	rules := []FirewallRule{
		{Direction: "ingress", EtherType: "IPv4", Protocol: &tcp,
			PortRangeMin: &Number{Value: 22, Valid: true}, PortRangeMax: &Number{Value: 22, Valid: true},
			Description: "ssh"},
		{Direction: "egress", EtherType: "IPv6", Description: "any"},
	}
	if err := c.AddFirewallProfile(context.Background(), "web", "web servers", rules); err != nil {
		t.Fatalf("AddFirewallProfile: %v", err)
	}

	form := api.Requests()[0].Form
	want := map[string]string{
		"action":                   "add_firewall_profile",
		"name":                     "web",
		"description":              "web servers",
		"rules[0][direction]":      "ingress",
		"rules[0][ethertype]":      "IPv4",
		"rules[0][protocol]":       "tcp",
		"rules[0][port_range_min]": "22",
		"rules[0][port_range_max]": "22",
		"rules[0][description]":    "ssh",
		"rules[1][direction]":      "egress",
		"rules[1][ethertype]":      "IPv6",
		"rules[1][description]":    "any",
	}
	for key, value := range want {
		if got := form.Get(key); got != value {
			t.Errorf("%s = %q, want %q", key, got, value)
		}
	}
	// A nil protocol or port means "any", so the field must be left out rather than sent empty.
	for _, key := range []string{"rules[1][protocol]", "rules[1][port_range_min]", "rules[1][port_range_max]"} {
		if _, ok := form[key]; ok {
			t.Errorf("%s is sent, want it left out for an any-rule", key)
		}
	}
}

func TestReadAnswerDecoded(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK,
		`{"success":{"serviceid":1234,"srvrname":"web-1","status":"ACTIVE","ram":2048,"disk":"50","task_state":null}}`))
	c := newTestClient(t, api.URL())

	instance, err := c.GetInstance(context.Background(), 1234)
	if err != nil {
		t.Fatalf("GetInstance: %v", err)
	}

	if instance.ID() != 1234 {
		t.Errorf("ID = %d, want 1234", instance.ID())
	}
	if instance.Name != "web-1" {
		t.Errorf("Name = %q, want web-1", instance.Name)
	}
	if instance.RAM.Value != 2048 {
		t.Errorf("RAM = %v, want 2048 from a JSON number", instance.RAM.Value)
	}
	if instance.Disk.Value != 50 {
		t.Errorf("Disk = %v, want 50 from a numeric string", instance.Disk.Value)
	}
	if !instance.Idle() {
		t.Error("Idle = false, want true for a null task_state")
	}
}

func TestResultListSuccess(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, successResult))
	c := newTestClient(t, api.URL())

	if err := c.Boot(context.Background(), 1234); err != nil {
		t.Errorf("Boot: %v", err)
	}
}

func TestResultListError(t *testing.T) {
	cases := map[string]string{
		"first element":  `[{"result":"error","action":"Boot","message":"Server is locked.","ERROR":"4411"}]`,
		"second element": `[{"result":"success","action":"Invoice Paid","message":"Invoice paid."},{"result":"error","action":"Boot","message":"Server is locked.","ERROR":"4411"}]`,
		"numeric code":   `[{"result":"error","action":"Boot","message":"Server is locked.","ERROR":4411}]`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			api := newFakeAPI(t, answerJSON(http.StatusOK, body))
			c := newTestClient(t, api.URL())

			err := c.Boot(context.Background(), 1234)

			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T) is not an *APIError", err, err)
			}
			if apiErr.Action != "boot" {
				t.Errorf("Action = %q, want boot", apiErr.Action)
			}
			if apiErr.HTTPStatus != http.StatusOK {
				t.Errorf("HTTPStatus = %d, want 200", apiErr.HTTPStatus)
			}
			if apiErr.Message != "Server is locked." {
				t.Errorf("Message = %q, want %q", apiErr.Message, "Server is locked.")
			}
			if apiErr.Code != "4411" {
				t.Errorf("Code = %q, want 4411", apiErr.Code)
			}
			if !strings.Contains(err.Error(), "[ERROR 4411]") {
				t.Errorf("error %q does not show the ERROR code", err)
			}
		})
	}
}

func TestPlainError(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, `{"result":"error","action":"Authorization","message":"Not Authorized!"}`))
	c := newTestClient(t, api.URL())

	_, err := c.GetInstance(context.Background(), 1234)

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	if apiErr.Action != "get_instance" {
		t.Errorf("Action = %q, want get_instance", apiErr.Action)
	}
	if apiErr.Message != "Not Authorized!" {
		t.Errorf("Message = %q, want Not Authorized!", apiErr.Message)
	}
}

func TestNon2xxWithSuccessBody(t *testing.T) {
	// The status alone decides: a success value under HTTP 404 is still a failure.
	api := newFakeAPI(t, answerJSON(http.StatusNotFound, instanceRead))
	c := newTestClient(t, api.URL())

	_, err := c.GetInstance(context.Background(), 1234)

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	if apiErr.HTTPStatus != http.StatusNotFound {
		t.Errorf("HTTPStatus = %d, want 404", apiErr.HTTPStatus)
	}
}

func TestNon2xxResultListSuccess(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusBadRequest, successResult))
	c := newTestClient(t, api.URL())

	err := c.Boot(context.Background(), 1234)

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	if apiErr.HTTPStatus != http.StatusBadRequest {
		t.Errorf("HTTPStatus = %d, want 400", apiErr.HTTPStatus)
	}
}

func TestNonJSONBody(t *testing.T) {
	page := "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(page))
	})
	c := newTestClient(t, api.URL(), func(cfg *Config) { cfg.MaxRetries = -1 })

	_, err := c.GetInstance(context.Background(), 1234)

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	if apiErr.HTTPStatus != http.StatusBadGateway {
		t.Errorf("HTTPStatus = %d, want 502", apiErr.HTTPStatus)
	}
	if !strings.HasPrefix(apiErr.Body, "<html><head><title>502 Bad Gateway") {
		t.Errorf("Body = %q, want the start of the HTML page", apiErr.Body)
	}
	if !strings.Contains(err.Error(), "502 Bad Gateway") {
		t.Errorf("error %q does not quote the start of the body", err)
	}
	if !strings.Contains(err.Error(), "HTTP 502") {
		t.Errorf("error %q does not name the status", err)
	}
}

func TestNonJSONBodyTruncated(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(strings.Repeat("x", 5000)))
	})
	c := newTestClient(t, api.URL())

	_, err := c.GetInstance(context.Background(), 1234)

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	if len(apiErr.Body) > 300 {
		t.Errorf("Body has %d bytes, want it cut to the start of the page", len(apiErr.Body))
	}
}

func TestReadActionGetsResultList(t *testing.T) {
	// A read action must not succeed with a zero value when the API responds like a change.
	api := newFakeAPI(t, answerJSON(http.StatusOK, successResult))
	c := newTestClient(t, api.URL())

	if _, err := c.GetInstance(context.Background(), 1234); err == nil {
		t.Error("GetInstance succeeded on a result list, want an error")
	}
}

func TestNewRejectsEmptyKey(t *testing.T) {
	_, err := New(Config{Endpoint: "http://127.0.0.1:1/cloud/api.php"})

	if err == nil {
		t.Fatal("New accepted an empty API key")
	}
	if !strings.Contains(err.Error(), "API key") {
		t.Errorf("error %q does not name the API key", err)
	}
}

func TestNewRejectsEndpoint(t *testing.T) {
	for _, endpoint := range []string{
		"ftp://127.0.0.1/cloud/api.php",
		"/cloud/api.php",
		"127.0.0.1/cloud/api.php",
		"http://",
		"http://%zz",
	} {
		t.Run(endpoint, func(t *testing.T) {
			_, err := New(Config{Endpoint: endpoint, APIKey: testAPIKey})

			if err == nil {
				t.Fatalf("New accepted endpoint %q", endpoint)
			}
			if !strings.Contains(err.Error(), endpoint) {
				t.Errorf("error %q does not name the endpoint", err)
			}
		})
	}
}

func TestNewDefaultEndpoint(t *testing.T) {
	c, err := New(Config{APIKey: testAPIKey})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	if c.Endpoint() != DefaultEndpoint {
		t.Errorf("Endpoint = %q, want %q", c.Endpoint(), DefaultEndpoint)
	}
}

func TestClientOverIPv4Loopback(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, instanceRead))
	if host := api.server.Listener.Addr().(*net.TCPAddr).IP; host.To4() == nil {
		t.Skipf("the test server listens on %s, not IPv4", host)
	}
	c := newTestClient(t, api.URL())

	if _, err := c.GetInstance(context.Background(), 1234); err != nil {
		t.Errorf("GetInstance over 127.0.0.1: %v", err)
	}
}

func TestDialIPv4ForHostname(t *testing.T) {
	// Hostwinds allow-lists keys by IPv4 address, so a hostname endpoint must never dial IPv6.
	listener, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	defer listener.Close()
	endpoint, _ := url.Parse("https://api.example.invalid/cloud/api.php")
	transport := newHTTPClient(endpoint, time.Second).Transport.(*http.Transport)

	conn, err := transport.DialContext(context.Background(), "tcp", listener.Addr().String())

	if err == nil {
		conn.Close()
		t.Fatalf("dialing %s succeeded, want the IPv6 address rejected", listener.Addr())
	}
}

func TestDialIPv6Literal(t *testing.T) {
	listener, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, instanceRead)
	}))
	server.Listener.Close()
	server.Listener = listener
	server.Start()
	defer server.Close()
	c := newTestClient(t, server.URL+"/cloud/api.php")

	if _, err := c.GetInstance(context.Background(), 1234); err != nil {
		t.Errorf("GetInstance over [::1]: %v", err)
	}
}
