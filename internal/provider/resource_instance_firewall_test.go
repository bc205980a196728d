package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// firewallConfig is an instance on the named profile, with two profiles to choose from.
func firewallConfig(srv *mockserver.Server, profile string) string {
	return providerBlock(srv) + fmt.Sprintf(`
resource "hostwinds_firewall_profile" "smtp" {
  name  = "smtp"
  rules = [
    { direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25 },
    { direction = "ingress", protocol = "tcp", port_range_min = 587, port_range_max = 587 },
  ]
}

resource "hostwinds_firewall_profile" "locked" {
  name  = "locked"
  rules = [
    { direction = "ingress", protocol = "tcp", port_range_min = 22, port_range_max = 22 },
  ]
}

resource "hostwinds_instance" "test" {
  name             = "firewalled"
  location_id      = 1
  plan_id          = 301
  image            = %q
  firewall_profile = %s
}
`, mockserver.ImageUbuntu2404, profile)
}

func TestAccInstance_firewallProfileAttachAndSwitch(t *testing.T) {
	srv := startMock(t)
	client := apiClient(t, srv)
	profileOf := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			instance, err := onlyInstance(srv)
			if err != nil {
				return err
			}
			profile, err := client.GetInstanceFirewallProfile(context.Background(), int64(instance.ServiceID))
			if err != nil {
				return err
			}
			if profile.Name != want {
				return fmt.Errorf("the mock's instance uses profile %q, want %q", profile.Name, want)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				// Without the attribute, the account's default profile is read into state.
				Config: instanceConfig(srv, "firewalled", 301, mockserver.ImageUbuntu2404, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("firewall_profile"), knownvalue.StringExact("default")),
				},
			},
			{
				Config:           firewallConfig(srv, "hostwinds_firewall_profile.smtp.name"),
				ConfigPlanChecks: expectUpdate(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("firewall_profile"), knownvalue.StringExact("smtp")),
				},
				Check: profileOf("smtp"),
			},
			{
				Config:           firewallConfig(srv, "hostwinds_firewall_profile.locked.name"),
				ConfigPlanChecks: expectUpdate(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("firewall_profile"), knownvalue.StringExact("locked")),
				},
				Check: profileOf("locked"),
			},
			{
				ResourceName:            instanceAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Switched behind Terraform's back: the plan puts the configured profile back.
				PreConfig: func() {
					instance, err := onlyInstance(srv)
					if err != nil {
						t.Fatal(err)
					}
					if err := client.SetInstanceFirewall(context.Background(), int64(instance.ServiceID), "default"); err != nil {
						t.Fatal(err)
					}
				},
				Config: firewallConfig(srv, "hostwinds_firewall_profile.locked.name"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(instanceAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("firewall_profile"), knownvalue.StringExact("locked")),
				}},
				Check: profileOf("locked"),
			},
		},
	})
	if n := len(srv.FirewallProfiles()); n != 1 {
		t.Errorf("after destroy the mock holds %d profiles, want only the default", n)
	}
}
