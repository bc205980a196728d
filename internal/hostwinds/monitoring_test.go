package hostwinds

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

func TestEventText(t *testing.T) {
	events, err := DecodeEvents([]byte(`[{"id": 7, "status": "In Progress", "done": false,
		"window": {"from": "a"}, "note": null, "price": 9.90}]`))
	if err != nil {
		t.Fatalf("DecodeEvents: %v", err)
	}
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	e := events[0]
	cases := map[string]string{
		"id":      "7",
		"status":  "In Progress",
		"done":    "false",
		"window":  `{"from":"a"}`,
		"note":    "",
		"price":   "9.90",
		"missing": "",
	}
	for name, want := range cases {
		if got := e.Text(name); got != want {
			t.Errorf("Text(%q) = %q, want %q", name, got, want)
		}
	}
	if want := `{"id":7,"status":"In Progress","done":false,"window":{"from":"a"},"note":null,"price":9.90}`; e.Raw != want {
		t.Errorf("Raw = %s, want %s", e.Raw, want)
	}
}

func TestDecodeEventsShapes(t *testing.T) {
	cases := []struct {
		name    string
		success string
		wantIDs []string
	}{
		{"array", `[{"id":"b"},{"id":"a"}]`, []string{"b", "a"}},
		{"empty array", `[]`, []string{}},
		{"null", `null`, []string{}},
		{"object keyed by id", `{"2":{"id":"two"},"1":{"id":"one"}}`, []string{"one", "two"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events, err := DecodeEvents([]byte(c.success))
			if err != nil {
				t.Fatalf("DecodeEvents: %v", err)
			}
			if events == nil {
				t.Fatal("DecodeEvents returned nil, want an empty list")
			}
			ids := []string{}
			for _, e := range events {
				ids = append(ids, e.Text("id"))
			}
			if !reflect.DeepEqual(ids, c.wantIDs) {
				t.Errorf("ids = %v, want %v", ids, c.wantIDs)
			}
		})
	}
}

func TestDecodeEventsRejectsNonObjects(t *testing.T) {
	for _, success := range []string{`["text"]`, `[1]`, `[null]`, `"text"`, `42`} {
		if _, err := DecodeEvents([]byte(success)); err == nil {
			t.Errorf("DecodeEvents(%s) succeeded, want an error", success)
		}
	}
}

func TestGetInstanceMaintenanceNullSuccess(t *testing.T) {
	api := newFakeAPI(t, answerJSON(http.StatusOK, `{"success":null}`))
	c := newTestClient(t, api.URL())

	events, err := c.GetInstanceMaintenance(context.Background(), 5)
	if err != nil {
		t.Fatalf("GetInstanceMaintenance: %v", err)
	}
	if events == nil || len(events) != 0 {
		t.Errorf("events = %#v, want an empty list", events)
	}
	if got := api.Requests()[0].Form.Get("serviceid"); got != "5" {
		t.Errorf("serviceid = %q, want 5", got)
	}
}

func TestMonitoringReadsAgainstMock(t *testing.T) {
	srv, err := mockserver.Start(mockserver.Config{APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL())
	ctx := context.Background()
	if err := c.AddInstance(ctx, CreateInstanceRequest{Name: "mail-1", ImageUUID: mockserver.ImageUbuntu2404, PlanID: 301, LocationID: 1}); err != nil {
		t.Fatal(err)
	}
	id := srv.Instances()[0].ServiceID
	srv.AddMaintenance(id, map[string]any{"id": "m-1", "status": "scheduled"})
	srv.AddSMTPFilter(map[string]any{"id": 1, "serviceid": id, "reason": "spam"})
	srv.AddSMTPFilter(map[string]any{"id": 2, "serviceid": 999, "reason": "volume"})

	maintenance, err := c.GetInstanceMaintenance(ctx, int64(id))
	if err != nil {
		t.Fatalf("GetInstanceMaintenance: %v", err)
	}
	if len(maintenance) != 1 || maintenance[0].Text("status") != "scheduled" {
		t.Errorf("maintenance = %+v, want one scheduled event", maintenance)
	}

	all, err := c.GetSMTPFilters(ctx, 0)
	if err != nil {
		t.Fatalf("GetSMTPFilters(0): %v", err)
	}
	if len(all) != 2 {
		t.Errorf("got %d SMTP filter events for the account, want 2", len(all))
	}
	mine, err := c.GetSMTPFilters(ctx, int64(id))
	if err != nil {
		t.Fatalf("GetSMTPFilters(%d): %v", id, err)
	}
	if len(mine) != 1 || mine[0].Text("reason") != "spam" {
		t.Errorf("events of instance %d = %+v, want the spam event only", id, mine)
	}

	if _, err := c.GetInstanceMaintenance(ctx, 424242); !IsNotFound(err) {
		t.Errorf("maintenance of a missing instance: err = %v, want not found", err)
	}
	if _, err := c.GetSMTPFilters(ctx, 424242); !IsNotFound(err) {
		t.Errorf("SMTP filters of a missing instance: err = %v, want not found", err)
	}
}
