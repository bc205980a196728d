package provider

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// Default timeouts of hostwinds_secondary_ip. A new address shows in get_instance_ips within
// about a minute, and regenerate_networking adds a reboot.
const (
	defaultSecondaryIPCreateTimeout = 15 * time.Minute
	defaultSecondaryIPDeleteTimeout = 15 * time.Minute
)

var (
	_ resource.ResourceWithConfigure   = (*secondaryIPResource)(nil)
	_ resource.ResourceWithImportState = (*secondaryIPResource)(nil)
)

type secondaryIPResource struct {
	base
}

// NewSecondaryIPResource returns the hostwinds_secondary_ip resource.
func NewSecondaryIPResource() resource.Resource {
	return &secondaryIPResource{}
}

// secondaryIPModel is the state of hostwinds_secondary_ip.
type secondaryIPModel struct {
	ID                   types.String   `tfsdk:"id"`
	InstanceID           types.String   `tfsdk:"instance_id"`
	Address              types.String   `tfsdk:"address"`
	RegenerateNetworking types.Bool     `tfsdk:"regenerate_networking"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

func (r *secondaryIPResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secondary_ip"
}

func (r *secondaryIPResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = secondaryIPSchema(ctx)
}

func secondaryIPSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "One additional IPv4 address of a Hostwinds instance, ordered with `add_ip` and billed " +
			"monthly. The API does not return the new address, so the provider compares the instance's addresses " +
			"before and after the order, one order per instance at a time, and never orders again after a lost " +
			"response. The instance's network uses a new address only after `regenerate_networking` or a reboot.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<instance_id>/<address>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},

			// Required.
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "The `serviceid` of the instance that gets the address, such as " +
					"`hostwinds_instance.example.id`. Changing it releases this address and orders a new one on the " +
					"other instance.",
				Required:      true,
				Validators:    []validator.String{serviceIDValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},

			// Optional.
			"regenerate_networking": schema.BoolAttribute{
				MarkdownDescription: "When `true`, the provider runs `regenerate_networking` after it adds or removes the " +
					"address, so the instance's network configuration includes it. **This reboots the instance.** When " +
					"`false`, the address is listed at once but the instance uses it only after its next " +
					"`regenerate_networking` or reboot. Changing only this flag changes nothing at Hostwinds. Defaults " +
					"to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},

			// Computed.
			"address": schema.StringAttribute{
				MarkdownDescription: "The IPv4 address Hostwinds assigned.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},

			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

func (r *secondaryIPResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var plan secondaryIPModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultSecondaryIPCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id, err := parseServiceID(plan.InstanceID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Invalid instance id", err.Error())
		return
	}

	unlock, err := lockInstance(ctx, id, "adding a secondary IP address")
	if err != nil {
		resp.Diagnostics.AddError("Unable to add secondary IP address", err.Error())
		return
	}
	defer unlock()

	address, err := r.addAddress(ctx, id)
	var apiErr *hostwinds.APIError
	if err != nil && errors.As(err, &apiErr) && !hostwinds.IsOutcomeUnknown(err) {
		// The API refused the order, so no address was added.
		addChangeError(&resp.Diagnostics, "Unable to add secondary IP address", fmt.Sprintf("Instance %d", id), err)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to add secondary IP address", fmt.Sprintf("Instance %d: %s", id, err))
		return
	}

	// Record the address before anything else can fail, so that it is never billed unknown
	// to Terraform.
	state := plan
	state.ID = types.StringValue(secondaryIPID(id, address))
	state.Address = types.StringValue(address)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)

	if plan.RegenerateNetworking.ValueBool() {
		if err := regenerateNetworking(ctx, r.client, id, r.data.pollInterval, "create"); err != nil {
			resp.Diagnostics.AddError("Unable to regenerate networking",
				fmt.Sprintf("The address %s was added to instance %d and is in state, but regenerate_networking failed: %s. "+
					"Terraform marks the resource tainted, so the next apply releases %s and orders a new address. To keep "+
					"%s instead, run `terraform untaint` on this resource and reboot the instance or regenerate its "+
					"networking in the Hostwinds client area.", address, id, err, address, address))
		}
	}
}

// addAddress orders one address and returns it. It holds the instance's lock, so the one new
// secondary address that appears is this order's. After a lost response it looks for the new
// address as well, and it never sends add_ip twice.
func (r *secondaryIPResource) addAddress(ctx context.Context, id int64) (string, error) {
	if err := waitInstanceIdle(ctx, r.client, id, r.data.pollInterval); err != nil {
		return "", err
	}
	before, err := r.client.GetInstanceIPs(ctx, id)
	if err != nil {
		return "", err
	}

	tflog.Info(ctx, "Ordering a secondary IP address", map[string]any{"instance_id": id, "addresses_before": describeAddresses(before)})
	orderErr := r.client.AddIP(ctx, id)
	if orderErr != nil && !hostwinds.IsOutcomeUnknown(orderErr) {
		return "", orderErr
	}
	if orderErr != nil {
		tflog.Warn(ctx, "The response to add_ip was lost; looking for a new address before deciding anything",
			map[string]any{"instance_id": id, "error": orderErr.Error()})
	}

	var added []hostwinds.IPAddress
	_, err = waitForInstanceIPs(ctx, r.client, id, r.data.pollInterval, "list the new secondary address", "create",
		func(ips []hostwinds.IPAddress) bool {
			added = newAddresses(before, ips)
			return len(added) > 0
		})
	if err != nil {
		if orderErr != nil {
			return "", fmt.Errorf("%w. No new address appeared afterwards: %w. The order was most likely not carried out, "+
				"but check the instance's addresses in the Hostwinds client area before you apply again, and import an "+
				"address that appears with `terraform import` (id <instance_id>/<address>)", orderErr, err)
		}
		return "", fmt.Errorf("add_ip succeeded, but %w. Import the address once it appears with `terraform import` "+
			"(id <instance_id>/<address>)", err)
	}

	address := added[0].IP
	if len(added) > 1 {
		// Only another client (the client area, another Terraform run) can add an address while
		// this process holds the lock, so the provider cannot tell which one it ordered.
		tflog.Warn(ctx, "More than one new address appeared; recording the first", map[string]any{
			"instance_id": id, "recorded": address, "new_addresses": describeAddresses(added),
		})
	}
	tflog.Info(ctx, "Found the new secondary IP address", map[string]any{"instance_id": id, "address": address})
	return address, nil
}

// newAddresses returns the secondary addresses of after that before did not list.
func newAddresses(before, after []hostwinds.IPAddress) []hostwinds.IPAddress {
	var added []hostwinds.IPAddress
	for _, ip := range after {
		if ip.Type != ipTypeSecondary {
			continue
		}
		known := slices.ContainsFunc(before, func(b hostwinds.IPAddress) bool { return b.IP == ip.IP })
		if !known {
			added = append(added, ip)
		}
	}
	return added
}

// waitInstanceIdle waits until no task runs on the instance, because the API rejects add_ip,
// delete_ip and regenerate_networking while one does.
func waitInstanceIdle(ctx context.Context, client *hostwinds.Client, id int64, firstWait time.Duration) error {
	_, err := waitForInstance(ctx, client, id, firstWait, instanceCondition{
		description: "finish its current task", done: func(i *hostwinds.Instance) bool { return i.Idle() },
	})
	return err
}

// regenerateNetworking rewrites the instance's network configuration, which reboots it, and
// waits until it is running and idle again.
func regenerateNetworking(ctx context.Context, client *hostwinds.Client, id int64, firstWait time.Duration, timeoutName string) error {
	if err := waitInstanceIdle(ctx, client, id, firstWait); err != nil {
		return err
	}
	tflog.Info(ctx, "Regenerating the instance's networking, which reboots it", map[string]any{"instance_id": id})
	if err := client.RegenerateNetworking(ctx, id); err != nil {
		return err
	}
	_, err := waitForInstance(ctx, client, id, firstWait, instanceCondition{
		description: "come back after regenerate_networking", done: activeAndIdle,
	})
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w (the timeout to raise is timeouts.%s)", err, timeoutName)
	}
	return err
}

func secondaryIPID(instanceID int64, address string) string {
	return strconv.FormatInt(instanceID, 10) + "/" + address
}

func (r *secondaryIPResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var state secondaryIPModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, addr, err := state.parse()
	if err != nil {
		resp.Diagnostics.AddError("Invalid secondary IP address in state", err.Error())
		return
	}

	ips, err := r.client.ReadInstanceIPs(ctx, id)
	if hostwinds.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Instance of secondary IP address no longer exists",
			fmt.Sprintf("Instance %d was not found in the Hostwinds account, so its address %s was removed from state.", id, addr))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read instance IP addresses", err)
		return
	}
	listed := findAddress(ips, addr)
	if listed == nil {
		resp.Diagnostics.AddWarning("Secondary IP address no longer exists",
			fmt.Sprintf("The address %s is no longer an address of instance %d, so it was removed from state. The next "+
				"apply orders a new address, which will differ from %s.", addr, id, addr))
		resp.State.RemoveResource(ctx)
		return
	}
	if listed.Type == ipTypePrimary {
		resp.Diagnostics.AddWarning("Secondary IP address is now the primary address",
			primaryAddressDetail(id, addr.String()))
	}
	state.Address = types.StringValue(listed.IP)
	state.ID = types.StringValue(secondaryIPID(id, listed.IP))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func primaryAddressDetail(id int64, address string) string {
	return fmt.Sprintf("The address %s has become the primary address of instance %d, for example through set_main_ip "+
		"outside Terraform. The provider never deletes a primary address, so destroying this resource fails. To stop "+
		"managing the address without releasing it, run `terraform state rm` on this resource; or make another "+
		"address primary again first.", address, id)
}

// parse returns the instance id and the address from state.
func (m *secondaryIPModel) parse() (int64, netip.Addr, error) {
	id, err := parseServiceID(m.InstanceID.ValueString())
	if err != nil {
		return 0, netip.Addr{}, err
	}
	addr, err := parseAddress(m.Address.ValueString())
	if err != nil {
		return 0, netip.Addr{}, err
	}
	return id, addr, nil
}

// Update changes only regenerate_networking and the timeouts, which live in state alone.
func (r *secondaryIPResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan secondaryIPModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *secondaryIPResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var state secondaryIPModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultSecondaryIPDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id, addr, err := state.parse()
	if err != nil {
		resp.Diagnostics.AddError("Invalid secondary IP address in state", err.Error())
		return
	}

	unlock, err := lockInstance(ctx, id, "releasing a secondary IP address")
	if err != nil {
		resp.Diagnostics.AddError("Unable to release secondary IP address", err.Error())
		return
	}
	defer unlock()

	released, err := r.releaseAddress(ctx, id, addr)
	if err != nil {
		addChangeError(&resp.Diagnostics, "Unable to release secondary IP address",
			fmt.Sprintf("Releasing address %s of instance %d", addr, id), err)
		return
	}
	if released && state.RegenerateNetworking.ValueBool() {
		if err := regenerateNetworking(ctx, r.client, id, r.data.pollInterval, "delete"); err != nil {
			resp.Diagnostics.AddWarning("Unable to regenerate networking",
				fmt.Sprintf("The address %s was released from instance %d, but regenerate_networking failed: %s. Reboot the "+
					"instance or regenerate its networking in the Hostwinds client area.", addr, id, err))
		}
	}
}

// releaseAddress deletes addr while it is still a secondary address of the instance and waits
// until it is no longer listed. It reports false when the address or the instance was
// already gone.
func (r *secondaryIPResource) releaseAddress(ctx context.Context, id int64, addr netip.Addr) (bool, error) {
	ips, err := r.client.GetInstanceIPs(ctx, id)
	if hostwinds.IsNotFound(err) {
		tflog.Info(ctx, "Instance was already gone", map[string]any{"instance_id": id, "address": addr.String()})
		return false, nil
	}
	if err != nil {
		return false, err
	}
	listed := findAddress(ips, addr)
	if listed == nil {
		tflog.Info(ctx, "Secondary address was already gone", map[string]any{"instance_id": id, "address": addr.String()})
		return false, nil
	}
	if listed.Type == ipTypePrimary {
		return false, errors.New(primaryAddressDetail(id, listed.IP))
	}

	if err := waitInstanceIdle(ctx, r.client, id, r.data.pollInterval); err != nil {
		if hostwinds.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	tflog.Info(ctx, "Releasing secondary IP address", map[string]any{"instance_id": id, "address": listed.IP})
	err = r.client.DeleteIP(ctx, id, listed.IP)
	switch {
	case hostwinds.IsNotFound(err):
		return false, nil
	case hostwinds.IsOutcomeUnknown(err):
		// Deleting an address that is still listed is safe to repeat, so the wait below
		// sends delete_ip again only if the address is still there.
		tflog.Warn(ctx, "The response to delete_ip was lost; checking the address", map[string]any{"instance_id": id, "error": err.Error()})
		lostErr := err
		ips, getErr := r.client.GetInstanceIPs(ctx, id)
		if getErr == nil && findAddress(ips, addr) != nil {
			if err := r.client.DeleteIP(ctx, id, listed.IP); err != nil && !hostwinds.IsNotFound(err) {
				return false, err
			}
		}
		if getErr != nil && ctx.Err() != nil {
			return false, lostErr
		}
	case err != nil:
		return false, err
	}

	_, err = waitForInstanceIPs(ctx, r.client, id, r.data.pollInterval, "stop listing "+listed.IP, "delete",
		func(ips []hostwinds.IPAddress) bool { return findAddress(ips, addr) == nil })
	if errors.Is(err, errInstanceGone) {
		return true, nil
	}
	return true, err
}

func (r *secondaryIPResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	id, addr, err := splitImportID(req.ID, "address", "1234567/198.51.100.7")
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	ips, err := r.client.GetInstanceIPs(ctx, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the addresses of instance %d", id), err)
		return
	}
	listed := findAddress(ips, addr)
	if listed == nil || listed.Type != ipTypeSecondary {
		resp.Diagnostics.AddError("Not a secondary IP address of the instance",
			fmt.Sprintf("%s is not a secondary address of instance %d, so it cannot be imported as hostwinds_secondary_ip. "+
				"The instance's addresses are: %s. The primary address belongs to hostwinds_instance.",
				addr, id, describeAddresses(ips)))
		return
	}

	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), secondaryIPID(id, listed.IP))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), strconv.FormatInt(id, 10))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("address"), listed.IP)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("regenerate_networking"), false)...)
}
