package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

func rdnsBlock(name, ipAddress, ptr string) string {
	return fmt.Sprintf(`
resource "hostwinds_rdns" %q {
  instance_id = hostwinds_instance.test.id
  ip_address  = %s
  dns_ptr     = %q
}
`, name, ipAddress, ptr)
}

// mainAndSecondaryPTRConfig sets the PTR of the primary IPv4 address and of one secondary address.
func mainAndSecondaryPTRConfig(srv *mockserver.Server, mainPTR, secondaryPTR string) string {
	return hostConfig(srv, secondaryIPBlock("test", "")+
		rdnsBlock("main", "hostwinds_instance.test.main_ip", mainPTR)+
		rdnsBlock("secondary", "hostwinds_secondary_ip.test.address", secondaryPTR))
}

// mockPTR returns the PTR record the mock holds for an address of its only instance.
func mockPTR(srv *mockserver.Server, address string) (string, error) {
	instance, err := onlyInstance(srv)
	if err != nil {
		return "", err
	}
	for _, ip := range srv.InstanceIPs(instance.ServiceID) {
		if ip.IP == address {
			return ip.RDNS, nil
		}
	}
	return "", fmt.Errorf("the mock's instance has no address %s", address)
}

// checkMockPTR checks the mock's PTR record of the address held by an attribute in state.
func checkMockPTR(srv *mockserver.Server, resourceAddress, attribute, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[resourceAddress]
		if !ok {
			return fmt.Errorf("%s is not in state", resourceAddress)
		}
		address := rs.Primary.Attributes[attribute]
		got, err := mockPTR(srv, address)
		if err != nil {
			return err
		}
		if want == "" {
			instance, _ := onlyInstance(srv)
			want = fmt.Sprintf("hwsrv-%d.hostwindsdns.com", instance.ServiceID)
		}
		if got != want {
			return fmt.Errorf("the mock's PTR of %s is %q, want %q", address, got, want)
		}
		return nil
	}
}

func TestAccRDNS_mainAndSecondaryAddresses(t *testing.T) {
	srv := startIPMock(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: mainAndSecondaryPTRConfig(srv, "mail.example.com.", "mx2.example.com"),
				ConfigStateChecks: []statecheck.StateCheck{
					// State keeps the configured spelling, and the API gets the name without the dot.
					statecheck.ExpectKnownValue("hostwinds_rdns.main", tfjsonpath.New("dns_ptr"), knownvalue.StringExact("mail.example.com.")),
					statecheck.ExpectKnownValue("hostwinds_rdns.secondary", tfjsonpath.New("dns_ptr"), knownvalue.StringExact("mx2.example.com")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMockPTR(srv, instanceAddress, "main_ip", "mail.example.com"),
					checkMockPTR(srv, secondaryIPAddress, "address", "mx2.example.com"),
					resource.TestCheckResourceAttrPair("hostwinds_rdns.main", "ip_address", instanceAddress, "main_ip"),
					func(s *terraform.State) error {
						rs := s.RootModule().Resources["hostwinds_rdns.secondary"].Primary
						if want := rs.Attributes["instance_id"] + "/" + rs.Attributes["ip_address"]; rs.ID != want {
							return fmt.Errorf("id is %q, want %q", rs.ID, want)
						}
						return nil
					},
				),
			},
			{
				ResourceName:      "hostwinds_rdns.secondary",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// The trailing dot and letter case make no difference.
				Config:   mainAndSecondaryPTRConfig(srv, "mail.example.com", "MX2.Example.com."),
				PlanOnly: true,
			},
			{
				Config:           mainAndSecondaryPTRConfig(srv, "smtp.example.com", "mx2.example.com"),
				ConfigPlanChecks: expectAction("hostwinds_rdns.main", plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMockPTR(srv, instanceAddress, "main_ip", "smtp.example.com"),
					checkCalls(srv, "add_ip", 1),
				),
			},
			{
				// A PTR changed behind Terraform's back is set back in place.
				PreConfig: func() {
					instance, _ := onlyInstance(srv)
					srv.SetRDNS(instance.ServiceID, instance.MainIP, "spam.example.net")
				},
				Config:           mainAndSecondaryPTRConfig(srv, "smtp.example.com", "mx2.example.com"),
				ConfigPlanChecks: expectAction("hostwinds_rdns.main", plancheck.ResourceActionUpdate),
				Check:            checkMockPTR(srv, instanceAddress, "main_ip", "smtp.example.com"),
			},
			{
				// Destroying the records restores the default PTR and keeps the addresses.
				Config: hostConfig(srv, secondaryIPBlock("test", "")),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMockPTR(srv, instanceAddress, "main_ip", ""),
					checkMockPTR(srv, secondaryIPAddress, "address", ""),
					checkSecondaryAddresses(srv, secondaryIPAddress),
				),
			},
		},
	})
}

func TestAccRDNS_ipv6SpellingsShowNoDiff(t *testing.T) {
	srv := startIPMock(t)
	// The mock gives its first instance the IPv6 address 2001:db8:0:1::1.
	literal := func(spelling string) string {
		return hostConfig(srv, rdnsBlock("v6", fmt.Sprintf("%q", spelling), "mail6.example.com"))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: hostConfig(srv, rdnsBlock("v6", "hostwinds_instance.test.ipv6_address", "mail6.example.com")),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(instanceAddress, "ipv6_address", "2001:db8:0:1::1"),
					checkMockPTR(srv, instanceAddress, "ipv6_address", "mail6.example.com"),
				),
			},
			{Config: literal("2001:0db8:0000:0001:0000:0000:0000:0001"), PlanOnly: true},
			{Config: literal("2001:DB8:0:1:0:0:0:1"), PlanOnly: true},
			{
				Config:           literal("2001:db8:0:1::1"),
				ConfigPlanChecks: expectAction("hostwinds_rdns.v6", plancheck.ResourceActionNoop),
			},
			{
				ResourceName:      "hostwinds_rdns.v6",
				ImportState:       true,
				ImportStateId:     "1000/2001:0DB8::1:0:0:0:1",
				ImportStateVerify: true,
			},
		},
	})
	if n := srv.Calls("set_rdns"); n != 2 {
		t.Errorf("set_rdns was called %d times, want 2 (the create and the destroy)", n)
	}
}

func TestAccRDNS_addressOfAnotherInstanceRejected(t *testing.T) {
	srv := startIPMock(t)
	config := providerBlock(srv) + fmt.Sprintf(`
resource "hostwinds_instance" "a" {
  name        = "rdns-a"
  location_id = 1
  plan_id     = 301
  image       = %[1]q
}

resource "hostwinds_instance" "b" {
  name        = "rdns-b"
  location_id = 1
  plan_id     = 301
  image       = %[1]q
}
`, mockserver.ImageUbuntu2404)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config: config + `
resource "hostwinds_rdns" "wrong" {
  instance_id = hostwinds_instance.a.id
  ip_address  = hostwinds_instance.b.main_ip
  dns_ptr     = "mail.example.com"
}
`,
				// Both instances exist, so the plan can already tell the address is not instance a's.
				PlanOnly:    true,
				ExpectError: errorPattern(`address 192\.0\.2\.1[01] is not an address of instance 100[01], whose addresses are`),
			},
		},
	})
	if n := srv.Calls("set_rdns"); n != 0 {
		t.Errorf("set_rdns was called %d times, want 0", n)
	}
}

func TestAccRDNS_invalidInputRejectedAtPlan(t *testing.T) {
	srv := startIPMock(t)
	config := func(instanceID, ip, ptr string) string {
		return providerBlock(srv) + fmt.Sprintf(`
resource "hostwinds_rdns" "test" {
  instance_id = %q
  ip_address  = %q
  dns_ptr     = %q
}
`, instanceID, ip, ptr)
	}
	longLabel := strings.Repeat("a", 64)
	longName := strings.Repeat("abcdefghi.", 25) + "example"
	cases := []struct{ config, want string }{
		{config("1000", "192.0.2.10", "mail_1.example.com"), `dns_ptr is "mail_1.example.com".*label "mail_1"`},
		{config("1000", "192.0.2.10", longLabel+".example.com"), `label "a{64}" is not 1 to 63`},
		{config("1000", "192.0.2.10", longName), `257 characters long.*at most 253`},
		{config("1000", "192.0.2.10", "mail..example.com"), `empty label`},
		{config("1000", "192.0.2.10", ""), `dns_ptr is "", but it is empty`},
		{config("1000", "192.0.2.10", "-mail.example.com"), `label "-mail"`},
		{config("1000", "192.0.2.300", "mail.example.com"), `ip_address is "192.0.2.300".*IPv4 or IPv6 address`},
		{config("1000", "2001:db8::1/64", "mail.example.com"), `ip_address is "2001:db8::1/64"`},
		{config("1000", "fe80::1%eth0", "mail.example.com"), `ip_address is "fe80::1%eth0".*without a zone`},
		{config("1000", "mail.example.com", "mail.example.com"), `ip_address is "mail.example.com"`},
		{config("web-1", "192.0.2.10", "mail.example.com"), `instance_id is "web-1".*numeric serviceid`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: errorPattern(c.want)})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps:                    steps,
	})
	if n := srv.MutatingCalls(); n != 0 {
		t.Errorf("the mock received %d mutating calls, want 0: %v", n, srv.CallCounts())
	}
}

func TestAccRDNS_instanceDeletedLeavesState(t *testing.T) {
	srv := startIPMock(t)
	config := mainAndSecondaryPTRConfig(srv, "mail.example.com", "mx2.example.com")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					instance, err := onlyInstance(srv)
					if err != nil {
						t.Fatal(err)
					}
					srv.DeleteInstance(instance.ServiceID)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(instanceAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(secondaryIPAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("hostwinds_rdns.main", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("hostwinds_rdns.secondary", plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSecondaryAddresses(srv, secondaryIPAddress),
					checkMockPTR(srv, instanceAddress, "main_ip", "mail.example.com"),
					checkMockPTR(srv, secondaryIPAddress, "address", "mx2.example.com"),
				),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(srv.Instances()); n != 0 {
				return fmt.Errorf("after destroy the mock holds %d instances", n)
			}
			return nil
		},
	})
}
