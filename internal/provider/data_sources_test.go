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

func TestAccPlansDataSource_filtersAndPrices(t *testing.T) {
	srv := startMock(t)
	plan := func(id int64, name string, cpu, memory, disk, bandwidth int64, monthly float64, prices map[string]float64) knownvalue.Check {
		priceChecks := map[string]knownvalue.Check{}
		for cycle, price := range prices {
			priceChecks[cycle] = knownvalue.Float64Exact(price)
		}
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":            knownvalue.Int64Exact(id),
			"name":          knownvalue.StringExact(name),
			"cpu":           knownvalue.Int64Exact(cpu),
			"memory_mb":     knownvalue.Int64Exact(memory),
			"disk_gb":       knownvalue.Int64Exact(disk),
			"bandwidth_gb":  knownvalue.Int64Exact(bandwidth),
			"monthly_price": knownvalue.Float64Exact(monthly),
			"prices":        knownvalue.MapExact(priceChecks),
		})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "hostwinds_plans" "all" {}

data "hostwinds_plans" "mail" {
  min_cpu       = 1
  min_memory_mb = 2048
  min_disk_gb   = 50
}

data "hostwinds_plans" "managed_big" {
  managed = true
  min_cpu = 4
}

data "hostwinds_plans" "none" {
  min_cpu = 64
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hostwinds_plans.all", tfjsonpath.New("plans"), knownvalue.ListSizeExact(4)),
				statecheck.ExpectKnownValue("data.hostwinds_plans.all", tfjsonpath.New("plans").AtSliceIndex(0).AtMapKey("id"), knownvalue.Int64Exact(304)),
				statecheck.ExpectKnownValue("data.hostwinds_plans.mail", tfjsonpath.New("plans"), knownvalue.ListExact([]knownvalue.Check{
					plan(301, "VPS 2GB", 1, 2048, 50, 2000, 9.99, map[string]float64{
						"monthly": 9.99, "quarterly": 29.97, "semiannually": 56.94, "annually": 107.89, "biennially": 203.80, "triennially": 287.71,
					}),
					plan(302, "VPS 4GB", 2, 4096, 75, 3000, 19.99, map[string]float64{
						"monthly": 19.99, "quarterly": 59.97, "semiannually": 113.94, "annually": 215.89, "biennially": 407.80, "triennially": 575.71,
					}),
					plan(303, "VPS 8GB", 4, 8192, 150, 4000, 39.99, map[string]float64{
						"monthly": 39.99, "quarterly": 119.97, "semiannually": 227.94, "annually": 431.89, "biennially": 815.80, "triennially": 1151.71,
					}),
				})),
				statecheck.ExpectKnownValue("data.hostwinds_plans.managed_big", tfjsonpath.New("plans"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.hostwinds_plans.managed_big", tfjsonpath.New("plans").AtSliceIndex(0).AtMapKey("monthly_price"), knownvalue.Float64Exact(59.99)),
				statecheck.ExpectKnownValue("data.hostwinds_plans.none", tfjsonpath.New("plans"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

func TestAccPricingDataSource_monthlyTotals(t *testing.T) {
	srv := startMock(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "hostwinds_pricing" "reference" {
  plan_id            = 301
  secondary_ip_count = 3
}

data "hostwinds_pricing" "annual_managed" {
  plan_id          = 301
  billing_cycle    = "annually"
  managed          = true
  ip_monthly_price = 3.5
  secondary_ip_count = 2
}

data "hostwinds_pricing" "bare" {
  plan_id = 303
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hostwinds_pricing.reference", tfjsonpath.New("plan_name"), knownvalue.StringExact("VPS 2GB")),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.reference", tfjsonpath.New("billing_cycle"), knownvalue.StringExact("monthly")),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.reference", tfjsonpath.New("cycle_price"), knownvalue.Float64Exact(9.99)),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.reference", tfjsonpath.New("plan_monthly_price"), knownvalue.Float64Exact(9.99)),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.reference", tfjsonpath.New("ip_monthly_price"), knownvalue.Float64Exact(4.99)),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.reference", tfjsonpath.New("ip_monthly_cost"), knownvalue.Float64Exact(14.97)),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.reference", tfjsonpath.New("monthly_total"), knownvalue.Float64Exact(24.96)),
				// Managed 2 GB: 29.99 a month, 29.99 * 12 * 0.9 = 323.89 a year, 26.99 a month.
				statecheck.ExpectKnownValue("data.hostwinds_pricing.annual_managed", tfjsonpath.New("cycle_price"), knownvalue.Float64Exact(323.89)),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.annual_managed", tfjsonpath.New("plan_monthly_price"), knownvalue.Float64Exact(26.99)),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.annual_managed", tfjsonpath.New("ip_monthly_cost"), knownvalue.Float64Exact(7)),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.annual_managed", tfjsonpath.New("monthly_total"), knownvalue.Float64Exact(33.99)),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.bare", tfjsonpath.New("monthly_total"), knownvalue.Float64Exact(39.99)),
				statecheck.ExpectKnownValue("data.hostwinds_pricing.bare", tfjsonpath.New("secondary_ip_count"), knownvalue.Int64Exact(0)),
			},
		}},
	})
}

func TestAccPricingDataSource_invalidInput(t *testing.T) {
	srv := startMock(t)
	cases := []struct{ config, want string }{
		{`plan_id = 999`, `plan_id 999 is not in the price list.*301`},
		{"plan_id = 301\nbilling_cycle = \"weekly\"", `billing_cycle.*monthly`},
		{"plan_id = 301\nsecondary_ip_count = -1", `secondary_ip_count.*between 0 and 1000`},
		{"plan_id = 301\nip_monthly_price = -4.99", `ip_monthly_price.*between`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      providerBlock(srv) + fmt.Sprintf("data \"hostwinds_pricing\" \"x\" {\n%s\n}\n", c.config),
			ExpectError: errorPattern(c.want),
		})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps:                    steps,
	})
}

func TestAccCatalogueDataSources_locationsAndImages(t *testing.T) {
	srv := startMock(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "hostwinds_locations" "all" {}
data "hostwinds_images" "all" {}
data "hostwinds_images" "ubuntu" {
  os = "Ubuntu"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hostwinds_locations.all", tfjsonpath.New("locations"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(1), "name": knownvalue.StringExact("Seattle"), "city": knownvalue.StringExact("Seattle"), "country": knownvalue.StringExact("US")}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(2), "name": knownvalue.StringExact("Dallas"), "city": knownvalue.StringExact("Dallas"), "country": knownvalue.StringExact("US")}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(3), "name": knownvalue.StringExact("Amsterdam"), "city": knownvalue.StringExact("Amsterdam"), "country": knownvalue.StringExact("NL")}),
				})),
				statecheck.ExpectKnownValue("data.hostwinds_images.all", tfjsonpath.New("images"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue("data.hostwinds_images.ubuntu", tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"uuid":    knownvalue.StringExact(mockserver.ImageUbuntu2404),
						"name":    knownvalue.StringExact("Ubuntu 24.04"),
						"os":      knownvalue.StringExact("ubuntu"),
						"version": knownvalue.StringExact("24.04"),
					}),
				})),
			},
		}},
	})
}

func TestAccInstanceDataSource_byIDAndName(t *testing.T) {
	srv := startMock(t)
	config := instanceConfig(srv, "lookup-me", 302, mockserver.ImageDebian12, "") + `
data "hostwinds_instance" "by_id" {
  id = hostwinds_instance.test.id
}

data "hostwinds_instance" "by_name" {
  name       = "lookup-me"
  depends_on = [hostwinds_instance.test]
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(srv) + `data "hostwinds_instance" "x" { name = "nobody" }`,
				ExpectError: errorPattern(`No instance is named "nobody"`),
			},
			{
				Config:      providerBlock(srv) + `data "hostwinds_instance" "x" { id = "4242" }`,
				ExpectError: errorPattern(`No instance with serviceid 4242 exists`),
			},
			{
				Config:      providerBlock(srv) + `data "hostwinds_instance" "x" {}`,
				ExpectError: errorPattern(`one \(and only one\) of \[id,name\] is required`),
			},
			{
				Config:      providerBlock(srv) + `data "hostwinds_instance" "x" { id = "web-1" }`,
				ExpectError: errorPattern(`must be a numeric serviceid`),
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hostwinds_instance.by_id", tfjsonpath.New("name"), knownvalue.StringExact("lookup-me")),
					statecheck.ExpectKnownValue("data.hostwinds_instance.by_id", tfjsonpath.New("plan_id"), knownvalue.Int64Exact(302)),
					statecheck.ExpectKnownValue("data.hostwinds_instance.by_id", tfjsonpath.New("image"), knownvalue.StringExact(mockserver.ImageDebian12)),
					statecheck.ExpectKnownValue("data.hostwinds_instance.by_id", tfjsonpath.New("disk_gb"), knownvalue.Int64Exact(75)),
					statecheck.ExpectKnownValue("data.hostwinds_instance.by_name", tfjsonpath.New("id"), knownvalue.StringExact("1000")),
					statecheck.ExpectKnownValue("data.hostwinds_instance.by_name", tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
				},
			},
		},
	})
}
