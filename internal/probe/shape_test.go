package probe

import (
	"encoding/json"
	"testing"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

func TestShapeChecks(t *testing.T) {
	const fullRule = `{"direction":"ingress","ethertype":"IPv4","protocol":"tcp","port_range_min":25,"port_range_max":25,"description":"smtp"}`
	cases := []struct {
		name         string
		action       string
		success      string
		wantMismatch string
		wantNote     string
	}{
		{
			name:    "profiles with null ports",
			action:  hostwinds.ActionGetFirewallProfiles,
			success: `[{"id":1,"name":"default","description":"","security_group_rules":[{"direction":"egress","ethertype":"IPv4","protocol":null,"port_range_min":null,"port_range_max":null,"description":""}]}]`,
		},
		{
			name:         "rule without port_range_max",
			action:       hostwinds.ActionGetFirewallProfiles,
			success:      `[{"id":1,"name":"mail","description":"","security_group_rules":[` + fullRule + `,{"direction":"ingress","ethertype":"IPv4","protocol":"tcp","port_range_min":587,"description":""}]}]`,
			wantMismatch: "missing fields: security_group_rules[].port_range_max",
		},
		{
			name:         "location with a string id that is not a number",
			action:       hostwinds.ActionGetLocations,
			success:      `[{"id":"sea","name":"Seattle","city":"Seattle","country":"US"}]`,
			wantMismatch: `the response does not decode into the client's type: "sea" is not a number`,
		},
		{
			name:         "instance summaries missing fields in different elements",
			action:       hostwinds.ActionGetInstanceIDs,
			success:      `[{"id":1,"hostname":"a","srvrname":"a","ips":[],"dedicatedip":"192.0.2.1"},{"id":2,"hostname":"b","srvrname":"b","dedicatedip":"192.0.2.2","ip_v6":""}]`,
			wantMismatch: "missing fields: ip_v6, ips",
		},
		{
			name:         "null list",
			action:       hostwinds.ActionGetPublicImages,
			success:      `null`,
			wantMismatch: "the success value is null, not an array",
		},
		{
			name:     "empty list",
			action:   hostwinds.ActionGetPublicImages,
			success:  `[]`,
			wantNote: emptyNote,
		},
		{
			name:         "instance without the assumed managed field",
			action:       hostwinds.ActionGetInstances,
			success:      `[{"serviceid":1,"srvrname":"a","hostname":"a","status":"ACTIVE","vm_state":"active","task_state":null,"power_state":"running","main_ip":"192.0.2.1","ip_v6":"","private_ip":"","location_id":1,"product_id":301,"template_uuid":"u","ram":2048,"cpu":1,"disk":50,"bandwidth":2000,"billingcycle":"monthly","ssh_keys":[],"password":"p","configkey":"k","created_at":"2025-01-01 00:00:00"}]`,
			wantMismatch: "missing fields: managed",
		},
		{
			name:         "price list option without prices",
			action:       hostwinds.ActionGetPriceList,
			success:      `{"vps":{"id":"11","rid":"301","name":"VPS","ram":"2048","cpu":"1","disk":"50","bandwidth":"2000","monthly":"9.99"}}`,
			wantMismatch: "missing fields: annually, biennially, quarterly, semiannually, triennially",
		},
		{
			name:         "SMTP event with other field names",
			action:       hostwinds.ActionGetSMTPFilters,
			success:      `[{"id":1,"serviceid":5,"ip":"192.0.2.1","type":"block","reason":"spam","date":"2025-01-01"}]`,
			wantMismatch: "events lack fields that the data source reads: created_at (the raw attribute still carries every field)",
		},
		{
			name:         "SMTP events that are not objects",
			action:       hostwinds.ActionGetSMTPFilters,
			success:      `["blocked"]`,
			wantMismatch: `the response does not decode into the client's event list: an event must be a JSON object, got "blocked"`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mismatch, note := shapeChecks[c.action](json.RawMessage(c.success))
			if mismatch != c.wantMismatch {
				t.Errorf("mismatch = %q, want %q", mismatch, c.wantMismatch)
			}
			if note != c.wantNote {
				t.Errorf("note = %q, want %q", note, c.wantNote)
			}
		})
	}
}
