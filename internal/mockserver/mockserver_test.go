package mockserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

const testKey = "secret-key"

func startServer(t *testing.T, cfg mockserver.Config) *mockserver.Server {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	srv, err := mockserver.Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// post sends a form request with the test key and returns the status and body.
func post(t *testing.T, srv *mockserver.Server, action string, form url.Values) (int, []byte) {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("action", action)
	if !form.Has("API") {
		form.Set("API", testKey)
	}
	resp, err := http.PostForm(srv.URL(), form)
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading body: %v", action, err)
	}
	return resp.StatusCode, body
}

type result struct {
	Result  string `json:"result"`
	Action  string `json:"action"`
	Message string `json:"message"`
	Error   string `json:"ERROR"`
}

// change calls an action that returns a result list and returns the list.
func change(t *testing.T, srv *mockserver.Server, action string, form url.Values) []result {
	t.Helper()
	status, body := post(t, srv, action, form)
	if status != http.StatusOK {
		t.Fatalf("%s: status %d, body %s", action, status, body)
	}
	var list []result
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("%s: answer is not a result list: %v: %s", action, err, body)
	}
	return list
}

// mustSucceed calls an action and fails the test unless every element succeeded.
func mustSucceed(t *testing.T, srv *mockserver.Server, action string, form url.Values) {
	t.Helper()
	for _, r := range change(t, srv, action, form) {
		if r.Result != "success" {
			t.Fatalf("%s: %+v", action, r)
		}
	}
}

// mustFail calls an action and checks for a single error element with message.
func mustFail(t *testing.T, srv *mockserver.Server, action string, form url.Values, message string) {
	t.Helper()
	list := change(t, srv, action, form)
	if len(list) != 1 {
		t.Fatalf("%s: want one element, got %+v", action, list)
	}
	if list[0].Result != "error" {
		t.Fatalf("%s: want an error, got %+v", action, list[0])
	}
	if list[0].Message != message {
		t.Errorf("%s: message %q, want %q", action, list[0].Message, message)
	}
	if list[0].Error == "" {
		t.Errorf("%s: error element has no ERROR code", action)
	}
}

// read calls a read action and decodes its "success" value into out.
func read(t *testing.T, srv *mockserver.Server, action string, form url.Values, out any) {
	t.Helper()
	status, body := post(t, srv, action, form)
	if status != http.StatusOK {
		t.Fatalf("%s: status %d, body %s", action, status, body)
	}
	var envelope struct {
		Success json.RawMessage `json:"success"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil || envelope.Success == nil {
		t.Fatalf("%s: not a read answer: %s", action, body)
	}
	if err := json.Unmarshal(envelope.Success, out); err != nil {
		t.Fatalf("%s: decoding %s: %v", action, envelope.Success, err)
	}
}

func values(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return v
}

func sid(id int) url.Values {
	return values("serviceid", itoa(id))
}

func itoa(n int) string {
	return strconv.Itoa(n)
}

// createInstance adds an instance and returns its serviceid, found by name
// as a client has to.
func createInstance(t *testing.T, srv *mockserver.Server, name string) int {
	t.Helper()
	mustSucceed(t, srv, "add_instance", values(
		"template", mockserver.ImageUbuntu2404, "rid", "301", "location_id", "1", "srvrname", name))
	var ids []struct {
		ID       int    `json:"id"`
		SrvrName string `json:"srvrname"`
	}
	read(t, srv, "get_instance_ids", values("search", name), &ids)
	for _, entry := range ids {
		if entry.SrvrName == name {
			return entry.ID
		}
	}
	t.Fatalf("instance %q not found in %+v", name, ids)
	return 0
}

func getInstance(t *testing.T, srv *mockserver.Server, id int) mockserver.Instance {
	t.Helper()
	var inst mockserver.Instance
	read(t, srv, "get_instance", sid(id), &inst)
	return inst
}

// waitIdle polls get_instance until task_state is null.
func waitIdle(t *testing.T, srv *mockserver.Server, id int) mockserver.Instance {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		inst := getInstance(t, srv, id)
		if inst.TaskState == nil {
			return inst
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance %d still has task_state %q", id, *inst.TaskState)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAuthErrorShape(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	want := `{"result":"error","action":"Authorization","message":"Not Authorized!"}`

	cases := map[string]url.Values{
		"wrong key":   values("API", "nope"),
		"missing key": values("API", ""),
	}
	for name, form := range cases {
		status, body := post(t, srv, "get_instances", form)
		if status != http.StatusOK || string(body) != want {
			t.Errorf("%s: status %d body %s, want 200 %s", name, status, body, want)
		}
	}

	// A JSON body carries no form key, as clients that sent JSON found out.
	resp, err := http.Post(srv.URL(), "application/json", strings.NewReader(`{"action":"get_instances","API":"`+testKey+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != want {
		t.Errorf("JSON body: got %s, want %s", body, want)
	}
	if srv.TotalCalls() != 0 {
		t.Errorf("rejected requests counted: %d", srv.TotalCalls())
	}
}

func TestInvalidActionShape(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	_, body := post(t, srv, "fly_to_moon", nil)
	want := `[{"result":"error","action":"fly_to_moon","message":"Invalid Action.","ERROR":"6734"}]`
	if string(body) != want {
		t.Errorf("got %s, want %s", body, want)
	}
	if srv.Calls("fly_to_moon") != 1 {
		t.Errorf("Calls = %d, want 1", srv.Calls("fly_to_moon"))
	}
	if srv.MutatingCalls() != 0 {
		t.Errorf("MutatingCalls = %d, want 0", srv.MutatingCalls())
	}
}

func TestNonPostRejected(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	resp, err := http.Get(srv.URL() + "?action=get_instances&API=" + testKey)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("status %d, want 405", resp.StatusCode)
	}
}

func TestRootPathAccepted(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	root := strings.TrimSuffix(srv.URL(), mockserver.APIPath) + "/"
	resp, err := http.PostForm(root, values("action", "get_locations", "API", testKey))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(body), `{"success":[`) {
		t.Errorf("POST / answered %s", body)
	}
}

func TestAddInstanceBuildsToActive(t *testing.T) {
	srv := startServer(t, mockserver.Config{BuildDelay: 150 * time.Millisecond})
	_, body := post(t, srv, "add_instance", values(
		"template", mockserver.ImageDebian12, "rid", "302", "location_id", "2",
		"srvrname", "web", "keys[]", "alice", "keys[]", "bob", "billingcycle", "annually", "qty", "1"))
	want := `[{"result":"success","action":"Invoice Paid","message":"Invoice Paid"},` +
		`{"result":"success","action":"Add Instance","message":"Server is being Created!"}]`
	if string(body) != want {
		t.Fatalf("got %s, want %s", body, want)
	}

	var ids []struct{ ID int }
	read(t, srv, "get_instance_ids", values("search", "web"), &ids)
	if len(ids) != 1 || ids[0].ID != 1000 {
		t.Fatalf("first serviceid: got %+v, want 1000", ids)
	}
	inst := getInstance(t, srv, 1000)
	if inst.Status != "BUILD" || inst.TaskState == nil || *inst.TaskState != "spawning" {
		t.Errorf("new instance: status %s task %v, want BUILD spawning", inst.Status, inst.TaskState)
	}
	if inst.Hostname != "hwsrv-1000.hostwindsdns.com" {
		t.Errorf("hostname %q", inst.Hostname)
	}
	if !strings.HasPrefix(inst.MainIP, "192.0.2.") || !strings.HasPrefix(inst.IPv6, "2001:db8:") {
		t.Errorf("addresses %q %q outside the documentation ranges", inst.MainIP, inst.IPv6)
	}
	if inst.ProductID != 302 || inst.CPU != 2 || inst.RAM != 4096 || inst.Disk != 75 || inst.Bandwidth != 3000 {
		t.Errorf("plan fields: %+v", inst)
	}
	if inst.Flavor != (mockserver.Flavor{CPU: 2, RAM: 4096, Disk: 75}) {
		t.Errorf("flavor %+v", inst.Flavor)
	}
	if inst.BillingCycle != "annually" || inst.LocationID != 2 || inst.TemplateUUID != mockserver.ImageDebian12 {
		t.Errorf("request fields not stored: %+v", inst)
	}
	if strings.Join(inst.SSHKeys, ",") != "alice,bob" {
		t.Errorf("ssh_keys %v", inst.SSHKeys)
	}
	if len(inst.Password) < 16 || inst.ConfigKey == "" {
		t.Errorf("password or configkey missing")
	}
	if _, err := time.Parse("2006-01-02 15:04:05", inst.CreatedAt); err != nil {
		t.Errorf("created_at %q: %v", inst.CreatedAt, err)
	}

	inst = waitIdle(t, srv, 1000)
	if inst.Status != "ACTIVE" || inst.PowerState != "Running" {
		t.Errorf("after build: status %s power %s, want ACTIVE Running", inst.Status, inst.PowerState)
	}

	// The raw JSON must carry task_state null, not omit it.
	_, raw := post(t, srv, "get_instance", sid(1000))
	if !strings.Contains(string(raw), `"task_state":null`) {
		t.Errorf("task_state not null in %s", raw)
	}
}

func TestAddInstanceDuplicateNameAllowed(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	mustSucceed(t, srv, "add_instance", values("template", mockserver.ImageAlma9, "rid", "301", "location_id", "1", "srvrname", "twin"))
	mustSucceed(t, srv, "add_instance", values("template", mockserver.ImageAlma9, "rid", "301", "location_id", "1", "srvrname", "twin"))
	mustSucceed(t, srv, "add_instance", values("template", mockserver.ImageAlma9, "rid", "301", "location_id", "1"))
	instances := srv.Instances()
	if len(instances) != 3 {
		t.Fatalf("got %d instances, want 3", len(instances))
	}
	if instances[0].MainIP == instances[1].MainIP || instances[0].IPv6 == instances[1].IPv6 {
		t.Errorf("addresses not unique: %+v / %+v", instances[0], instances[1])
	}
	if instances[2].SrvrName != "hwsrv-1002" {
		t.Errorf("default srvrname %q, want hwsrv-1002", instances[2].SrvrName)
	}
}

func TestAddInstanceValidation(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	valid := func(overrides ...string) url.Values {
		v := values("template", mockserver.ImageUbuntu2404, "rid", "301", "location_id", "1")
		for i := 0; i+1 < len(overrides); i += 2 {
			if overrides[i+1] == "<unset>" {
				v.Del(overrides[i])
				continue
			}
			v.Set(overrides[i], overrides[i+1])
		}
		return v
	}
	cases := []struct {
		name    string
		form    url.Values
		message string
	}{
		{"unknown template", valid("template", "nope"), "Invalid template."},
		{"missing template", valid("template", "<unset>"), "Invalid template."},
		{"unknown rid", valid("rid", "999"), "Invalid rid."},
		{"text rid", valid("rid", "abc"), "Invalid rid."},
		{"unknown location", valid("location_id", "9"), "Invalid location_id."},
		{"missing location", valid("location_id", "<unset>"), "Invalid location_id."},
		{"bad billing cycle", valid("billingcycle", "weekly"), "Invalid billingcycle."},
		{"upper-case billing cycle", valid("billingcycle", "Monthly"), "Invalid billingcycle."},
		{"quantity two", valid("qty", "2"), "Invalid qty."},
		{"keys as a string", valid("keys", "alice"), "Invalid keys."},
		{"empty key name", valid("keys[]", ""), "Invalid keys."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mustFail(t, srv, "add_instance", c.form, c.message)
		})
	}
	if n := len(srv.Instances()); n != 0 {
		t.Errorf("failed requests created %d instances", n)
	}
}

func TestGetInstanceIDsSearch(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	for _, name := range []string{"Web-1", "web-2", "db-1"} {
		mustSucceed(t, srv, "add_instance", values("template", mockserver.ImageUbuntu2404, "rid", "301", "location_id", "1", "srvrname", name))
	}
	mustSucceed(t, srv, "add_instance", values("template", mockserver.ImageUbuntu2404, "rid", "301", "location_id", "3", "srvrname", "web-ams"))

	type entry struct {
		ID          int      `json:"id"`
		Hostname    string   `json:"hostname"`
		SrvrName    string   `json:"srvrname"`
		IPs         []string `json:"ips"`
		DedicatedIP string   `json:"dedicatedip"`
		IPv6        string   `json:"ip_v6"`
	}
	names := func(list []entry) string {
		var out []string
		for _, e := range list {
			out = append(out, e.SrvrName)
		}
		return strings.Join(out, ",")
	}

	var list []entry
	read(t, srv, "get_instance_ids", values("search", "WEB"), &list)
	if got := names(list); got != "Web-1,web-2,web-ams" {
		t.Errorf("search WEB: %s", got)
	}
	read(t, srv, "get_instance_ids", values("search", "hwsrv-1002"), &list)
	if got := names(list); got != "db-1" {
		t.Errorf("search by hostname: %s", got)
	}
	read(t, srv, "get_instance_ids", values("search", "web", "location_id", "3"), &list)
	if got := names(list); got != "web-ams" {
		t.Errorf("location filter: %s", got)
	}
	read(t, srv, "get_instance_ids", values("limit", "2", "page", "2"), &list)
	if got := names(list); got != "db-1,web-ams" {
		t.Errorf("page 2 of 2: %s", got)
	}
	read(t, srv, "get_instance_ids", values("search", "nothing"), &list)
	if list == nil || len(list) != 0 {
		t.Errorf("no match: %v, want an empty array", list)
	}

	read(t, srv, "get_instance_ids", values("search", "db-1"), &list)
	inst := getInstance(t, srv, list[0].ID)
	if list[0].DedicatedIP != inst.MainIP || list[0].IPv6 != inst.IPv6 || list[0].Hostname != inst.Hostname {
		t.Errorf("summary %+v does not match instance %+v", list[0], inst)
	}
	mustFail(t, srv, "get_instance_ids", values("page", "0"), "Invalid page.")
}

func TestUnknownServiceIDMessage(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "exists")
	actionsWithServiceID := []string{
		"get_instance", "boot", "shutdown", "reboot", "rescue", "unrescue", "regenerate_networking",
		"terminate", "reinstall_instance", "edit_instance", "change_password", "upgrade_instance",
		"check_upgrade_order", "check_upgrade_reboot", "upgrade_server", "confirm_upgrade",
		"revert_upgrade", "change_billing_cycle", "upgrade_to_managed", "downgrade_to_unmanaged",
		"get_instance_ips", "add_ip", "delete_ip", "set_main_ip", "set_rdns",
		"get_instance_firewall_profile", "set_instance_firewall", "get_instance_maintenance",
	}
	for _, action := range actionsWithServiceID {
		for _, form := range []url.Values{sid(999999), values(), values("serviceid", "abc")} {
			mustFail(t, srv, action, form, "A valid serviceid is required.")
		}
	}
	mustFail(t, srv, "get_smtp_filters", sid(42), "A valid serviceid is required.")
	if _, ok := srv.Instance(id); !ok {
		t.Errorf("instance %d disappeared", id)
	}
}

func TestPriceListValues(t *testing.T) {
	srv := startServer(t, mockserver.Config{})

	var raw map[string]map[string]any
	read(t, srv, "get_price_list", values("managed", "0"), &raw)
	if len(raw) != 4 {
		t.Fatalf("got %d options, want 4", len(raw))
	}
	for key, option := range raw {
		if len(option) != 13 {
			t.Errorf("%s has %d fields, want 13", key, len(option))
		}
		for field, v := range option {
			if _, ok := v.(string); !ok {
				t.Errorf("%s.%s is %T, want a string", key, field, v)
			}
		}
	}

	var unmanaged map[string]map[string]string
	read(t, srv, "get_price_list", values("managed", "0"), &unmanaged)
	want := map[string]string{
		"id": "11", "rid": "301", "name": "VPS 2GB", "ram": "2048", "cpu": "1", "disk": "50",
		"bandwidth": "2000", "monthly": "9.99", "quarterly": "29.97", "semiannually": "56.94",
		"annually": "107.89", "biennially": "203.80", "triennially": "287.71",
	}
	for field, value := range want {
		if got := unmanaged["vps-2gb"][field]; got != value {
			t.Errorf("unmanaged vps-2gb %s = %q, want %q", field, got, value)
		}
	}

	var managed map[string]map[string]string
	read(t, srv, "get_price_list", nil, &managed)
	if got := managed["vps-2gb"]["monthly"]; got != "29.99" {
		t.Errorf("default (managed) monthly = %q, want 29.99", got)
	}
	if got := managed["vps-2gb"]["annually"]; got != "323.89" {
		t.Errorf("managed annually = %q, want 323.89", got)
	}
	if got := managed["vps-1gb"]["rid"]; got != "304" {
		t.Errorf("managed vps-1gb rid = %q", got)
	}
	mustFail(t, srv, "get_price_list", values("managed", "yes"), "Invalid managed.")
}

func TestCatalogueReads(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	var locations []mockserver.Location
	read(t, srv, "get_locations", nil, &locations)
	if len(locations) != 3 || locations[2] != (mockserver.Location{ID: 3, Name: "Amsterdam", City: "Amsterdam", Country: "NL"}) {
		t.Errorf("locations %+v", locations)
	}
	var images []mockserver.Image
	read(t, srv, "get_public_images", nil, &images)
	if len(images) != 3 || images[0] != (mockserver.Image{UUID: mockserver.ImageUbuntu2404, Name: "Ubuntu 24.04", OS: "ubuntu", Version: "24.04"}) {
		t.Errorf("images %+v", images)
	}
}

func TestPowerTransitions(t *testing.T) {
	srv := startServer(t, mockserver.Config{TaskDelay: 100 * time.Millisecond})
	id := createInstance(t, srv, "power")

	mustSucceed(t, srv, "boot", sid(id)) // already ACTIVE: a no-op
	if getInstance(t, srv, id).TaskState != nil {
		t.Fatalf("boot on ACTIVE started a task")
	}

	mustSucceed(t, srv, "shutdown", sid(id))
	inst := getInstance(t, srv, id)
	if inst.TaskState == nil || *inst.TaskState != "powering-off" {
		t.Errorf("during shutdown: task %v", inst.TaskState)
	}
	mustFail(t, srv, "reboot", sid(id), "Instance is busy.")
	inst = waitIdle(t, srv, id)
	if inst.Status != "SHUTOFF" || inst.PowerState != "Shutdown" {
		t.Errorf("after shutdown: %s %s", inst.Status, inst.PowerState)
	}
	mustSucceed(t, srv, "shutdown", sid(id)) // already SHUTOFF: a no-op
	mustFail(t, srv, "unrescue", sid(id), "Unrescue is not possible while the instance status is SHUTOFF.")

	mustSucceed(t, srv, "boot", sid(id))
	if inst = waitIdle(t, srv, id); inst.Status != "ACTIVE" || inst.PowerState != "Running" {
		t.Errorf("after boot: %s %s", inst.Status, inst.PowerState)
	}

	mustSucceed(t, srv, "reboot", sid(id))
	if inst = getInstance(t, srv, id); inst.Status != "REBOOT" {
		t.Errorf("during reboot: status %s", inst.Status)
	}
	waitIdle(t, srv, id)

	mustSucceed(t, srv, "rescue", sid(id))
	if inst = waitIdle(t, srv, id); inst.Status != "RESCUE" {
		t.Errorf("after rescue: %s", inst.Status)
	}
	mustSucceed(t, srv, "unrescue", sid(id))
	if inst = waitIdle(t, srv, id); inst.Status != "ACTIVE" {
		t.Errorf("after unrescue: %s", inst.Status)
	}
	mustSucceed(t, srv, "regenerate_networking", sid(id))
	if inst = waitIdle(t, srv, id); inst.Status != "ACTIVE" {
		t.Errorf("after regenerate_networking: %s", inst.Status)
	}
}

func TestReinstallKeepsAddresses(t *testing.T) {
	srv := startServer(t, mockserver.Config{TaskDelay: 50 * time.Millisecond})
	id := createInstance(t, srv, "rebuild")
	before := getInstance(t, srv, id)

	mustFail(t, srv, "reinstall_instance", values("serviceid", itoa(id), "template", "nope"), "Invalid template.")
	mustSucceed(t, srv, "reinstall_instance", values("serviceid", itoa(id), "template", mockserver.ImageAlma9))
	inst := getInstance(t, srv, id)
	if inst.Status != "REBUILD" || inst.TaskState == nil || *inst.TaskState != "rebuilding" {
		t.Errorf("during reinstall: %s %v", inst.Status, inst.TaskState)
	}
	inst = waitIdle(t, srv, id)
	if inst.Status != "ACTIVE" || inst.TemplateUUID != mockserver.ImageAlma9 || inst.Image.Name != "AlmaLinux 9" {
		t.Errorf("after reinstall: %+v", inst)
	}
	if inst.MainIP != before.MainIP || inst.IPv6 != before.IPv6 {
		t.Errorf("addresses changed: %s %s, want %s %s", inst.MainIP, inst.IPv6, before.MainIP, before.IPv6)
	}
	if inst.Password == before.Password {
		t.Errorf("password kept after reinstall")
	}
}

func TestEditAndPassword(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "label")
	mustSucceed(t, srv, "edit_instance", values("serviceid", itoa(id), "srvrname", "renamed"))
	mustFail(t, srv, "edit_instance", values("serviceid", itoa(id), "srvrname", ""), "Invalid srvrname.")
	mustFail(t, srv, "change_password", values("serviceid", itoa(id), "password", "short"),
		"Invalid password. It must be at least 8 characters long.")
	mustSucceed(t, srv, "change_password", values("serviceid", itoa(id), "password", "long enough"))
	inst := getInstance(t, srv, id)
	if inst.SrvrName != "renamed" || inst.Hostname != "hwsrv-1000.hostwindsdns.com" {
		t.Errorf("label change: %s %s", inst.SrvrName, inst.Hostname)
	}
	if inst.Password != "long enough" {
		t.Errorf("password not changed")
	}
}

func TestBillingChanges(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "billing")
	mustSucceed(t, srv, "change_billing_cycle", values("serviceid", itoa(id), "billingcycle", "triennially"))
	mustFail(t, srv, "change_billing_cycle", values("serviceid", itoa(id), "billingcycle", "hourly"), "Invalid billingcycle.")
	mustSucceed(t, srv, "upgrade_to_managed", sid(id))
	inst := getInstance(t, srv, id)
	if inst.BillingCycle != "triennially" || !inst.Managed {
		t.Errorf("after changes: %s managed=%v", inst.BillingCycle, inst.Managed)
	}
	mustSucceed(t, srv, "downgrade_to_unmanaged", sid(id))
	if getInstance(t, srv, id).Managed {
		t.Errorf("still managed after downgrade")
	}
}

func TestResizeFlow(t *testing.T) {
	srv := startServer(t, mockserver.Config{TaskDelay: 100 * time.Millisecond})
	id := createInstance(t, srv, "resize")
	withRID := func(rid string) url.Values { return values("serviceid", itoa(id), "rid", rid) }

	type order struct {
		Pending bool `json:"pending"`
		RID     int  `json:"rid"`
	}
	var o order
	read(t, srv, "check_upgrade_order", sid(id), &o)
	if o.Pending {
		t.Fatalf("new instance has a pending order")
	}
	mustFail(t, srv, "upgrade_server", sid(id), "No upgrade order is pending.")
	mustFail(t, srv, "upgrade_instance", withRID("304"), "Disks can only grow.")
	mustFail(t, srv, "upgrade_instance", withRID("999"), "Invalid rid.")

	mustSucceed(t, srv, "upgrade_instance", withRID("303"))
	mustFail(t, srv, "upgrade_instance", withRID("302"), "An upgrade order is already pending.")
	read(t, srv, "check_upgrade_order", sid(id), &o)
	if !o.Pending || o.RID != 303 {
		t.Errorf("order %+v, want pending rid 303", o)
	}
	var needsReboot bool
	read(t, srv, "check_upgrade_reboot", sid(id), &needsReboot)
	if !needsReboot {
		t.Errorf("check_upgrade_reboot = false")
	}
	mustFail(t, srv, "confirm_upgrade", sid(id), "Confirm Upgrade is not possible while the instance status is ACTIVE.")

	mustSucceed(t, srv, "upgrade_server", sid(id))
	inst := getInstance(t, srv, id)
	if inst.Status != "RESIZE" || inst.TaskState == nil || *inst.TaskState != "resize_migrating" {
		t.Errorf("during resize: %s %v", inst.Status, inst.TaskState)
	}
	inst = waitIdle(t, srv, id)
	if inst.Status != "RESIZED" || inst.ProductID != 303 || inst.CPU != 4 || inst.RAM != 8192 || inst.Disk != 150 || inst.Bandwidth != 4000 {
		t.Errorf("after resize: %+v", inst)
	}
	mustSucceed(t, srv, "confirm_upgrade", sid(id))
	inst = getInstance(t, srv, id)
	if inst.Status != "ACTIVE" || inst.Flavor.RAM != 8192 {
		t.Errorf("after confirm: %s %+v", inst.Status, inst.Flavor)
	}
	read(t, srv, "check_upgrade_order", sid(id), &o)
	if o.Pending {
		t.Errorf("order still pending after confirm")
	}
}

func TestResizeRevert(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "revert")
	mustSucceed(t, srv, "upgrade_instance", values("serviceid", itoa(id), "rid", "302"))
	mustSucceed(t, srv, "upgrade_server", sid(id))
	if inst := getInstance(t, srv, id); inst.Status != "RESIZED" || inst.ProductID != 302 {
		t.Fatalf("after resize: %s %d", inst.Status, inst.ProductID)
	}
	mustSucceed(t, srv, "revert_upgrade", sid(id))
	inst := getInstance(t, srv, id)
	if inst.Status != "ACTIVE" || inst.ProductID != 301 || inst.RAM != 2048 || inst.Disk != 50 {
		t.Errorf("after revert: %+v", inst)
	}
}

func TestIPManagement(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "ips")
	inst := getInstance(t, srv, id)

	type ipList struct {
		IPs []mockserver.IP `json:"IP Addresses"`
	}
	var list ipList
	read(t, srv, "get_instance_ips", sid(id), &list)
	if len(list.IPs) != 2 || list.IPs[0] != (mockserver.IP{IP: inst.MainIP, Type: "primary", RDNS: "hwsrv-1000.hostwindsdns.com"}) ||
		list.IPs[1].IP != inst.IPv6 || list.IPs[1].Type != "primary" {
		t.Fatalf("initial addresses %+v", list.IPs)
	}

	mustSucceed(t, srv, "add_ip", sid(id))
	read(t, srv, "get_instance_ips", sid(id), &list)
	if len(list.IPs) != 3 {
		t.Fatalf("after add_ip: %+v", list.IPs)
	}
	secondary := list.IPs[2]
	if secondary.Type != "secondary" || !strings.HasPrefix(secondary.IP, "198.51.100.") {
		t.Errorf("secondary %+v", secondary)
	}

	withIP := func(ip string) url.Values { return values("serviceid", itoa(id), "ip", ip) }
	mustFail(t, srv, "delete_ip", withIP(inst.MainIP), "The primary IP cannot be deleted.")
	mustFail(t, srv, "delete_ip", withIP(inst.IPv6), "The primary IP cannot be deleted.")
	mustFail(t, srv, "delete_ip", withIP("203.0.113.9"), "Invalid ip.")

	mustSucceed(t, srv, "set_main_ip", withIP(secondary.IP))
	swapped := getInstance(t, srv, id)
	if swapped.MainIP != secondary.IP {
		t.Errorf("main_ip %s, want %s", swapped.MainIP, secondary.IP)
	}
	read(t, srv, "get_instance_ips", sid(id), &list)
	if list.IPs[0].IP != secondary.IP || list.IPs[0].Type != "primary" {
		t.Errorf("primary not first after set_main_ip: %+v", list.IPs)
	}

	mustSucceed(t, srv, "delete_ip", withIP(inst.MainIP)) // the old primary, now secondary
	if ips := srv.InstanceIPs(id); len(ips) != 2 {
		t.Errorf("after delete_ip: %+v", ips)
	}
}

func TestAddIPDelay(t *testing.T) {
	srv := startServer(t, mockserver.Config{IPDelay: 100 * time.Millisecond})
	id := createInstance(t, srv, "slowip")
	mustSucceed(t, srv, "add_ip", sid(id))
	if n := len(srv.InstanceIPs(id)); n != 2 {
		t.Errorf("new address visible before IPDelay: %d addresses", n)
	}
	time.Sleep(150 * time.Millisecond)
	if n := len(srv.InstanceIPs(id)); n != 3 {
		t.Errorf("new address not visible after IPDelay: %d addresses", n)
	}
}

func TestRDNSReset(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "rdns")
	ip := getInstance(t, srv, id).MainIP
	form := func(rdns string) url.Values { return values("serviceid", itoa(id), "ip", ip, "rdns", rdns) }

	mustSucceed(t, srv, "set_rdns", form("mail.example.com"))
	if got := srv.InstanceIPs(id)[0].RDNS; got != "mail.example.com" {
		t.Errorf("rdns %q", got)
	}
	mustFail(t, srv, "set_rdns", form("not a host"), "Invalid rdns.")
	mustFail(t, srv, "set_rdns", values("serviceid", itoa(id), "ip", "203.0.113.1", "rdns", "x.example"), "Invalid ip.")
	mustSucceed(t, srv, "set_rdns", form(""))
	if got := srv.InstanceIPs(id)[0].RDNS; got != "hwsrv-1000.hostwindsdns.com" {
		t.Errorf("rdns after reset %q", got)
	}
}

func TestTerminateRemovesInstance(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "doomed")
	mustSucceed(t, srv, "add_ip", sid(id))
	mustSucceed(t, srv, "terminate", sid(id))
	mustFail(t, srv, "get_instance", sid(id), "A valid serviceid is required.")
	if ips := srv.InstanceIPs(id); ips != nil {
		t.Errorf("addresses left: %+v", ips)
	}
}

func TestTerminateDelay(t *testing.T) {
	srv := startServer(t, mockserver.Config{TerminateDelay: 100 * time.Millisecond})
	id := createInstance(t, srv, "slow-doomed")
	mustSucceed(t, srv, "terminate", sid(id))
	inst := getInstance(t, srv, id)
	if inst.Status != "DELETED" || inst.TaskState == nil || *inst.TaskState != "deleting" {
		t.Errorf("while terminating: %s %v", inst.Status, inst.TaskState)
	}
	mustFail(t, srv, "terminate", sid(id), "Instance is busy.")
	time.Sleep(150 * time.Millisecond)
	mustFail(t, srv, "get_instance", sid(id), "A valid serviceid is required.")
}

type profile struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Rules []struct {
		Direction    string  `json:"direction"`
		Protocol     *string `json:"protocol"`
		PortRangeMin *int    `json:"port_range_min"`
		PortRangeMax *int    `json:"port_range_max"`
	} `json:"security_group_rules"`
}

func TestFirewallRuleValidation(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	rule := func(fields ...string) url.Values {
		v := values("name", "p", "rules[0][direction]", "ingress", "rules[0][ethertype]", "IPv4",
			"rules[0][protocol]", "tcp", "rules[0][port_range_min]", "25", "rules[0][port_range_max]", "25")
		for i := 0; i+1 < len(fields); i += 2 {
			v.Set(fields[i], fields[i+1])
		}
		return v
	}
	cases := []struct {
		name    string
		form    url.Values
		message string
	}{
		{"bad direction", rule("rules[0][direction]", "inbound"), "Invalid rules[0][direction]."},
		{"bad ethertype", rule("rules[0][ethertype]", "ipv4"), "Invalid rules[0][ethertype]."},
		{"bad protocol", rule("rules[0][protocol]", "gre"), "Invalid rules[0][protocol]."},
		{"port zero", rule("rules[0][port_range_min]", "0"), "Invalid rules[0][port_range_min]."},
		{"port too high", rule("rules[0][port_range_max]", "65536"), "Invalid rules[0][port_range_max]."},
		{"min above max", rule("rules[0][port_range_min]", "80", "rules[0][port_range_max]", "79"), "Invalid rules[0][port_range_max]."},
		{"ports on icmp", rule("rules[0][protocol]", "icmp"), "Invalid rules[0][port_range_min]."},
		{"ports on any protocol", rule("rules[0][protocol]", ""), "Invalid rules[0][port_range_min]."},
		{"unknown field", rule("rules[0][remote_ip_prefix]", "0.0.0.0/0"), "Invalid rules[0][remote_ip_prefix]."},
		{"malformed key", rule("rules[x][direction]", "ingress"), "Invalid rules[x][direction]."},
		{"empty name", rule("name", ""), "Invalid name."},
		{"duplicate rule", rule("rules[1][direction]", "ingress", "rules[1][ethertype]", "IPv4", "rules[1][protocol]", "tcp",
			"rules[1][port_range_min]", "25", "rules[1][port_range_max]", "25"), "Duplicate rule: rules[1] repeats rules[0]."},
		{"existing name", rule("name", "default"), `A firewall profile named "default" already exists.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mustFail(t, srv, "add_firewall_profile", c.form, c.message)
		})
	}

	mustSucceed(t, srv, "add_firewall_profile", values("name", "mail", "description", "SMTP",
		"rules[0][direction]", "ingress", "rules[0][ethertype]", "IPv4", "rules[0][protocol]", "tcp",
		"rules[0][port_range_min]", "25", "rules[0][port_range_max]", "25",
		"rules[1][direction]", "ingress", "rules[1][ethertype]", "IPv6", "rules[1][protocol]", "icmp"))
	var profiles []profile
	read(t, srv, "get_firewall_profiles", nil, &profiles)
	if len(profiles) != 2 || profiles[1].Name != "mail" || len(profiles[1].Rules) != 2 {
		t.Fatalf("profiles %+v", profiles)
	}
	icmp := profiles[1].Rules[1]
	if icmp.Protocol == nil || *icmp.Protocol != "icmp" || icmp.PortRangeMin != nil || icmp.PortRangeMax != nil {
		t.Errorf("icmp rule %+v", icmp)
	}
	if def := profiles[0].Rules[0]; def.Direction != "egress" || def.Protocol != nil || def.PortRangeMin != nil {
		t.Errorf("default rule %+v", def)
	}
}

func TestFirewallProfileInUse(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "fw")
	mustSucceed(t, srv, "add_firewall_profile", values("name", "web"))
	profileID := srv.FirewallProfiles()[1].ID

	var current profile
	read(t, srv, "get_instance_firewall_profile", sid(id), &current)
	if current.Name != "default" {
		t.Errorf("new instance has profile %q", current.Name)
	}
	mustFail(t, srv, "set_instance_firewall", values("serviceid", itoa(id), "name", "nope"), "Invalid name.")
	mustSucceed(t, srv, "set_instance_firewall", values("serviceid", itoa(id), "name", "web"))
	read(t, srv, "get_instance_firewall_profile", sid(id), &current)
	if current.Name != "web" {
		t.Errorf("profile %q after set_instance_firewall", current.Name)
	}

	mustFail(t, srv, "delete_firewall_profile", values("id", itoa(profileID)), "Profile is in use by an instance.")
	mustSucceed(t, srv, "edit_firewall_profile", values("id", itoa(profileID), "name", "web2", "description", "edited",
		"rules[0][direction]", "ingress", "rules[0][ethertype]", "IPv4", "rules[0][protocol]", "udp",
		"rules[0][port_range_min]", "53", "rules[0][port_range_max]", "53"))
	if p := srv.FirewallProfiles()[1]; p.Name != "web2" || p.Description != "edited" || len(p.Rules) != 1 {
		t.Errorf("after edit: %+v", p)
	}
	mustSucceed(t, srv, "set_instance_firewall", values("serviceid", itoa(id), "name", "default"))
	mustSucceed(t, srv, "delete_firewall_profile", values("id", itoa(profileID)))
	mustFail(t, srv, "delete_firewall_profile", values("id", itoa(profileID)), "Invalid id.")
	mustFail(t, srv, "delete_firewall_profile", values("id", "1"), "The account default profile cannot be deleted.")
}

func TestSSHKeys(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	mustSucceed(t, srv, "add_ssh_key", values("name", "alice", "public_key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA alice@example"))
	mustFail(t, srv, "add_ssh_key", values("name", "alice"), `An SSH key named "alice" already exists.`)
	mustFail(t, srv, "add_ssh_key", values("name", "bob", "public_key", "not a key"), "Invalid public_key.")
	mustSucceed(t, srv, "delete_ssh_key", values("name", "alice"))
	mustFail(t, srv, "delete_ssh_key", values("name", "alice"), "Invalid name.")
}

func TestMonitoringReads(t *testing.T) {
	srv := startServer(t, mockserver.Config{})
	id := createInstance(t, srv, "watched")
	var events []map[string]any
	read(t, srv, "get_instance_maintenance", sid(id), &events)
	if events == nil || len(events) != 0 {
		t.Errorf("maintenance %v, want an empty array", events)
	}
	srv.AddMaintenance(id, map[string]any{"title": "host reboot"})
	read(t, srv, "get_instance_maintenance", sid(id), &events)
	if len(events) != 1 || events[0]["title"] != "host reboot" {
		t.Errorf("maintenance %v", events)
	}
	srv.AddSMTPFilter(map[string]any{"serviceid": id, "reason": "spam"})
	srv.AddSMTPFilter(map[string]any{"serviceid": 4242})
	read(t, srv, "get_smtp_filters", nil, &events)
	if len(events) != 2 {
		t.Errorf("all SMTP filters: %v", events)
	}
	read(t, srv, "get_smtp_filters", sid(id), &events)
	if len(events) != 1 || events[0]["reason"] != "spam" {
		t.Errorf("SMTP filters of %d: %v", id, events)
	}
}
