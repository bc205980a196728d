package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// Values of a firewall rule's fields, as the API and OpenStack Neutron spell them.
var (
	ruleDirections = []string{"ingress", "egress"}
	ruleProtocols  = []string{"tcp", "udp", "icmp"}
	ruleEtherTypes = []string{"IPv4", "IPv6"}
)

// defaultEtherType is the ethertype of a rule that does not set one.
const defaultEtherType = "IPv4"

// maxRuleDescriptionLength is OpenStack Neutron's limit for a security group rule description.
const maxRuleDescriptionLength = 255

// profileLookUpWindow bounds the search for a new profile by name after add_firewall_profile.
const profileLookUpWindow = time.Minute

var profileNamePattern = regexp.MustCompile(`^\S(.*\S)?$`)

var (
	_ resource.ResourceWithConfigure      = (*firewallProfileResource)(nil)
	_ resource.ResourceWithImportState    = (*firewallProfileResource)(nil)
	_ resource.ResourceWithValidateConfig = (*firewallProfileResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*firewallProfileResource)(nil)
)

type firewallProfileResource struct {
	base
}

// NewFirewallProfileResource returns the hostwinds_firewall_profile resource.
func NewFirewallProfileResource() resource.Resource {
	return &firewallProfileResource{}
}

// firewallProfileModel is the state of hostwinds_firewall_profile.
type firewallProfileModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Rules       types.Set    `tfsdk:"rules"`
}

// firewallRuleModel is one element of rules.
type firewallRuleModel struct {
	Direction    types.String `tfsdk:"direction"`
	Protocol     types.String `tfsdk:"protocol"`
	EtherType    types.String `tfsdk:"ethertype"`
	PortRangeMin types.Int64  `tfsdk:"port_range_min"`
	PortRangeMax types.Int64  `tfsdk:"port_range_max"`
	Description  types.String `tfsdk:"description"`
}

var firewallRuleAttrTypes = map[string]attr.Type{
	"direction":      types.StringType,
	"protocol":       types.StringType,
	"ethertype":      types.StringType,
	"port_range_min": types.Int64Type,
	"port_range_max": types.Int64Type,
	"description":    types.StringType,
}

func (r *firewallProfileResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_firewall_profile"
}

func (r *firewallProfileResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = firewallProfileSchema()
}

func firewallProfileSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A Hostwinds firewall profile: a named set of allow rules, applied to instances by name, " +
			"that denies all other traffic. Hostwinds implements it with OpenStack security groups. Every change is " +
			"made in place: the whole rule set is replaced at once with `edit_firewall_profile`, so instances that use " +
			"the profile keep it. A profile that an instance still uses cannot be destroyed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The profile id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},

			// Required.
			"name": schema.StringAttribute{
				MarkdownDescription: "The profile name, unique in the account. Instances refer to the profile by this " +
					"name. Changed in place.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(profileNamePattern, "must not start or end with white space"),
				},
			},
			"rules": schema.SetNestedAttribute{
				MarkdownDescription: "The allow rules, written `rules = [{ direction = \"ingress\", protocol = \"tcp\", " +
					"port_range_min = 25, port_range_max = 25 }]`. `rules = []` allows no traffic at all. The rules carry no " +
					"source address: each one allows its traffic from and to every address. Changed in place, all rules " +
					"at once. Two rules that differ only in `description` are rejected, as Hostwinds rejects them.",
				Required: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"direction": schema.StringAttribute{
							MarkdownDescription: "`ingress` (traffic to the instance) or `egress` (traffic from it).",
							Required:            true,
						},
						"protocol": schema.StringAttribute{
							MarkdownDescription: "`tcp`, `udp` or `icmp`. Leave it out to allow every protocol.",
							Optional:            true,
						},
						"ethertype": schema.StringAttribute{
							MarkdownDescription: "`IPv4` or `IPv6`. Defaults to `IPv4`.",
							Optional:            true,
							Computed:            true,
						},
						"port_range_min": schema.Int64Attribute{
							MarkdownDescription: "The first allowed port, 1 to 65535. Only for `tcp` and `udp`, and then " +
								"together with `port_range_max`; leave both out to allow every port.",
							Optional: true,
						},
						"port_range_max": schema.Int64Attribute{
							MarkdownDescription: "The last allowed port, 1 to 65535 and not below `port_range_min`; equal to " +
								"it for a single port.",
							Optional: true,
						},
						"description": schema.StringAttribute{
							MarkdownDescription: fmt.Sprintf("A note on the rule, at most %d characters. Defaults to `\"\"`.", maxRuleDescriptionLength),
							Optional:            true,
							Computed:            true,
							Validators:          []validator.String{stringvalidator.LengthAtMost(maxRuleDescriptionLength)},
						},
					},
				},
			},

			// Optional.
			"description": schema.StringAttribute{
				MarkdownDescription: "A description of the profile. Changed in place. Defaults to `\"\"`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
			},
		},
	}
}

// ModifyPlan fills in the defaults of the rules' ethertype and description. Schema defaults
// cannot do it: terraform-plugin-framework (v1.19 and earlier) looks up a default inside a set
// by the element of the prior state, so a changed element gets another element's values.
func (r *firewallProfileResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var rules types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("rules"), &rules)...)
	if resp.Diagnostics.HasError() || rules.IsNull() || rules.IsUnknown() {
		return
	}

	elements := make([]attr.Value, 0, len(rules.Elements()))
	for _, element := range rules.Elements() {
		object, ok := element.(types.Object)
		if !ok || object.IsNull() || object.IsUnknown() {
			elements = append(elements, element)
			continue
		}
		attributes := map[string]attr.Value{}
		for name, value := range object.Attributes() {
			attributes[name] = value
		}
		if attributes["ethertype"].IsNull() {
			attributes["ethertype"] = types.StringValue(defaultEtherType)
		}
		if attributes["description"].IsNull() {
			attributes["description"] = types.StringValue("")
		}
		withDefaults, diags := types.ObjectValue(firewallRuleAttrTypes, attributes)
		resp.Diagnostics.Append(diags...)
		elements = append(elements, withDefaults)
	}
	planned, diags := types.SetValue(types.ObjectType{AttrTypes: firewallRuleAttrTypes}, elements)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("rules"), planned)...)
}

// ValidateConfig checks every rule the way Hostwinds (OpenStack Neutron) would, so a bad rule
// fails the plan instead of the apply. Each error points at the attribute of the rule.
func (r *firewallProfileResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var rules types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("rules"), &rules)...)
	if resp.Diagnostics.HasError() || rules.IsNull() || rules.IsUnknown() {
		return
	}

	firstWithIdentity := map[string]string{}
	for _, element := range rules.Elements() {
		object, ok := element.(types.Object)
		if !ok || object.IsUnknown() || object.IsNull() {
			continue
		}
		var rule firewallRuleModel
		// Checked on its own, so that the errors of earlier rules do not hide those of later ones.
		conversion := object.As(ctx, &rule, basetypes.ObjectAsOptions{})
		resp.Diagnostics.Append(conversion...)
		if conversion.HasError() {
			return
		}
		rulePath := path.Root("rules").AtSetValue(element)
		validateRule(rule, rulePath, &resp.Diagnostics)

		if identity, known := rule.identity(); known {
			if first, duplicate := firstWithIdentity[identity]; duplicate {
				resp.Diagnostics.AddAttributeError(rulePath, "Duplicate firewall rule",
					fmt.Sprintf("Two rules allow the same traffic (%s) and differ at most in description: %s and %s. "+
						"Hostwinds rejects duplicate rules; keep one of them.", identity, first, rule.describe()))
			} else {
				firstWithIdentity[identity] = rule.describe()
			}
		}
	}
}

// validateRule adds an error for each invalid field of one rule. Unknown values are skipped.
func validateRule(rule firewallRuleModel, rulePath path.Path, diags *diag.Diagnostics) {
	oneOf := func(name string, value types.String, allowed []string, hint string) {
		if value.IsNull() || value.IsUnknown() {
			return
		}
		for _, a := range allowed {
			if value.ValueString() == a {
				return
			}
		}
		diags.AddAttributeError(rulePath.AtName(name), "Invalid firewall rule",
			fmt.Sprintf("%s is %q in the rule %s, but it must be one of %s (spelled exactly so).%s",
				name, value.ValueString(), rule.describe(), quotedList(allowed), hint))
	}
	oneOf("direction", rule.Direction, ruleDirections, "")
	oneOf("protocol", rule.Protocol, ruleProtocols, " Leave protocol out to allow every protocol.")
	oneOf("ethertype", rule.EtherType, ruleEtherTypes, "")

	ports := []struct {
		name  string
		value types.Int64
	}{{"port_range_min", rule.PortRangeMin}, {"port_range_max", rule.PortRangeMax}}
	for _, port := range ports {
		if port.value.IsNull() || port.value.IsUnknown() {
			continue
		}
		if p := port.value.ValueInt64(); p < 1 || p > 65535 {
			diags.AddAttributeError(rulePath.AtName(port.name), "Invalid firewall rule",
				fmt.Sprintf("%s is %d in the rule %s, but a port must be from 1 to 65535. Leave both port_range_min and "+
					"port_range_max out to allow every port.", port.name, p, rule.describe()))
		}
	}

	if rule.Protocol.IsUnknown() || rule.PortRangeMin.IsUnknown() || rule.PortRangeMax.IsUnknown() {
		return
	}
	hasMin, hasMax := !rule.PortRangeMin.IsNull(), !rule.PortRangeMax.IsNull()
	protocol := rule.Protocol.ValueString()
	portsAllowed := protocol == "tcp" || protocol == "udp"
	switch {
	case (hasMin || hasMax) && !portsAllowed:
		name := "port_range_min"
		if !hasMin {
			name = "port_range_max"
		}
		protocolText := protocol
		if rule.Protocol.IsNull() {
			protocolText = "not set (every protocol)"
		}
		diags.AddAttributeError(rulePath.AtName(name), "Invalid firewall rule",
			fmt.Sprintf("The rule %s has ports, but its protocol is %s. Ports apply only to tcp and udp: set protocol to "+
				"\"tcp\" or \"udp\", or remove port_range_min and port_range_max.", rule.describe(), protocolText))
	case hasMin && !hasMax:
		diags.AddAttributeError(rulePath.AtName("port_range_max"), "Invalid firewall rule",
			fmt.Sprintf("The rule %s sets port_range_min = %d but not port_range_max. Hostwinds needs both or neither: set "+
				"port_range_max = %d for a single port, or remove port_range_min to allow every port.",
				rule.describe(), rule.PortRangeMin.ValueInt64(), rule.PortRangeMin.ValueInt64()))
	case hasMax && !hasMin:
		diags.AddAttributeError(rulePath.AtName("port_range_min"), "Invalid firewall rule",
			fmt.Sprintf("The rule %s sets port_range_max = %d but not port_range_min. Hostwinds needs both or neither: set "+
				"port_range_min = %d for a single port, or remove port_range_max to allow every port.",
				rule.describe(), rule.PortRangeMax.ValueInt64(), rule.PortRangeMax.ValueInt64()))
	case hasMin && hasMax && rule.PortRangeMin.ValueInt64() > rule.PortRangeMax.ValueInt64():
		diags.AddAttributeError(rulePath.AtName("port_range_max"), "Invalid firewall rule",
			fmt.Sprintf("In the rule %s, port_range_min (%d) is above port_range_max (%d). Swap them; for a single port set "+
				"both to the same value.", rule.describe(), rule.PortRangeMin.ValueInt64(), rule.PortRangeMax.ValueInt64()))
	}
}

func quotedList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	return strings.Join(quoted, ", ")
}

// describe writes the rule as "ingress IPv4 tcp 25-25" for messages.
func (m firewallRuleModel) describe() string {
	parts := []string{textOr(m.Direction, "?"), textOr(m.EtherType, defaultEtherType), textOr(m.Protocol, "any-protocol")}
	if !m.PortRangeMin.IsNull() || !m.PortRangeMax.IsNull() {
		parts = append(parts, portText(m.PortRangeMin)+"-"+portText(m.PortRangeMax))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// identity returns the fields Hostwinds compares to find duplicate rules (all but the
// description), and false while any of them is unknown.
func (m firewallRuleModel) identity() (string, bool) {
	for _, v := range []attr.Value{m.Direction, m.EtherType, m.Protocol, m.PortRangeMin, m.PortRangeMax} {
		if v.IsUnknown() {
			return "", false
		}
	}
	return strings.Join([]string{textOr(m.Direction, "?"), textOr(m.EtherType, defaultEtherType), textOr(m.Protocol, "any-protocol"),
		portText(m.PortRangeMin) + "-" + portText(m.PortRangeMax)}, " "), true
}

func textOr(v types.String, fallback string) string {
	if v.IsNull() || v.IsUnknown() {
		return fallback
	}
	return v.ValueString()
}

func portText(v types.Int64) string {
	if v.IsNull() || v.IsUnknown() {
		return "any"
	}
	return strconv.FormatInt(v.ValueInt64(), 10)
}

// apiRules converts the planned rules for the API.
func (m *firewallProfileModel) apiRules(ctx context.Context) ([]hostwinds.FirewallRule, diag.Diagnostics) {
	var rules []firewallRuleModel
	diags := m.Rules.ElementsAs(ctx, &rules, false)
	out := make([]hostwinds.FirewallRule, 0, len(rules))
	for _, rule := range rules {
		apiRule := hostwinds.FirewallRule{
			Direction:   rule.Direction.ValueString(),
			EtherType:   textOr(rule.EtherType, defaultEtherType),
			Description: rule.Description.ValueString(),
		}
		if !rule.Protocol.IsNull() {
			protocol := rule.Protocol.ValueString()
			apiRule.Protocol = &protocol
		}
		if !rule.PortRangeMin.IsNull() {
			apiRule.PortRangeMin = &hostwinds.Number{Value: float64(rule.PortRangeMin.ValueInt64()), Valid: true}
		}
		if !rule.PortRangeMax.IsNull() {
			apiRule.PortRangeMax = &hostwinds.Number{Value: float64(rule.PortRangeMax.ValueInt64()), Valid: true}
		}
		out = append(out, apiRule)
	}
	return out, diags
}

// setFromAPI copies the profile as the API stores it, so that drift shows in the next plan.
func (m *firewallProfileModel) setFromAPI(ctx context.Context, p *hostwinds.FirewallProfile) diag.Diagnostics {
	m.ID = types.StringValue(strconv.FormatInt(p.ID.Int(), 10))
	m.Name = types.StringValue(p.Name)
	m.Description = types.StringValue(p.Description)

	rules := make([]firewallRuleModel, 0, len(p.Rules))
	for _, rule := range p.Rules {
		model := firewallRuleModel{
			Direction:    types.StringValue(strings.ToLower(rule.Direction)),
			Protocol:     types.StringNull(),
			EtherType:    types.StringValue(rule.EtherType),
			PortRangeMin: types.Int64Null(),
			PortRangeMax: types.Int64Null(),
			Description:  types.StringValue(rule.Description),
		}
		if rule.Protocol != nil && *rule.Protocol != "" {
			model.Protocol = types.StringValue(strings.ToLower(*rule.Protocol))
		}
		if rule.PortRangeMin != nil && rule.PortRangeMin.Valid {
			model.PortRangeMin = types.Int64Value(rule.PortRangeMin.Int())
		}
		if rule.PortRangeMax != nil && rule.PortRangeMax.Valid {
			model.PortRangeMax = types.Int64Value(rule.PortRangeMax.Int())
		}
		rules = append(rules, model)
	}
	set, diags := types.SetValueFrom(ctx, types.ObjectType{AttrTypes: firewallRuleAttrTypes}, rules)
	m.Rules = set
	return diags
}

func findProfile(profiles []hostwinds.FirewallProfile, match func(*hostwinds.FirewallProfile) bool) *hostwinds.FirewallProfile {
	for i := range profiles {
		if match(&profiles[i]) {
			return &profiles[i]
		}
	}
	return nil
}

func profileNamed(name string) func(*hostwinds.FirewallProfile) bool {
	return func(p *hostwinds.FirewallProfile) bool { return p.Name == name }
}

func profileWithID(id int64) func(*hostwinds.FirewallProfile) bool {
	return func(p *hostwinds.FirewallProfile) bool { return p.ID.Int() == id }
}

func profileNameTakenError(name string, id int64) string {
	return fmt.Sprintf("A firewall profile named %q already exists (id %d), and profile names are unique. Choose another "+
		"name, or bring the existing profile under Terraform with an import block (to = hostwinds_firewall_profile.<name>, "+
		"id = \"%d\") or terraform import.", name, id, id)
}

func (r *firewallProfileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var plan firewallProfileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rules, diags := plan.apiRules(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()

	// The API does not return the new id, so the profile is found by its unique name, and a
	// name already in use would make that look-up find the wrong profile.
	profiles, err := r.client.GetFirewallProfiles(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read firewall profiles", err)
		return
	}
	if existing := findProfile(profiles, profileNamed(name)); existing != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Firewall profile name in use", profileNameTakenError(name, existing.ID.Int()))
		return
	}

	tflog.Info(ctx, "Creating firewall profile", map[string]any{"name": name, "rules": len(rules)})
	createErr := r.client.AddFirewallProfile(ctx, name, plan.Description.ValueString(), rules)
	if createErr != nil && !hostwinds.IsOutcomeUnknown(createErr) {
		addChangeError(&resp.Diagnostics, "Unable to create firewall profile", fmt.Sprintf("Firewall profile %q", name), createErr)
		return
	}
	if createErr != nil {
		tflog.Warn(ctx, "The response to add_firewall_profile was lost; looking for the profile by name before deciding anything",
			map[string]any{"name": name, "error": createErr.Error()})
	}

	profile, err := r.findNewProfile(ctx, name, createErr)
	if err != nil {
		resp.Diagnostics.AddError("Unable to create firewall profile", err.Error())
		return
	}
	resp.Diagnostics.Append(plan.setFromAPI(ctx, profile)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// findNewProfile looks for the profile named name for up to profileLookUpWindow.
func (r *firewallProfileResource) findNewProfile(ctx context.Context, name string, createErr error) (*hostwinds.FirewallProfile, error) {
	wait := r.data.pollInterval
	deadline := time.Now().Add(profileLookUpWindow)
	for lookUps := 1; ; lookUps++ {
		profiles, err := r.client.GetFirewallProfiles(ctx)
		if err == nil {
			if profile := findProfile(profiles, profileNamed(name)); profile != nil {
				tflog.Info(ctx, "Found new firewall profile", map[string]any{"name": name, "profile_id": profile.ID.Int(), "look_ups": lookUps})
				return profile, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			if createErr != nil {
				return nil, fmt.Errorf("%w. No profile named %q appeared within %s afterwards, so it was most likely not "+
					"created; check the firewall profiles in the Hostwinds client area before you apply again", createErr, name, profileLookUpWindow)
			}
			return nil, fmt.Errorf("add_firewall_profile succeeded, but no profile named %q appeared within %s (last "+
				"look-up error: %v); check the Hostwinds client area and import the profile if it exists", name, profileLookUpWindow, err)
		}
		tflog.Info(ctx, "Waiting for the new firewall profile to appear in get_firewall_profiles", map[string]any{
			"name": name, "next_look_up_in": wait.String(),
		})
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(time.Duration(float64(wait)*pollGrowth), maxPollInterval)
	}
}

func (r *firewallProfileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var state firewallProfileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err != nil {
		resp.Diagnostics.AddError("Invalid firewall profile id in state", fmt.Sprintf("The id %q is not a profile id: %s", state.ID.ValueString(), err))
		return
	}

	profiles, err := r.client.ReadFirewallProfiles(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read firewall profiles", err)
		return
	}
	profile := findProfile(profiles, profileWithID(id))
	if profile == nil {
		resp.Diagnostics.AddWarning("Firewall profile no longer exists",
			fmt.Sprintf("Firewall profile %q (id %d) was not found in the Hostwinds account, so it was removed from state. "+
				"The next apply creates it again.", state.Name.ValueString(), id))
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, profile)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *firewallProfileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var plan, state firewallProfileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err != nil {
		resp.Diagnostics.AddError("Invalid firewall profile id in state", err.Error())
		return
	}
	rules, diags := plan.apiRules(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()

	profiles, err := r.client.GetFirewallProfiles(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read firewall profiles", err)
		return
	}
	if other := findProfile(profiles, profileNamed(name)); other != nil && other.ID.Int() != id {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Firewall profile name in use", profileNameTakenError(name, other.ID.Int()))
		return
	}

	tflog.Info(ctx, "Replacing firewall profile", map[string]any{"profile_id": id, "name": name, "rules": len(rules)})
	err = r.client.EditFirewallProfile(ctx, id, name, plan.Description.ValueString(), rules)
	if hostwinds.IsOutcomeUnknown(err) {
		// edit_firewall_profile replaces the whole profile, so sending it again is safe.
		tflog.Warn(ctx, "The response to edit_firewall_profile was lost; sending it again", map[string]any{"profile_id": id, "error": err.Error()})
		err = r.client.EditFirewallProfile(ctx, id, name, plan.Description.ValueString(), rules)
	}
	if err != nil {
		addChangeError(&resp.Diagnostics, "Unable to update firewall profile", fmt.Sprintf("Firewall profile %q (id %d)", name, id), err)
		return
	}

	profiles, err = r.client.GetFirewallProfiles(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read firewall profiles", err)
		return
	}
	profile := findProfile(profiles, profileWithID(id))
	if profile == nil {
		resp.Diagnostics.AddError("Firewall profile disappeared",
			fmt.Sprintf("Firewall profile %d was updated but is no longer listed by get_firewall_profiles. Check the Hostwinds "+
				"client area; the next plan creates it again if it is gone.", id))
		return
	}
	resp.Diagnostics.Append(plan.setFromAPI(ctx, profile)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *firewallProfileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var state firewallProfileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err != nil {
		resp.Diagnostics.AddError("Invalid firewall profile id in state", err.Error())
		return
	}

	deleted, err := r.profileDeleted(ctx, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read firewall profiles", err)
		return
	}
	if deleted {
		tflog.Info(ctx, "Firewall profile was already gone", map[string]any{"profile_id": id})
		return
	}

	tflog.Info(ctx, "Deleting firewall profile", map[string]any{"profile_id": id, "name": state.Name.ValueString()})
	err = r.client.DeleteFirewallProfile(ctx, id)
	if hostwinds.IsOutcomeUnknown(err) {
		tflog.Warn(ctx, "The response to delete_firewall_profile was lost; checking the profile", map[string]any{"profile_id": id, "error": err.Error()})
		if deleted, getErr := r.profileDeleted(ctx, id); getErr == nil && deleted {
			return
		}
		err = r.client.DeleteFirewallProfile(ctx, id)
	}
	if err == nil {
		return
	}

	// The API's refusal carries an opaque code, so the provider looks for the usual cause
	// itself: instances that still use the profile.
	users, usersErr := r.instancesUsing(ctx, id)
	switch {
	case usersErr == nil && len(users) > 0:
		resp.Diagnostics.AddError("Firewall profile in use",
			fmt.Sprintf("Firewall profile %q (id %d) cannot be deleted, because these instances still use it: %s. Switch "+
				"them to another profile first (set_instance_firewall, or their firewall profile in Terraform), then "+
				"destroy again. The API returned: %s",
				state.Name.ValueString(), id, strings.Join(users, ", "), err))
	default:
		addChangeError(&resp.Diagnostics, "Unable to delete firewall profile",
			fmt.Sprintf("Firewall profile %q (id %d)", state.Name.ValueString(), id), err)
	}
}

// profileDeleted reports whether get_firewall_profiles no longer lists the profile.
func (r *firewallProfileResource) profileDeleted(ctx context.Context, id int64) (bool, error) {
	profiles, err := r.client.GetFirewallProfiles(ctx)
	if err != nil {
		return false, err
	}
	return findProfile(profiles, profileWithID(id)) == nil, nil
}

// instancesUsing lists the instances whose firewall profile is id, as "label (serviceid N)".
func (r *firewallProfileResource) instancesUsing(ctx context.Context, id int64) ([]string, error) {
	instances, err := r.client.GetInstances(ctx)
	if err != nil {
		return nil, err
	}
	var users []string
	for _, instance := range instances {
		profile, err := r.client.GetInstanceFirewallProfile(ctx, instance.ID())
		if hostwinds.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if profile.ID.Int() == id {
			users = append(users, fmt.Sprintf("%q (serviceid %d)", instance.Name, instance.ID()))
		}
	}
	return users, nil
}

func (r *firewallProfileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if _, err := strconv.ParseInt(req.ID, 10, 64); err == nil {
		resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
		return
	}

	// The API shows profiles by name, so a name is accepted too and looked up.
	if !r.ready(&resp.Diagnostics) {
		return
	}
	profiles, err := r.client.GetFirewallProfiles(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to look up the firewall profile", err)
		return
	}
	profile := findProfile(profiles, profileNamed(req.ID))
	if profile == nil {
		resp.Diagnostics.AddError("Firewall profile not found",
			fmt.Sprintf("No firewall profile has the id or name %q. Import a profile by its numeric id, such as 12, or "+
				"by its exact name.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(profile.ID.Int(), 10))...)
}
