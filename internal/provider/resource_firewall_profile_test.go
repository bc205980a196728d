package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

const profileAddress = "hostwinds_firewall_profile.test"

// mailRules is the rule set of a small mail server.
const mailRules = `[
    { direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25, description = "SMTP" },
    { direction = "ingress", protocol = "tcp", port_range_min = 587, port_range_max = 587 },
    { direction = "ingress", protocol = "icmp" },
    { direction = "ingress", protocol = "udp", port_range_min = 1000, port_range_max = 2000, ethertype = "IPv6" },
    { direction = "egress" },
  ]`

func profileConfig(srv *mockserver.Server, name, description, rules string) string {
	descriptionLine := ""
	if description != "" {
		descriptionLine = fmt.Sprintf("description = %q", description)
	}
	return providerBlock(srv) + fmt.Sprintf(`
resource "hostwinds_firewall_profile" "test" {
  name  = %q
  %s
  rules = %s
}
`, name, descriptionLine, rules)
}

// mockProfile returns the mock's profile with the id in state.
func mockProfile(srv *mockserver.Server, s *terraform.State) (mockserver.FirewallProfile, error) {
	rs, ok := s.RootModule().Resources[profileAddress]
	if !ok {
		return mockserver.FirewallProfile{}, fmt.Errorf("%s is not in state", profileAddress)
	}
	for _, p := range srv.FirewallProfiles() {
		if fmt.Sprint(p.ID) == rs.Primary.ID {
			return p, nil
		}
	}
	return mockserver.FirewallProfile{}, fmt.Errorf("the mock has no profile %s", rs.Primary.ID)
}

func checkMockProfile(srv *mockserver.Server, check func(mockserver.FirewallProfile) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		profile, err := mockProfile(srv, s)
		if err != nil {
			return err
		}
		return check(profile)
	}
}

// ruleText writes a mock rule as "ingress IPv4 tcp 25-25 SMTP" for comparisons.
func ruleText(r mockserver.FirewallRule) string {
	protocol, ports := "any", "all"
	if r.Protocol != nil {
		protocol = *r.Protocol
	}
	if r.PortRangeMin != nil && r.PortRangeMax != nil {
		ports = fmt.Sprintf("%d-%d", *r.PortRangeMin, *r.PortRangeMax)
	}
	return strings.TrimSpace(strings.Join([]string{r.Direction, r.Ethertype, protocol, ports, r.Description}, " "))
}

func checkMockRules(srv *mockserver.Server, want ...string) resource.TestCheckFunc {
	return checkMockProfile(srv, func(p mockserver.FirewallProfile) error {
		var got []string
		for _, r := range p.Rules {
			got = append(got, ruleText(r))
		}
		for _, w := range want {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				return fmt.Errorf("the mock's profile has no rule %q; its rules are %q", w, got)
			}
		}
		if len(got) != len(want) {
			return fmt.Errorf("the mock's profile has %d rules, want %d: %q", len(got), len(want), got)
		}
		return nil
	})
}

// onlyDefaultProfile checks that the mock holds the seeded default profile and nothing else.
func onlyDefaultProfile(srv *mockserver.Server) func(*terraform.State) error {
	return func(*terraform.State) error {
		profiles := srv.FirewallProfiles()
		if len(profiles) != 1 || profiles[0].Name != "default" {
			return fmt.Errorf("the mock holds profiles %+v, want only the default", profiles)
		}
		return nil
	}
}

func TestAccFirewallProfile_createImportUpdate(t *testing.T) {
	srv := startMock(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	updatedRules := `[
    { direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25, description = "SMTP" },
    { direction = "ingress", protocol = "tcp", port_range_min = 465, port_range_max = 465, description = "SMTPS" },
    { direction = "egress" },
  ]`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: profileConfig(srv, "mail", "", mailRules),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(profileAddress, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(profileAddress, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(profileAddress, tfjsonpath.New("rules"), knownvalue.SetSizeExact(5)),
					statecheck.ExpectKnownValue(profileAddress, tfjsonpath.New("rules"), knownvalue.SetPartial([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"direction":      knownvalue.StringExact("ingress"),
							"protocol":       knownvalue.StringExact("icmp"),
							"ethertype":      knownvalue.StringExact("IPv4"),
							"port_range_min": knownvalue.Null(),
							"port_range_max": knownvalue.Null(),
							"description":    knownvalue.StringExact(""),
						}),
					})),
				},
				Check: checkMockRules(srv,
					"ingress IPv4 tcp 25-25 SMTP", "ingress IPv4 tcp 587-587", "ingress IPv4 icmp all",
					"ingress IPv6 udp 1000-2000", "egress IPv4 any all"),
			},
			{
				ResourceName:      profileAddress,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// The name works as an import id too.
				ResourceName:      profileAddress,
				ImportState:       true,
				ImportStateId:     "mail",
				ImportStateVerify: true,
			},
			{
				Config:            profileConfig(srv, "mail", "", updatedRules),
				ConfigPlanChecks:  expectAction(profileAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(profileAddress, tfjsonpath.New("id"))},
				Check:             checkMockRules(srv, "ingress IPv4 tcp 25-25 SMTP", "ingress IPv4 tcp 465-465 SMTPS", "egress IPv4 any all"),
			},
			{
				Config:            profileConfig(srv, "mail-outbound", "Outbound mail servers", updatedRules),
				ConfigPlanChecks:  expectAction(profileAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(profileAddress, tfjsonpath.New("id"))},
				Check: checkMockProfile(srv, func(p mockserver.FirewallProfile) error {
					if p.Name != "mail-outbound" || p.Description != "Outbound mail servers" {
						return fmt.Errorf("the mock's profile is %q, %q", p.Name, p.Description)
					}
					return nil
				}),
			},
			{
				// A rule changed behind Terraform's back is set back in place.
				PreConfig: func() {
					profiles := srv.FirewallProfiles()
					srv.UpdateFirewallProfile(profiles[len(profiles)-1].ID, func(p *mockserver.FirewallProfile) {
						for i := range p.Rules {
							if p.Rules[i].PortRangeMin != nil && *p.Rules[i].PortRangeMin == 25 {
								port := 2525
								p.Rules[i].PortRangeMin, p.Rules[i].PortRangeMax = &port, &port
							}
						}
					})
				},
				Config:           profileConfig(srv, "mail-outbound", "Outbound mail servers", updatedRules),
				ConfigPlanChecks: expectAction(profileAddress, plancheck.ResourceActionUpdate),
				Check:            checkMockRules(srv, "ingress IPv4 tcp 25-25 SMTP", "ingress IPv4 tcp 465-465 SMTPS", "egress IPv4 any all"),
			},
			{
				Config:           profileConfig(srv, "mail-outbound", "Outbound mail servers", "[]"),
				ConfigPlanChecks: expectAction(profileAddress, plancheck.ResourceActionUpdate),
				Check:            checkMockRules(srv),
			},
		},
		CheckDestroy: onlyDefaultProfile(srv),
	})
	if n := srv.Calls("add_firewall_profile"); n != 1 {
		t.Errorf("add_firewall_profile was called %d times, want 1", n)
	}
}

func TestAccFirewallProfile_nameInUseSuggestsImport(t *testing.T) {
	srv := startMock(t)
	client := apiClient(t, srv)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if err := client.AddFirewallProfile(context.Background(), "taken", "", nil); err != nil {
						t.Fatal(err)
					}
				},
				Config:      profileConfig(srv, "taken", "", mailRules),
				ExpectError: errorPattern(`profile named "taken" already exists \(id 2\).*import.*id = "2"`),
			},
		},
	})
	if n := srv.Calls("add_firewall_profile"); n != 1 {
		t.Errorf("add_firewall_profile was called %d times, want 1 (by the test itself)", n)
	}
}

func TestAccFirewallProfile_lostAnswerCreatesOnce(t *testing.T) {
	srv := startMock(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.InjectFault(mockserver.Fault{Action: "add_firewall_profile", Kind: mockserver.FaultLostAnswer})
				},
				Config: profileConfig(srv, "lost", "", mailRules),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkCalls(srv, "add_firewall_profile", 1),
					func(*terraform.State) error {
						if n := len(srv.FirewallProfiles()); n != 2 {
							return fmt.Errorf("the mock holds %d profiles, want the default and one more", n)
						}
						return nil
					},
				),
			},
		},
		CheckDestroy: onlyDefaultProfile(srv),
	})
}

func TestAccFirewallProfile_deletedOutsideTerraform(t *testing.T) {
	srv := startMock(t)
	client := apiClient(t, srv)
	config := profileConfig(srv, "drift", "", mailRules)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					profiles := srv.FirewallProfiles()
					if err := client.DeleteFirewallProfile(context.Background(), int64(profiles[len(profiles)-1].ID)); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: expectAction(profileAddress, plancheck.ResourceActionCreate),
				Check:            checkCalls(srv, "add_firewall_profile", 2),
			},
		},
		CheckDestroy: onlyDefaultProfile(srv),
	})
}

func TestAccFirewallProfile_inUseCannotBeDeleted(t *testing.T) {
	srv := startMock(t)
	client := apiClient(t, srv)
	ctx := context.Background()
	var userID int64
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: profileConfig(srv, "smtp-out", "", mailRules)},
			{
				// An instance outside this configuration switches to the profile.
				PreConfig: func() {
					err := client.AddInstance(ctx, hostwinds.CreateInstanceRequest{
						Name: "fw-user", ImageUUID: mockserver.ImageUbuntu2404, PlanID: 301, LocationID: 1,
					})
					if err != nil {
						t.Fatal(err)
					}
					found, err := client.FindInstancesByName(ctx, "fw-user")
					if err != nil || len(found) != 1 {
						t.Fatalf("finding the instance: %v %v", found, err)
					}
					userID = found[0].ID.Int()
					if err := client.SetInstanceFirewall(ctx, userID, "smtp-out"); err != nil {
						t.Fatal(err)
					}
				},
				Config:      providerBlock(srv),
				ExpectError: errorPattern(`"smtp-out" \(id 2\) cannot be deleted, because these instances still use it: "fw-user" \(serviceid 1000\)`),
			},
			{
				PreConfig: func() {
					if err := client.SetInstanceFirewall(ctx, userID, "default"); err != nil {
						t.Fatal(err)
					}
				},
				Config: providerBlock(srv),
				Check:  onlyDefaultProfile(srv),
			},
		},
	})
}

func TestAccFirewallProfile_invalidRulesRejectedAtPlan(t *testing.T) {
	srv := startMock(t)
	rule := func(fields string) string { return "[{ " + fields + " }]" }
	cases := []struct{ rules, want string }{
		{rule(`direction = "inbound"`), `direction is "inbound".*must be one of "ingress", "egress"`},
		{rule(`direction = "ingress", protocol = "TCP"`), `protocol is "TCP".*"tcp", "udp", "icmp"`},
		{rule(`direction = "ingress", protocol = "gre"`), `protocol is "gre"`},
		{rule(`direction = "ingress", ethertype = "ipv4"`), `ethertype is "ipv4".*"IPv4", "IPv6"`},
		{rule(`direction = "ingress", protocol = "tcp", port_range_min = 0, port_range_max = 25`), `port_range_min is 0.*from 1 to 65535`},
		{rule(`direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 70000`), `port_range_max is 70000.*from 1 to 65535`},
		{rule(`direction = "ingress", protocol = "icmp", port_range_min = 8, port_range_max = 8`), `has ports, but its protocol is icmp.*tcp and udp`},
		{rule(`direction = "ingress", port_range_max = 25`), `protocol is not set \(every protocol\)`},
		{rule(`direction = "ingress", protocol = "tcp", port_range_min = 2000, port_range_max = 1000`), `port_range_min \(2000\) is above port_range_max \(1000\)`},
		{rule(`direction = "ingress", protocol = "udp", port_range_min = 53`), `sets port_range_min = 53 but not port_range_max.*both or neither`},
		{rule(`direction = "ingress", protocol = "udp", port_range_max = 53`), `sets port_range_max = 53 but not port_range_min`},
		{rule(`direction = "egress", description = "` + strings.Repeat("x", 256) + `"`), `description.*length`},
		{`[
    { direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25, description = "a" },
    { direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25, description = "b" },
  ]`, `Duplicate firewall rule.*ingress IPv4 tcp 25-25`},
		// One plan reports every invalid rule, not only the first.
		{`[
    { direction = "ingress", protocol = "tcp", port_range_min = 0, port_range_max = 25 },
    { direction = "ingress", protocol = "udp", port_range_min = 600, port_range_max = 500 },
  ]`, `(port_range_min is 0.*port_range_min \(600\) is above|port_range_min \(600\) is above.*port_range_min is 0)`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      profileConfig(srv, "bad", "", c.rules),
			PlanOnly:    true,
			ExpectError: errorPattern(c.want),
		})
	}
	steps = append(steps,
		resource.TestStep{Config: profileConfig(srv, "", "", "[]"), PlanOnly: true, ExpectError: errorPattern(`name.*length`)},
		resource.TestStep{Config: profileConfig(srv, " padded", "", "[]"), PlanOnly: true, ExpectError: errorPattern(`must not start or end with white space`)},
	)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: protoV6Factories,
		Steps:                    steps,
	})
	if n := srv.MutatingCalls(); n != 0 {
		t.Errorf("the mock received %d mutating calls, want 0: %v", n, srv.CallCounts())
	}
}
