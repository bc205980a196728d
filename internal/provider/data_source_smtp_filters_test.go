package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// smtpEvent is the expected object of one element of events.
func smtpEvent(id, serviceID, ip, eventType, reason, createdAt, raw string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":         knownvalue.StringExact(id),
		"serviceid":  knownvalue.StringExact(serviceID),
		"ip":         knownvalue.StringExact(ip),
		"type":       knownvalue.StringExact(eventType),
		"reason":     knownvalue.StringExact(reason),
		"created_at": knownvalue.StringExact(createdAt),
		"raw":        knownvalue.StringExact(raw),
	})
}

func TestAccSMTPFiltersDataSource_events(t *testing.T) {
	srv := startMock(t)
	ids := createMonitoredInstances(t, srv, "mail-blocked", "mail-limited", "mail-clean")
	blocked, limited, clean := ids[0], ids[1], ids[2]
	srv.AddSMTPFilter(map[string]any{
		"id": 1, "serviceid": blocked, "ip": "192.0.2.10", "type": "block", "reason": "spam complaints",
		"created_at": "2025-01-02 03:04:05",
	})
	srv.AddSMTPFilter(map[string]any{"id": "f-2", "serviceid": limited, "reason": "volume", "count": 350})
	// An event of no instance shows only in the account-wide list.
	srv.AddSMTPFilter(map[string]any{"id": 3, "type": "notice"})

	blockedEvent := smtpEvent("1", fmt.Sprint(blocked), "192.0.2.10", "block", "spam complaints", "2025-01-02 03:04:05",
		fmt.Sprintf(`{"created_at":"2025-01-02 03:04:05","id":1,"ip":"192.0.2.10","reason":"spam complaints","serviceid":%d,"type":"block"}`, blocked))
	limitedEvent := smtpEvent("f-2", fmt.Sprint(limited), "", "", "volume", "",
		fmt.Sprintf(`{"count":350,"id":"f-2","reason":"volume","serviceid":%d}`, limited))
	accountEvent := smtpEvent("3", "", "", "notice", "", "", `{"id":3,"type":"notice"}`)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + fmt.Sprintf(`
data "hostwinds_smtp_filters" "account" {}

data "hostwinds_smtp_filters" "blocked" {
  instance_id = "%d"
}

data "hostwinds_smtp_filters" "clean" {
  instance_id = "%d"
}
`, blocked, clean),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hostwinds_smtp_filters.account", tfjsonpath.New("events"),
					knownvalue.ListExact([]knownvalue.Check{blockedEvent, limitedEvent, accountEvent})),
				statecheck.ExpectKnownValue("data.hostwinds_smtp_filters.account", tfjsonpath.New("instance_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.hostwinds_smtp_filters.blocked", tfjsonpath.New("events"),
					knownvalue.ListExact([]knownvalue.Check{blockedEvent})),
				statecheck.ExpectKnownValue("data.hostwinds_smtp_filters.clean", tfjsonpath.New("events"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccSMTPFiltersDataSource_emptyAccount(t *testing.T) {
	srv := startMock(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `data "hostwinds_smtp_filters" "account" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hostwinds_smtp_filters.account", tfjsonpath.New("events"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccSMTPFiltersDataSource_invalidInstance(t *testing.T) {
	srv := startMock(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(srv) + `data "hostwinds_smtp_filters" "x" { instance_id = "mail-1" }`,
				ExpectError: errorPattern(`instance_id.*must be a numeric serviceid`),
			},
			{
				// The invalid value above was rejected while validating, before any request.
				PreConfig: func() {
					if n := srv.Calls(hostwinds.ActionGetSMTPFilters); n != 0 {
						t.Errorf("get_smtp_filters was called %d times for an invalid instance id, want 0", n)
					}
				},
				Config:      providerBlock(srv) + `data "hostwinds_smtp_filters" "x" { instance_id = "4242" }`,
				ExpectError: errorPattern(`Instance not found.*No instance with serviceid 4242 exists`),
			},
		},
	})
}
