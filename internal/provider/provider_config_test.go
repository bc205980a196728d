package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

const locationsOnly = `
data "hostwinds_locations" "all" {}
`

func TestAccProvider_missingAPIKeyNamesBothSettings(t *testing.T) {
	srv := startMock(t)
	t.Setenv("HOSTWINDS_API_KEY", "")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf("provider \"hostwinds\" {\n  endpoint = %q\n}\n", srv.URL()) + locationsOnly,
			ExpectError: errorPattern(`Missing Hostwinds API key.*api_key.*HOSTWINDS_API_KEY`),
		}},
	})
	if n := srv.TotalCalls(); n != 0 {
		t.Errorf("the mock received %d calls without a key, want 0", n)
	}
}

func TestAccProvider_environmentVariables(t *testing.T) {
	srv := startMock(t)
	t.Setenv("HOSTWINDS_API_KEY", mockserver.DefaultAPIKey)
	t.Setenv("HOSTWINDS_API_URL", srv.URL())
	t.Setenv("HOSTWINDS_POLL_INTERVAL", "50ms")
	t.Setenv("HOSTWINDS_REQUESTS_PER_SECOND", "1000")
	t.Setenv("HOSTWINDS_MAX_RETRIES", "1")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: locationsOnly,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hostwinds_locations.all", tfjsonpath.New("locations"), knownvalue.ListSizeExact(3)),
			},
		}},
	})
}

func TestAccProvider_attributeWinsOverEnvironment(t *testing.T) {
	srv := startMock(t)
	t.Setenv("HOSTWINDS_API_KEY", "wrong-key-from-environment")
	t.Setenv("HOSTWINDS_API_URL", "http://127.0.0.1:1/cloud/api.php")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + locationsOnly,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hostwinds_locations.all", tfjsonpath.New("locations"), knownvalue.ListSizeExact(3)),
			},
		}},
	})
}

func TestAccProvider_wrongKeyExplainsAllowList(t *testing.T) {
	srv := startMock(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf("provider \"hostwinds\" {\n  endpoint = %q\n  api_key = \"not-the-key\"\n}\n", srv.URL()) + locationsOnly,
			ExpectError: errorPattern(`Not Authorized!.*expired.*IPv4 address is not on the key's allow-list`),
		}},
	})
}

func TestAccProvider_invalidSettingsRejected(t *testing.T) {
	srv := startMock(t)
	cases := []struct{ settings, want string }{
		{`endpoint = "clients.hostwinds.com/cloud/api.php"`, `endpoint.*not an absolute http or https URL`},
		{`endpoint = "ftp://127.0.0.1/api.php"`, `not an absolute http or https URL`},
		{`poll_interval = "fast"`, `poll_interval.*"fast".*duration`},
		{`poll_interval = "2h"`, `poll_interval.*duration from 10ms to 1m0s`},
		{`max_retries = -1`, `max_retries.*between 0 and 20`},
		{`requests_per_second = 0`, `requests_per_second.*between 0.1`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      fmt.Sprintf("provider \"hostwinds\" {\n  api_key = \"test-key\"\n  %s\n}\n", c.settings) + locationsOnly,
			ExpectError: errorPattern(c.want),
		})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps:                    steps,
	})
	if n := srv.TotalCalls(); n != 0 {
		t.Errorf("the mock received %d calls, want 0", n)
	}
}
