package provider

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

var (
	_ resource.ResourceWithConfigure   = (*rdnsResource)(nil)
	_ resource.ResourceWithImportState = (*rdnsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*rdnsResource)(nil)
)

type rdnsResource struct {
	base
}

// NewRDNSResource returns the hostwinds_rdns resource.
func NewRDNSResource() resource.Resource {
	return &rdnsResource{}
}

// rdnsModel is the state of hostwinds_rdns.
type rdnsModel struct {
	ID         types.String   `tfsdk:"id"`
	InstanceID types.String   `tfsdk:"instance_id"`
	IPAddress  ipAddressValue `tfsdk:"ip_address"`
	DNSPTR     hostnameValue  `tfsdk:"dns_ptr"`
}

func (r *rdnsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rdns"
}

func (r *rdnsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = rdnsSchema()
}

func rdnsSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "The reverse DNS (PTR) record of one address of a Hostwinds instance, its primary IPv4 or " +
			"IPv6 address or a `hostwinds_secondary_ip`. Destroying the resource restores Hostwinds' default record, " +
			"`hwsrv-<serviceid>.hostwindsdns.com`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<instance_id>/<ip_address>`, with the address in its canonical form.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "The `serviceid` of the instance that holds the address, such as " +
					"`hostwinds_instance.example.id`. Changing it replaces the resource.",
				Required:      true,
				Validators:    []validator.String{serviceIDValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"ip_address": schema.StringAttribute{
				MarkdownDescription: "The IPv4 or IPv6 address, such as `hostwinds_instance.example.main_ip` or " +
					"`hostwinds_secondary_ip.example.address`. IPv6 addresses are compared by value, so " +
					"`2001:db8::1` and `2001:0DB8:0:0::1` are the same address. Changing it replaces the resource.",
				CustomType: ipAddressType{},
				Required:   true,
				Validators: []validator.String{ipAddressValidator{}},
				PlanModifiers: []planmodifier.String{
					keepPriorWhenEquivalent(canonicalIP),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"dns_ptr": schema.StringAttribute{
				MarkdownDescription: "The host name the address resolves to, such as `mail.example.com`. A trailing dot " +
					"and letter case make no difference: the provider sends the name without the dot. Changed in place.",
				CustomType:    hostnameType{},
				Required:      true,
				Validators:    []validator.String{hostnameValidator{}},
				PlanModifiers: []planmodifier.String{keepPriorWhenEquivalent(canonicalHostname)},
			},
		},
	}
}

// rdnsTarget is the instance and address a hostwinds_rdns resource points at.
type rdnsTarget struct {
	instanceID int64
	addr       netip.Addr
}

func (m *rdnsModel) target() (rdnsTarget, error) {
	id, err := parseServiceID(m.InstanceID.ValueString())
	if err != nil {
		return rdnsTarget{}, err
	}
	addr, err := parseAddress(m.IPAddress.ValueString())
	if err != nil {
		return rdnsTarget{}, err
	}
	return rdnsTarget{instanceID: id, addr: addr}, nil
}

func (t rdnsTarget) id() string {
	return strconv.FormatInt(t.instanceID, 10) + "/" + t.addr.String()
}

// ptrForAPI is the record the provider sends: the name without a trailing dot, so that what
// it writes and what it reads back compare the same way.
func ptrForAPI(value hostnameValue) string {
	text := value.ValueString()
	if len(text) > 0 && text[len(text)-1] == '.' {
		return text[:len(text)-1]
	}
	return text
}

// ModifyPlan rejects, before anything is applied, a new record for an address that the
// instance does not have. It checks only what is known at plan time: an address that another
// resource of the same apply adds is known only when it is applied, and Create checks it then.
func (r *rdnsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil || req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var plan rdnsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.InstanceID.IsUnknown() || plan.IPAddress.IsUnknown() {
		return
	}
	target, err := plan.target()
	if err != nil {
		return
	}
	ips, err := r.client.ReadInstanceIPs(ctx, target.instanceID)
	if err != nil {
		// A missing instance or a failed read is reported by Create, with the same words.
		return
	}
	if findAddress(ips, target.addr) == nil {
		resp.Diagnostics.AddAttributeError(path.Root("ip_address"), "IP address does not belong to the instance",
			fmt.Sprintf("The address %s is not an address of instance %d, whose addresses are: %s. Set ip_address to one "+
				"of them, or set instance_id to the instance that holds %s.",
				target.addr, target.instanceID, describeAddresses(ips), target.addr))
	}
}

func (r *rdnsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var plan rdnsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	target, err := plan.target()
	if err != nil {
		resp.Diagnostics.AddError("Invalid reverse DNS target", err.Error())
		return
	}

	ips, err := r.client.GetInstanceIPs(ctx, target.instanceID)
	if hostwinds.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Instance not found",
			fmt.Sprintf("Instance %d was not found in the Hostwinds account, so the PTR record of %s cannot be set. "+
				"Check instance_id.", target.instanceID, target.addr))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read instance IP addresses", err)
		return
	}
	listed := findAddress(ips, target.addr)
	if listed == nil {
		resp.Diagnostics.AddAttributeError(path.Root("ip_address"), "IP address does not belong to the instance",
			fmt.Sprintf("The address %s is not an address of instance %d, whose addresses are: %s. Set ip_address to one "+
				"of them, or set instance_id to the instance that holds %s.",
				target.addr, target.instanceID, describeAddresses(ips), target.addr))
		return
	}

	if err := r.setPTR(ctx, target, listed.IP, ptrForAPI(plan.DNSPTR)); err != nil {
		addChangeError(&resp.Diagnostics, "Unable to set reverse DNS record",
			fmt.Sprintf("Setting the PTR record of %s (instance %d)", listed.IP, target.instanceID), err)
		return
	}
	plan.ID = types.StringValue(target.id())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// setPTR sends set_rdns for the address as the API spells it. Setting a record is idempotent,
// so after a lost response it is sent once more unless the record already shows.
func (r *rdnsResource) setPTR(ctx context.Context, target rdnsTarget, apiAddress, ptr string) error {
	tflog.Info(ctx, "Setting reverse DNS record", map[string]any{"instance_id": target.instanceID, "ip": apiAddress, "rdns": ptr})
	err := r.client.SetRDNS(ctx, target.instanceID, apiAddress, ptr)
	if !hostwinds.IsOutcomeUnknown(err) {
		return err
	}
	tflog.Warn(ctx, "The response to set_rdns was lost; checking the record", map[string]any{"instance_id": target.instanceID, "error": err.Error()})
	ips, getErr := r.client.GetInstanceIPs(ctx, target.instanceID)
	if getErr == nil {
		if listed := findAddress(ips, target.addr); listed != nil && ptr != "" && canonicalHostname(listed.RDNS) == canonicalHostname(ptr) {
			return nil
		}
	}
	return r.client.SetRDNS(ctx, target.instanceID, apiAddress, ptr)
}

func (r *rdnsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var state rdnsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	target, err := state.target()
	if err != nil {
		resp.Diagnostics.AddError("Invalid reverse DNS record in state", err.Error())
		return
	}

	ips, err := r.client.ReadInstanceIPs(ctx, target.instanceID)
	if hostwinds.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Instance of reverse DNS record no longer exists",
			fmt.Sprintf("Instance %d was not found in the Hostwinds account, so the PTR record of %s was removed from state.",
				target.instanceID, target.addr))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read instance IP addresses", err)
		return
	}
	listed := findAddress(ips, target.addr)
	if listed == nil {
		resp.Diagnostics.AddWarning("Address of reverse DNS record no longer exists",
			fmt.Sprintf("The address %s is no longer an address of instance %d, so its PTR record was removed from state.",
				target.addr, target.instanceID))
		resp.State.RemoveResource(ctx)
		return
	}

	state.ID = types.StringValue(target.id())
	state.DNSPTR = newHostnameValue(listed.RDNS)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *rdnsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var plan rdnsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	target, err := plan.target()
	if err != nil {
		resp.Diagnostics.AddError("Invalid reverse DNS target", err.Error())
		return
	}
	ips, err := r.client.GetInstanceIPs(ctx, target.instanceID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read instance IP addresses", err)
		return
	}
	listed := findAddress(ips, target.addr)
	if listed == nil {
		resp.Diagnostics.AddError("IP address no longer belongs to the instance",
			fmt.Sprintf("The address %s is no longer an address of instance %d, whose addresses are: %s.",
				target.addr, target.instanceID, describeAddresses(ips)))
		return
	}

	if err := r.setPTR(ctx, target, listed.IP, ptrForAPI(plan.DNSPTR)); err != nil {
		addChangeError(&resp.Diagnostics, "Unable to set reverse DNS record",
			fmt.Sprintf("Setting the PTR record of %s (instance %d)", listed.IP, target.instanceID), err)
		return
	}
	plan.ID = types.StringValue(target.id())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete restores the default PTR record. An instance or address that is gone took its record
// with it, so that counts as done.
func (r *rdnsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var state rdnsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	target, err := state.target()
	if err != nil {
		resp.Diagnostics.AddError("Invalid reverse DNS record in state", err.Error())
		return
	}

	ips, err := r.client.GetInstanceIPs(ctx, target.instanceID)
	if hostwinds.IsNotFound(err) {
		tflog.Info(ctx, "Instance was already gone", map[string]any{"instance_id": target.instanceID, "ip": target.addr.String()})
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read instance IP addresses", err)
		return
	}
	listed := findAddress(ips, target.addr)
	if listed == nil {
		tflog.Info(ctx, "Address was already gone", map[string]any{"instance_id": target.instanceID, "ip": target.addr.String()})
		return
	}

	err = r.setPTR(ctx, target, listed.IP, "")
	if hostwinds.IsNotFound(err) {
		return
	}
	if err != nil {
		addChangeError(&resp.Diagnostics, "Unable to restore the default reverse DNS record",
			fmt.Sprintf("Restoring the default PTR record of %s (instance %d)", listed.IP, target.instanceID), err)
	}
}

func (r *rdnsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, addr, err := splitImportID(req.ID, "ip_address", "1234567/192.0.2.10")
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	target := rdnsTarget{instanceID: id, addr: addr}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), target.id())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), strconv.FormatInt(id, 10))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ip_address"), newIPAddressValue(addr.String()))...)
}
