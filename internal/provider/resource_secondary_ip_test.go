package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

const secondaryIPAddress = "hostwinds_secondary_ip.test"

// testIPDelay keeps a new address out of get_instance_ips for a moment, so the provider
// really has to poll for it.
const testIPDelay = 150 * time.Millisecond

// startIPMock starts a mock Hostwinds API whose new addresses appear after testIPDelay.
func startIPMock(t *testing.T) *mockserver.Server {
	t.Helper()
	srv, err := mockserver.Start(mockserver.Config{BuildDelay: testBuildDelay, TaskDelay: testTaskDelay, IPDelay: testIPDelay})
	if err != nil {
		t.Fatalf("starting the mock Hostwinds API: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// apiClient returns a client of srv, for changes made behind Terraform's back.
func apiClient(t *testing.T, srv *mockserver.Server) *hostwinds.Client {
	t.Helper()
	client, err := hostwinds.New(hostwinds.Config{Endpoint: srv.URL(), APIKey: mockserver.DefaultAPIKey, RequestsPerSecond: 1000})
	if err != nil {
		t.Fatalf("creating an API client for the mock: %v", err)
	}
	return client
}

// hostConfig is one instance named "ip-host" plus extra resources.
func hostConfig(srv *mockserver.Server, extra string) string {
	return instanceConfig(srv, "ip-host", 301, mockserver.ImageUbuntu2404, "") + extra
}

func secondaryIPBlock(name, extra string) string {
	return fmt.Sprintf(`
resource "hostwinds_secondary_ip" %q {
  instance_id = hostwinds_instance.test.id
%s
}
`, name, extra)
}

// secondaryAddresses returns the secondary addresses the mock lists for its only instance.
func secondaryAddresses(srv *mockserver.Server) ([]string, error) {
	instance, err := onlyInstance(srv)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, ip := range srv.InstanceIPs(instance.ServiceID) {
		if ip.Type == "secondary" {
			out = append(out, ip.IP)
		}
	}
	return out, nil
}

// checkSecondaryAddresses checks that the mock's secondary addresses are exactly those of the
// given resources in state.
func checkSecondaryAddresses(srv *mockserver.Server, resourceAddresses ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		listed, err := secondaryAddresses(srv)
		if err != nil {
			return err
		}
		var inState []string
		for _, name := range resourceAddresses {
			rs, ok := s.RootModule().Resources[name]
			if !ok {
				return fmt.Errorf("%s is not in state", name)
			}
			instanceID := rs.Primary.Attributes["instance_id"]
			address := rs.Primary.Attributes["address"]
			if rs.Primary.ID != instanceID+"/"+address {
				return fmt.Errorf("%s has id %q, want %s/%s", name, rs.Primary.ID, instanceID, address)
			}
			inState = append(inState, address)
		}
		slices.Sort(listed)
		slices.Sort(inState)
		if !slices.Equal(listed, inState) {
			return fmt.Errorf("the mock lists secondary addresses %v, state holds %v", listed, inState)
		}
		return nil
	}
}

func checkCalls(srv *mockserver.Server, action string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := srv.Calls(action); got != want {
			return fmt.Errorf("%s was called %d times, want %d", action, got, want)
		}
		return nil
	}
}

func expectAction(address string, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, action)}}
}

func TestAccSecondaryIP_createImportUpdateAndRelease(t *testing.T) {
	srv := startIPMock(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: hostConfig(srv, secondaryIPBlock("test", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(secondaryIPAddress, tfjsonpath.New("address"), knownvalue.StringRegexp(regexp.MustCompile(`^198\.51\.100\.\d+$`))),
					statecheck.ExpectKnownValue(secondaryIPAddress, tfjsonpath.New("regenerate_networking"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSecondaryAddresses(srv, secondaryIPAddress),
					checkCalls(srv, "add_ip", 1),
					checkCalls(srv, "regenerate_networking", 0),
				),
			},
			{
				ResourceName:            secondaryIPAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Only the flag changes: an update in state, with no call to Hostwinds.
				Config:           hostConfig(srv, secondaryIPBlock("test", "regenerate_networking = true")),
				ConfigPlanChecks: expectAction(secondaryIPAddress, plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSecondaryAddresses(srv, secondaryIPAddress),
					checkCalls(srv, "add_ip", 1),
					checkCalls(srv, "regenerate_networking", 0),
				),
			},
			{
				// Released with the flag set: delete_ip, then regenerate_networking.
				Config:           hostConfig(srv, ""),
				ConfigPlanChecks: expectAction(secondaryIPAddress, plancheck.ResourceActionDestroy),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSecondaryAddresses(srv),
					checkCalls(srv, "delete_ip", 1),
					checkCalls(srv, "regenerate_networking", 1),
					checkMockInstance(srv, func(i mockserver.Instance) error {
						if i.Status != "ACTIVE" || i.TaskState != nil {
							return fmt.Errorf("mock instance is %s with a task after regenerate_networking", i.Status)
						}
						return nil
					}),
				),
			},
			{
				Config: hostConfig(srv, secondaryIPBlock("test", "regenerate_networking = true")),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSecondaryAddresses(srv, secondaryIPAddress),
					checkCalls(srv, "add_ip", 2),
					checkCalls(srv, "regenerate_networking", 2),
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

func TestAccSecondaryIP_parallelCreatesGetDistinctAddresses(t *testing.T) {
	srv := startIPMock(t)
	config := hostConfig(srv, secondaryIPBlock("a", "")+secondaryIPBlock("b", ""))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSecondaryAddresses(srv, "hostwinds_secondary_ip.a", "hostwinds_secondary_ip.b"),
					checkCalls(srv, "add_ip", 2),
					func(s *terraform.State) error {
						a := s.RootModule().Resources["hostwinds_secondary_ip.a"].Primary.Attributes["address"]
						b := s.RootModule().Resources["hostwinds_secondary_ip.b"].Primary.Attributes["address"]
						if a == b {
							return fmt.Errorf("both resources hold %s", a)
						}
						return nil
					},
				),
			},
		},
	})
	if n := srv.Calls("add_ip"); n != 2 {
		t.Errorf("add_ip was called %d times, want 2", n)
	}
}

func TestAccSecondaryIP_lostAnswerAddsOnce(t *testing.T) {
	srv := startIPMock(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: hostConfig(srv, "")},
			{
				PreConfig: func() {
					srv.InjectFault(mockserver.Fault{Action: "add_ip", Kind: mockserver.FaultLostAnswer})
				},
				Config: hostConfig(srv, secondaryIPBlock("test", "")),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSecondaryAddresses(srv, secondaryIPAddress),
					checkCalls(srv, "add_ip", 1),
				),
			},
		},
	})
}

func TestAccSecondaryIP_removedOutsideTerraform(t *testing.T) {
	srv := startIPMock(t)
	config := hostConfig(srv, secondaryIPBlock("test", "")+`
resource "hostwinds_rdns" "test" {
  instance_id = hostwinds_instance.test.id
  ip_address  = hostwinds_secondary_ip.test.address
  dns_ptr     = "mx1.example.com"
}
`)
	var removed string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					addresses, err := secondaryAddresses(srv)
					if err != nil || len(addresses) != 1 {
						t.Fatalf("want one secondary address before the drift, got %v (%v)", addresses, err)
					}
					removed = addresses[0]
					instance, _ := onlyInstance(srv)
					srv.RemoveIP(instance.ServiceID, removed)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(secondaryIPAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("hostwinds_rdns.test", plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSecondaryAddresses(srv, secondaryIPAddress),
					checkCalls(srv, "add_ip", 2),
					checkCalls(srv, "delete_ip", 0),
					resource.TestCheckResourceAttrPair("hostwinds_rdns.test", "ip_address", secondaryIPAddress, "address"),
				),
			},
		},
	})
}

func TestAccSecondaryIP_primaryAddressIsNeverDeleted(t *testing.T) {
	srv := startIPMock(t)
	client := apiClient(t, srv)
	var originalPrimary string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: hostConfig(srv, secondaryIPBlock("test", ""))},
			{
				// set_main_ip outside Terraform makes the managed address the primary one.
				PreConfig: func() {
					instance, _ := onlyInstance(srv)
					addresses, err := secondaryAddresses(srv)
					if err != nil || len(addresses) != 1 {
						t.Fatalf("want one secondary address, got %v (%v)", addresses, err)
					}
					originalPrimary = instance.MainIP
					if err := client.SetMainIP(context.Background(), int64(instance.ServiceID), addresses[0]); err != nil {
						t.Fatal(err)
					}
				},
				Config:      hostConfig(srv, ""),
				ExpectError: errorPattern(`primary address of instance \d+.*never deletes a primary address.*terraform state rm`),
			},
			{
				PreConfig: func() {
					instance, _ := onlyInstance(srv)
					if err := client.SetMainIP(context.Background(), int64(instance.ServiceID), originalPrimary); err != nil {
						t.Fatal(err)
					}
				},
				Config: hostConfig(srv, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSecondaryAddresses(srv),
					checkCalls(srv, "delete_ip", 1),
					checkMockInstance(srv, func(i mockserver.Instance) error {
						if i.MainIP != originalPrimary {
							return fmt.Errorf("mock primary is %s, want %s", i.MainIP, originalPrimary)
						}
						return nil
					}),
				),
			},
		},
	})
}

func TestAccSecondaryIP_importErrors(t *testing.T) {
	srv := startIPMock(t)
	config := hostConfig(srv, secondaryIPBlock("test", ""))
	importStep := func(id, want string) resource.TestStep {
		return resource.TestStep{
			Config:        config,
			ResourceName:  secondaryIPAddress,
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   errorPattern(want),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: hostConfig(srv, "")},
			importStep("1000", `import id "1000" has no "/".*<instance_id>/<address>`),
			importStep("web/198.51.100.2", `"web" is not a serviceid`),
			importStep("1000/mail.example.com", `"mail.example.com" is not an IPv4 or IPv6 address`),
			// The first instance of a fresh mock is 1000 with the primary address 192.0.2.10.
			importStep("1000/192.0.2.10", `192.0.2.10 is not a secondary address of instance 1000.*192.0.2.10 \(primary\)`),
			importStep("1000/198.51.100.200", `198.51.100.200 is not a secondary address of instance 1000`),
		},
	})
	if n := srv.Calls("add_ip"); n != 0 {
		t.Errorf("add_ip was called %d times, want 0", n)
	}
}

func TestAccSecondaryIP_invalidInstanceIDRejectedAtPlan(t *testing.T) {
	srv := startIPMock(t)
	var steps []resource.TestStep
	for _, id := range []string{"abc", "0", "-5", "12 34"} {
		steps = append(steps, resource.TestStep{
			Config: providerBlock(srv) + fmt.Sprintf(`
resource "hostwinds_secondary_ip" "test" {
  instance_id = %q
}
`, id),
			PlanOnly:    true,
			ExpectError: errorPattern(`instance_id is "` + regexp.QuoteMeta(id) + `".*numeric serviceid`),
		})
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
