package provider_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

const instanceAddress = "hostwinds_instance.test"

// instanceConfig is one instance with the given name, plan and image, plus extra attribute
// lines.
func instanceConfig(srv *mockserver.Server, name string, planID int, image, extra string) string {
	return providerBlock(srv) + fmt.Sprintf(`
resource "hostwinds_instance" "test" {
  name        = %q
  location_id = 1
  plan_id     = %d
  image       = %q
%s
}
`, name, planID, image, extra)
}

// onlyInstance returns the one instance the mock holds, failing when there is not exactly one.
func onlyInstance(srv *mockserver.Server) (mockserver.Instance, error) {
	instances := srv.Instances()
	if len(instances) != 1 {
		return mockserver.Instance{}, fmt.Errorf("the mock holds %d instances, want 1", len(instances))
	}
	return instances[0], nil
}

// checkMockInstance checks the mock's single instance and that state's id is its serviceid.
func checkMockInstance(srv *mockserver.Server, check func(mockserver.Instance) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		instance, err := onlyInstance(srv)
		if err != nil {
			return err
		}
		rs, ok := s.RootModule().Resources[instanceAddress]
		if !ok {
			return fmt.Errorf("%s is not in state", instanceAddress)
		}
		if rs.Primary.ID != strconv.Itoa(instance.ServiceID) {
			return fmt.Errorf("state id is %s, the mock's instance is %d", rs.Primary.ID, instance.ServiceID)
		}
		return check(instance)
	}
}

func expectUpdate() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(instanceAddress, plancheck.ResourceActionUpdate),
	}}
}

func TestAccInstance_createImportAndUpdateInPlace(t *testing.T) {
	srv := startMock(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameIP := statecheck.CompareValue(compare.ValuesSame())
	keepIdentity := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{
			sameID.AddStateValue(instanceAddress, tfjsonpath.New("id")),
			sameIP.AddStateValue(instanceAddress, tfjsonpath.New("main_ip")),
		}
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: instanceConfig(srv, "mail-1", 301, mockserver.ImageUbuntu2404, ""),
				ConfigStateChecks: append(keepIdentity(),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("name"), knownvalue.StringExact("mail-1")),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("power_state"), knownvalue.StringExact("running")),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("billing_cycle"), knownvalue.StringExact("monthly")),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("managed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("cpu"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("memory_mb"), knownvalue.Int64Exact(2048)),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("disk_gb"), knownvalue.Int64Exact(50)),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("bandwidth_gb"), knownvalue.Int64Exact(2000)),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("hostname"), knownvalue.StringRegexp(regexp.MustCompile(`^hwsrv-\d+\.hostwindsdns\.com$`))),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("main_ip"), knownvalue.StringRegexp(regexp.MustCompile(`^192\.0\.2\.\d+$`))),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("root_password"), knownvalue.NotNull()),
					statecheck.ExpectSensitiveValue(instanceAddress, tfjsonpath.New("root_password")),
				),
				Check: checkMockInstance(srv, func(i mockserver.Instance) error {
					if i.SrvrName != "mail-1" || i.ProductID != 301 || i.TemplateUUID != mockserver.ImageUbuntu2404 {
						return fmt.Errorf("mock instance is %q, plan %d, image %s", i.SrvrName, i.ProductID, i.TemplateUUID)
					}
					return nil
				}),
			},
			{
				ResourceName:            instanceAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config:            instanceConfig(srv, "mail-1-renamed", 301, mockserver.ImageUbuntu2404, ""),
				ConfigPlanChecks:  expectUpdate(),
				ConfigStateChecks: keepIdentity(),
				Check: checkMockInstance(srv, func(i mockserver.Instance) error {
					if i.SrvrName != "mail-1-renamed" {
						return fmt.Errorf("mock label is %q", i.SrvrName)
					}
					return nil
				}),
			},
			{
				Config:            instanceConfig(srv, "mail-1-renamed", 301, mockserver.ImageUbuntu2404, `billing_cycle = "annually"`),
				ConfigPlanChecks:  expectUpdate(),
				ConfigStateChecks: keepIdentity(),
				Check: checkMockInstance(srv, func(i mockserver.Instance) error {
					if i.BillingCycle != "annually" {
						return fmt.Errorf("mock billing cycle is %q", i.BillingCycle)
					}
					return nil
				}),
			},
			{
				Config:            instanceConfig(srv, "mail-1-renamed", 301, mockserver.ImageUbuntu2404, "billing_cycle = \"annually\"\nmanaged = true"),
				ConfigPlanChecks:  expectUpdate(),
				ConfigStateChecks: keepIdentity(),
				Check: checkMockInstance(srv, func(i mockserver.Instance) error {
					if !i.Managed {
						return fmt.Errorf("mock instance is not managed")
					}
					return nil
				}),
			},
			{
				Config:            instanceConfig(srv, "mail-1-renamed", 301, mockserver.ImageUbuntu2404, "billing_cycle = \"annually\"\nroot_password = \"correct-horse-battery\""),
				ConfigPlanChecks:  expectUpdate(),
				ConfigStateChecks: keepIdentity(),
				Check: checkMockInstance(srv, func(i mockserver.Instance) error {
					if i.Managed {
						return fmt.Errorf("mock instance is still managed")
					}
					if i.Password != "correct-horse-battery" {
						return fmt.Errorf("mock password was not changed")
					}
					return nil
				}),
			},
			{
				Config:           instanceConfig(srv, "mail-1-renamed", 301, mockserver.ImageUbuntu2404, "billing_cycle = \"annually\"\nroot_password = \"correct-horse-battery\"\npower_state = \"stopped\""),
				ConfigPlanChecks: expectUpdate(),
				ConfigStateChecks: append(keepIdentity(),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("status"), knownvalue.StringExact("SHUTOFF"))),
			},
			{
				Config:           instanceConfig(srv, "mail-1-renamed", 301, mockserver.ImageUbuntu2404, "billing_cycle = \"annually\"\nroot_password = \"correct-horse-battery\"\npower_state = \"running\""),
				ConfigPlanChecks: expectUpdate(),
				ConfigStateChecks: append(keepIdentity(),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE"))),
			},
			{
				// A larger disk: resized in place through the upgrade flow.
				Config: instanceConfig(srv, "mail-1-renamed", 302, mockserver.ImageUbuntu2404, "billing_cycle = \"annually\"\nroot_password = \"correct-horse-battery\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(instanceAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("disk_gb"), knownvalue.Int64Exact(75)),
				}},
				ConfigStateChecks: append(keepIdentity(),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("plan_id"), knownvalue.Int64Exact(302)),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("cpu"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("disk_gb"), knownvalue.Int64Exact(75)),
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE"))),
				Check: func(*terraform.State) error {
					for _, action := range []string{"upgrade_instance", "upgrade_server", "confirm_upgrade"} {
						if srv.Calls(action) != 1 {
							return fmt.Errorf("%s was called %d times, want 1", action, srv.Calls(action))
						}
					}
					return nil
				},
			},
			{
				// A new image: reinstalled in place, keeping the IPs.
				Config:            instanceConfig(srv, "mail-1-renamed", 302, mockserver.ImageDebian12, "billing_cycle = \"annually\"\nroot_password = \"correct-horse-battery\""),
				ConfigPlanChecks:  expectUpdate(),
				ConfigStateChecks: keepIdentity(),
				Check: checkMockInstance(srv, func(i mockserver.Instance) error {
					if i.TemplateUUID != mockserver.ImageDebian12 {
						return fmt.Errorf("mock image is %s", i.TemplateUUID)
					}
					if srv.Calls("reinstall_instance") != 1 {
						return fmt.Errorf("reinstall_instance was called %d times", srv.Calls("reinstall_instance"))
					}
					return nil
				}),
			},
		},
	})

	if n := len(srv.Instances()); n != 0 {
		t.Errorf("after destroy the mock holds %d instances, want 0", n)
	}
	if n := srv.Calls("add_instance"); n != 1 {
		t.Errorf("add_instance was called %d times, want 1", n)
	}
}

func TestAccInstance_replaceWhenDiskShrinks(t *testing.T) {
	srv := startMock(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: instanceConfig(srv, "shrink", 302, mockserver.ImageUbuntu2404, "")},
			{
				Config: instanceConfig(srv, "shrink", 304, mockserver.ImageUbuntu2404, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(instanceAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(instanceAddress, tfjsonpath.New("disk_gb"), knownvalue.Int64Exact(30)),
				},
				Check: checkMockInstance(srv, func(i mockserver.Instance) error {
					if i.ProductID != 304 {
						return fmt.Errorf("mock plan is %d", i.ProductID)
					}
					return nil
				}),
			},
			{
				// An equal or larger disk stays in place.
				Config:           instanceConfig(srv, "shrink", 301, mockserver.ImageUbuntu2404, ""),
				ConfigPlanChecks: expectUpdate(),
			},
		},
	})
	if n := srv.Calls("add_instance"); n != 2 {
		t.Errorf("add_instance was called %d times, want 2 (the create and the replacement)", n)
	}
}

func TestAccInstance_locationChangeReplaces(t *testing.T) {
	srv := startMock(t)
	config := func(location int) string {
		return providerBlock(srv) + fmt.Sprintf(`
resource "hostwinds_instance" "test" {
  name        = "moving"
  location_id = %d
  plan_id     = 301
  image       = %q
}
`, location, mockserver.ImageUbuntu2404)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: config(1)},
			{
				Config: config(3),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(instanceAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: checkMockInstance(srv, func(i mockserver.Instance) error {
					if i.LocationID != 3 {
						return fmt.Errorf("mock location is %d", i.LocationID)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccInstance_deletedOutsideTerraform(t *testing.T) {
	srv := startMock(t)
	config := instanceConfig(srv, "drift", 301, mockserver.ImageUbuntu2404, "")
	resource.Test(t, resource.TestCase{
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
				}},
				Check: checkMockInstance(srv, func(mockserver.Instance) error { return nil }),
			},
		},
	})
}

func TestAccInstance_changedOutsideTerraform(t *testing.T) {
	srv := startMock(t)
	config := instanceConfig(srv, "drift-label", 301, mockserver.ImageUbuntu2404, "")
	resource.Test(t, resource.TestCase{
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
					srv.UpdateInstance(instance.ServiceID, func(i *mockserver.Instance) {
						i.SrvrName = "renamed-by-hand"
						i.BillingCycle = "quarterly"
					})
				},
				Config:           config,
				ConfigPlanChecks: expectUpdate(),
				Check: checkMockInstance(srv, func(i mockserver.Instance) error {
					if i.SrvrName != "drift-label" || i.BillingCycle != "quarterly" {
						return fmt.Errorf("mock instance is %q billed %s; want the label restored and the unmanaged cycle kept", i.SrvrName, i.BillingCycle)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccInstance_buildErrorLeavesTaintedInstance(t *testing.T) {
	srv := startMock(t)
	config := instanceConfig(srv, "broken-build", 301, mockserver.ImageUbuntu2404, "")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(mockserver.Fault{Action: "add_instance", Kind: mockserver.FaultTaskError})
				},
				Config:      config,
				ExpectError: errorPattern(`did not become ready.*status ERROR.*tainted`),
			},
			{
				// The failed instance is in state, tainted, so the next plan replaces it.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(instanceAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: checkMockInstance(srv, func(i mockserver.Instance) error {
					if i.Status != "ACTIVE" {
						return fmt.Errorf("mock instance status is %s", i.Status)
					}
					return nil
				}),
			},
		},
	})
	if n := srv.Calls("add_instance"); n != 2 {
		t.Errorf("add_instance was called %d times, want 2", n)
	}
}

func TestAccInstance_lostCreateAnswerCreatesOnce(t *testing.T) {
	srv := startMock(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(mockserver.Fault{Action: "add_instance", Kind: mockserver.FaultLostAnswer})
				},
				Config: instanceConfig(srv, "lost-answer", 301, mockserver.ImageUbuntu2404, ""),
				Check:  checkMockInstance(srv, func(mockserver.Instance) error { return nil }),
			},
		},
	})
	if n := srv.Calls("add_instance"); n != 1 {
		t.Errorf("add_instance was called %d times, want 1", n)
	}
}

func TestAccInstance_nameInUseSuggestsImport(t *testing.T) {
	srv := startMock(t)
	first := providerBlock(srv) + fmt.Sprintf(`
resource "hostwinds_instance" "first" {
  name        = "taken"
  location_id = 1
  plan_id     = 301
  image       = %q
}
`, mockserver.ImageUbuntu2404)
	second := first + fmt.Sprintf(`
resource "hostwinds_instance" "second" {
  name        = "taken"
  location_id = 1
  plan_id     = 301
  image       = %q
  depends_on  = [hostwinds_instance.first]
}
`, mockserver.ImageUbuntu2404)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: first},
			{Config: second, ExpectError: errorPattern(`instance named "taken" already exists.*import`)},
		},
	})
	if n := srv.Calls("add_instance"); n != 1 {
		t.Errorf("add_instance was called %d times, want 1", n)
	}
}

func TestAccInstance_invalidInputRejectedAtPlan(t *testing.T) {
	srv := startMock(t)
	cases := []struct {
		name, config, want string
	}{
		{"empty name", instanceConfig(srv, "", 301, mockserver.ImageUbuntu2404, ""), `Invalid instance name`},
		{"padded name", instanceConfig(srv, " mail ", 301, mockserver.ImageUbuntu2404, ""), `leading or trailing spaces`},
		{"image not a uuid", instanceConfig(srv, "bad", 301, "ubuntu", ""), `image.*must be an image UUID`},
		{"unknown image", instanceConfig(srv, "bad", 301, "00000000-0000-4000-8000-000000000000", ""), `Unknown image.*hostwinds_images`},
		{"unknown plan", instanceConfig(srv, "bad", 999, mockserver.ImageUbuntu2404, ""), `plan_id 999 is not a Hostwinds plan.*301`},
		{"plan zero", instanceConfig(srv, "bad", 0, mockserver.ImageUbuntu2404, ""), `plan_id.*at least 1`},
		{"billing cycle", instanceConfig(srv, "bad", 301, mockserver.ImageUbuntu2404, `billing_cycle = "weekly"`), `billing_cycle.*monthly`},
		{"power state", instanceConfig(srv, "bad", 301, mockserver.ImageUbuntu2404, `power_state = "paused"`), `power_state.*running`},
		{"short password", instanceConfig(srv, "bad", 301, mockserver.ImageUbuntu2404, `root_password = "short"`), `root_password.*length`},
		{"empty ssh key", instanceConfig(srv, "bad", 301, mockserver.ImageUbuntu2404, `ssh_keys = [""]`), `ssh_keys.*length`},
		{"unknown location", providerBlock(srv) + fmt.Sprintf(`
resource "hostwinds_instance" "test" {
  name        = "bad"
  location_id = 42
  plan_id     = 301
  image       = %q
}
`, mockserver.ImageUbuntu2404), `location_id 42 is not a Hostwinds location.*Seattle`},
		{"every catalogue value unknown", providerBlock(srv) + `
resource "hostwinds_instance" "test" {
  name        = "bad"
  location_id = 42
  plan_id     = 999
  image       = "00000000-0000-4000-8000-000000000000"
}
`, `location_id 42 is not a Hostwinds location.*plan_id 999 is not a Hostwinds plan.*is not a Hostwinds public image`},
		{"timeout", instanceConfig(srv, "bad", 301, mockserver.ImageUbuntu2404, `timeouts = { create = "soon" }`), `Invalid Attribute Value Time Duration`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      c.config,
			PlanOnly:    true,
			ExpectError: errorPattern(c.want),
		})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps:                    steps,
	})
	if n := srv.MutatingCalls(); n != 0 {
		t.Errorf("the mock received %d mutating calls, want 0: %v", n, srv.CallCounts())
	}
}

func TestAccInstance_sameNameInOneConfigOrdersOnce(t *testing.T) {
	srv := startMock(t)
	config := providerBlock(srv) + fmt.Sprintf(`
resource "hostwinds_instance" "one" {
  name        = "twin"
  location_id = 1
  plan_id     = 301
  image       = %[1]q
}

resource "hostwinds_instance" "two" {
  name        = "twin"
  location_id = 2
  plan_id     = 301
  image       = %[1]q
}
`, mockserver.ImageUbuntu2404)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: errorPattern(`instance named "twin" already exists`),
		}},
	})
	if n := srv.Calls("add_instance"); n != 1 {
		t.Errorf("add_instance was called %d times, want 1", n)
	}
}

func TestAccInstance_failedReinstallWarnsInPlan(t *testing.T) {
	srv := startMock(t)
	config := func(image string) string {
		return fmt.Sprintf(`
resource "hostwinds_instance" "mail" {
  name        = "reinstall-error"
  location_id = 1
  plan_id     = 301
  image       = %q
}
`, image)
	}
	run := newCLIRun(t, srv, config(mockserver.ImageDebian12))
	run.mustRun(0, "apply", "-auto-approve", "-no-color")

	srv.InjectFault(mockserver.Fault{Action: "reinstall_instance", Kind: mockserver.FaultTaskError})
	run.writeConfig(config(mockserver.ImageUbuntu2404))
	out := run.mustRun(1, "apply", "-auto-approve", "-no-color")
	if !strings.Contains(out, "reinstalling from the new image") {
		t.Errorf("the failed apply does not name the reinstall:\n%s", out)
	}

	// The API now reports the new image, so the plan has no change to show; it must still say
	// that the instance is broken.
	out = run.mustRun(0, "plan", "-no-color")
	if !strings.Contains(out, "Instance is in status ERROR") {
		t.Errorf("the plan after the failed reinstall does not warn about status ERROR:\n%s", out)
	}
	run.mustRun(0, "destroy", "-auto-approve", "-no-color")
}
