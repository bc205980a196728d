package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// createMonitoredInstances orders one instance per name through the mock's API, outside
// Terraform, so that a test can seed events for it before the first plan. It returns the
// serviceids in the order of names.
func createMonitoredInstances(t *testing.T, srv *mockserver.Server, names ...string) []int {
	t.Helper()
	client, err := hostwinds.New(hostwinds.Config{Endpoint: srv.URL(), APIKey: mockserver.DefaultAPIKey, RequestsPerSecond: 1000})
	if err != nil {
		t.Fatalf("creating an API client for the mock: %v", err)
	}
	ids := make([]int, 0, len(names))
	for _, name := range names {
		err := client.AddInstance(context.Background(), hostwinds.CreateInstanceRequest{
			Name: name, ImageUUID: mockserver.ImageUbuntu2404, PlanID: 301, LocationID: 1,
		})
		if err != nil {
			t.Fatalf("creating instance %s in the mock: %v", name, err)
		}
		matches, err := client.FindInstancesByName(context.Background(), name)
		if err != nil || len(matches) != 1 {
			t.Fatalf("finding instance %s in the mock: %d matches, error %v", name, len(matches), err)
		}
		ids = append(ids, int(matches[0].ID.Int()))
	}
	return ids
}

// maintenanceEvent is the expected object of one element of events.
func maintenanceEvent(id, eventType, status, description, start, end, raw string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":          knownvalue.StringExact(id),
		"type":        knownvalue.StringExact(eventType),
		"status":      knownvalue.StringExact(status),
		"description": knownvalue.StringExact(description),
		"start":       knownvalue.StringExact(start),
		"end":         knownvalue.StringExact(end),
		"raw":         knownvalue.StringExact(raw),
	})
}

func TestAccMaintenanceDataSource_events(t *testing.T) {
	srv := startMock(t)
	ids := createMonitoredInstances(t, srv, "mail-busy", "mail-done", "mail-quiet", "mail-started")
	busy, done, quiet, started := ids[0], ids[1], ids[2], ids[3]
	srv.AddMaintenance(busy, map[string]any{
		"id": "m-1", "type": "network", "status": "Scheduled", "description": "Switch upgrade",
		"start": "2025-03-01 02:00:00", "end": "2025-03-01 04:00:00",
	})
	// A numeric id, a status in other case with spaces, no type or times, and an extra field.
	srv.AddMaintenance(busy, map[string]any{"id": 7, "status": " In Progress ", "node": map[string]any{"rack": 12}})
	srv.AddMaintenance(done, map[string]any{"id": "m-2", "status": "completed"})
	srv.AddMaintenance(started, map[string]any{"id": "m-3", "status": "STARTED"})

	config := providerBlock(srv)
	for name, id := range map[string]int{"busy": busy, "done": done, "quiet": quiet, "started": started} {
		config += fmt.Sprintf("data \"hostwinds_instance_maintenance\" %q {\n  instance_id = \"%d\"\n}\n", name, id)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hostwinds_instance_maintenance.busy", tfjsonpath.New("events"), knownvalue.ListExact([]knownvalue.Check{
					maintenanceEvent("m-1", "network", "Scheduled", "Switch upgrade", "2025-03-01 02:00:00", "2025-03-01 04:00:00",
						`{"description":"Switch upgrade","end":"2025-03-01 04:00:00","id":"m-1","start":"2025-03-01 02:00:00","status":"Scheduled","type":"network"}`),
					maintenanceEvent("7", "", " In Progress ", "", "", "",
						`{"id":7,"node":{"rack":12},"status":" In Progress "}`),
				})),
				statecheck.ExpectKnownValue("data.hostwinds_instance_maintenance.busy", tfjsonpath.New("in_progress"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.hostwinds_instance_maintenance.busy", tfjsonpath.New("instance_id"), knownvalue.StringExact(fmt.Sprint(busy))),
				statecheck.ExpectKnownValue("data.hostwinds_instance_maintenance.done", tfjsonpath.New("events"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.hostwinds_instance_maintenance.done", tfjsonpath.New("in_progress"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.hostwinds_instance_maintenance.quiet", tfjsonpath.New("events"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.hostwinds_instance_maintenance.quiet", tfjsonpath.New("in_progress"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.hostwinds_instance_maintenance.started", tfjsonpath.New("in_progress"), knownvalue.Bool(true)),
			},
		}},
	})
}

func TestAccMaintenanceDataSource_invalidInstance(t *testing.T) {
	srv := startMock(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(srv) + `data "hostwinds_instance_maintenance" "x" { instance_id = "mail-1" }`,
				ExpectError: errorPattern(`instance_id.*must be a numeric serviceid`),
			},
			{
				Config:      providerBlock(srv) + `data "hostwinds_instance_maintenance" "x" { instance_id = "0" }`,
				ExpectError: errorPattern(`must be a numeric serviceid`),
			},
			{
				// The invalid values above were rejected while validating, before any request.
				PreConfig: func() {
					if n := srv.Calls(hostwinds.ActionGetInstanceMaintenance); n != 0 {
						t.Errorf("get_instance_maintenance was called %d times for invalid instance ids, want 0", n)
					}
				},
				Config:      providerBlock(srv) + `data "hostwinds_instance_maintenance" "x" { instance_id = "4242" }`,
				ExpectError: errorPattern(`Instance not found.*No instance with serviceid 4242 exists`),
			},
			{
				Config:      providerBlock(srv) + `data "hostwinds_instance_maintenance" "x" {}`,
				ExpectError: errorPattern(`The argument "instance_id" is required`),
			},
		},
	})
}
