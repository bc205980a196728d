package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// Default operation timeouts. A build takes a few minutes on Hostwinds; a resize copies the disk.
const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 30 * time.Minute
	defaultDeleteTimeout = 15 * time.Minute
)

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

var serviceIDPattern = regexp.MustCompile(`^[1-9][0-9]{0,18}$`)

var (
	_ resource.ResourceWithConfigure   = (*instanceResource)(nil)
	_ resource.ResourceWithImportState = (*instanceResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*instanceResource)(nil)
)

type instanceResource struct {
	base
}

// NewInstanceResource returns the hostwinds_instance resource.
func NewInstanceResource() resource.Resource {
	return &instanceResource{}
}

func (r *instanceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
}

func (r *instanceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = instanceSchema(ctx)
}

func instanceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A Hostwinds Cloud VPS instance. Changes are made in place wherever the API allows it, " +
			"so the instance keeps its IP addresses: renaming, billing changes, resizing to a plan with an equal or " +
			"larger disk, reinstalling from another image, a new root password and powering on or off. Only a new " +
			"location, new SSH keys or a plan with a smaller disk replace the instance, and the plan warns when " +
			"that happens.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The instance's `serviceid`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},

			// Required.
			"name": schema.StringAttribute{
				MarkdownDescription: "The instance's label (`srvrname`), unique in the account. The provider finds a new " +
					"instance by this name, because the API does not return its id. Changed in place; the hostname stays.",
				Required:   true,
				Validators: []validator.String{labelValidator()},
			},
			"location_id": schema.Int64Attribute{
				MarkdownDescription: "The data centre, an `id` from the `hostwinds_locations` data source. Changing it " +
					"replaces the instance, which releases its IP addresses.",
				Required:      true,
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"plan_id": schema.Int64Attribute{
				MarkdownDescription: "The plan, an `id` from the `hostwinds_plans` data source (the API's `rid`). A plan " +
					"with an equal or larger disk is applied in place through the upgrade flow, which reboots the " +
					"instance and needs the account to pay the upgrade invoice automatically. A plan with a smaller disk " +
					"replaces the instance, because disks only grow.",
				Required:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"image": schema.StringAttribute{
				MarkdownDescription: "The operating system image, a `uuid` from the `hostwinds_images` data source. " +
					"Changing it reinstalls the instance in place: the IP addresses stay, **all data on the disk is lost**.",
				Required:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(uuidPattern, "must be an image UUID such as 0f1a2b3c-0000-4000-8000-000000002404; list them with the hostwinds_images data source")},
			},

			// Optional.
			"billing_cycle": schema.StringAttribute{
				MarkdownDescription: "How often the instance is billed: one of `monthly`, `quarterly`, `semiannually`, " +
					"`annually`, `biennially`, `triennially`. Changed in place. Defaults to the API's choice, `monthly`.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.OneOf(hostwinds.BillingCycles...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"managed": schema.BoolAttribute{
				MarkdownDescription: "Whether Hostwinds manages the instance (a paid service level). Changed in place. " +
					"Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"ssh_keys": schema.SetAttribute{
				MarkdownDescription: "Names of SSH keys in the Hostwinds account to install at build time. Changing them " +
					"replaces the instance, except after an import, when the API did not report the keys.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 255)),
				},
				PlanModifiers: []planmodifier.Set{
					setplanmodifier.RequiresReplaceIf(sshKeysRequireReplace,
						"Changing ssh_keys replaces the instance, unless the prior value is unknown after an import.",
						"Changing `ssh_keys` replaces the instance, unless the prior value is unknown after an import."),
				},
			},
			"root_password": schema.StringAttribute{
				MarkdownDescription: "The root password. When not set, the password Hostwinds generated is read into " +
					"state. Changed in place with `change_password`; a new password takes effect at the next reboot " +
					"(the provider reboots a new instance after setting it).",
				Optional:      true,
				Computed:      true,
				Sensitive:     true,
				Validators:    []validator.String{stringvalidator.LengthBetween(8, 128)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"power_state": schema.StringAttribute{
				MarkdownDescription: "`running` or `stopped`. Changed in place with `boot` and `shutdown`. When not set, " +
					"the provider reads the state and leaves it alone.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.OneOf(powerRunning, powerStopped)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},

			"firewall_profile": schema.StringAttribute{
				MarkdownDescription: "The name of the firewall profile the instance uses, such as " +
					"`hostwinds_firewall_profile.smtp.name`. Applied in place with `set_instance_firewall`. When not " +
					"set, the profile the instance has (the account's default for a new instance) is read into state. " +
					"The instance is the one owner of this relation: do not set it anywhere else. Removing the " +
					"attribute leaves the instance on its current profile.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},

			// Computed.
			"hostname":     computedString("The hostname Hostwinds assigned, such as `hwsrv-123456.hostwindsdns.com`."),
			"main_ip":      computedString("The primary IPv4 address."),
			"ipv6_address": computedString("The IPv6 address, empty when the instance has none."),
			"status": schema.StringAttribute{
				MarkdownDescription: "The status, upper case: `ACTIVE`, `SHUTOFF`, `BUILD`, `ERROR` and others.",
				Computed:            true,
			},
			"cpu":          computedInt64("The number of virtual CPUs of the plan."),
			"memory_mb":    computedInt64("The memory of the plan, in MB."),
			"disk_gb":      computedInt64("The disk size of the plan, in GB."),
			"bandwidth_gb": computedInt64("The monthly transfer of the plan, in GB."),
			"created_at":   computedString("When the instance was created, as `YYYY-MM-DD HH:MM:SS`."),

			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func computedString(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func computedInt64(description string) schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: description,
		Computed:            true,
		PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}
}

// sshKeysRequireReplace keeps an imported instance whose keys the API did not report: its prior
// value is null, and adding ssh_keys to the configuration then only records them.
func sshKeysRequireReplace(_ context.Context, req planmodifier.SetRequest, resp *setplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull()
}

func (r *instanceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var plan instanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	name := plan.Name.ValueString()
	id, err := r.createInstance(ctx, &plan)
	var apiErr *hostwinds.APIError
	if err != nil && errors.As(err, &apiErr) && !hostwinds.IsOutcomeUnknown(err) {
		// The API refused the order, so nothing was created.
		addChangeError(&resp.Diagnostics, "Unable to create instance", fmt.Sprintf("Creating instance %q failed", name), err)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to create instance", fmt.Sprintf("Creating instance %q failed: %s", name, err))
		return
	}

	// Record the instance before waiting, so that an error or an interrupt from here on leaves
	// it in state (tainted) instead of running unknown to Terraform.
	state := plan
	state.ID = types.StringValue(strconv.FormatInt(id, 10))
	instance, err := r.client.GetInstance(ctx, id)
	if err == nil {
		resp.Diagnostics.Append(state.setFromAPI(ctx, instance)...)
	}
	resolveUnknowns(&state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read new instance", err)
		return
	}

	instance, err = waitForInstance(ctx, r.client, id, r.data.pollInterval, instanceCondition{
		description: "become ACTIVE and idle after its build", done: activeAndIdle,
	})
	if instance != nil {
		resp.Diagnostics.Append(state.setFromAPI(ctx, instance)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
	if err != nil && interrupted(ctx) {
		r.saveInterruptedCreate(ctx, plan, state, resp)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Instance build failed",
			fmt.Sprintf("Instance %q (serviceid %d) was created but did not become ready: %s. It stays in state and is "+
				"marked tainted, so the next apply replaces it; or inspect it in the Hostwinds client area first.", name, id, err))
		return
	}

	if err := r.finishCreate(ctx, id, &plan, &state); err != nil && interrupted(ctx) {
		r.saveInterruptedCreate(ctx, plan, state, resp)
		return
	} else if err != nil {
		resp.Diagnostics.AddError("Unable to configure new instance",
			fmt.Sprintf("Instance %q (serviceid %d) was built, but setting it up failed: %s. It stays in state, marked tainted.", name, id, err))
	}
	r.refresh(ctx, id, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// instanceNameLocks makes creates of instances with the same name take turns.
var instanceNameLocks = newKeyedLocks()

// interrupted reports whether Terraform cancelled the operation, as it does on Ctrl-C, as
// opposed to the operation's own timeout running out.
func interrupted(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// saveInterruptedCreate keeps an interrupted create in state without an error, because an
// error would taint the instance and the next apply would order a second one. Terraform
// requires the planned values in that state, so they are saved as planned. The next refresh
// reads what the instance really has, and the plan then holds an update that waits for the
// build and applies the settings that remain.
func (r *instanceResource) saveInterruptedCreate(ctx context.Context, plan, actual instanceModel, resp *resource.CreateResponse) {
	saved := plannedOrActual(plan, actual)
	resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)
	id, _ := actual.serviceID()
	name := plan.Name.ValueString()
	resp.Diagnostics.AddWarning("Instance creation interrupted",
		fmt.Sprintf("The apply was interrupted while instance %q (serviceid %d) was being set up. The instance exists, "+
			"is billed and is saved in state. The next apply waits for its build to finish and applies the settings "+
			"that remain, without ordering another instance.", name, id))
}

// plannedOrActual returns the planned values, with each value the plan left unknown taken
// from actual.
func plannedOrActual(plan, actual instanceModel) instanceModel {
	out := plan
	planned := reflect.ValueOf(&out).Elem()
	got := reflect.ValueOf(actual)
	for i := range planned.NumField() {
		if value, ok := planned.Field(i).Interface().(attr.Value); ok && value.IsUnknown() {
			planned.Field(i).Set(got.Field(i))
		}
	}
	return out
}

// createInstance orders the instance and returns its serviceid. The API does not return the
// id, so the instance is found by its unique name. The same look-up after a lost response makes
// sure the order is never sent twice.
func (r *instanceResource) createInstance(ctx context.Context, plan *instanceModel) (int64, error) {
	name := plan.Name.ValueString()

	// Two resources of one configuration with the same name would both pass the check below
	// and order two instances, so creates of one name take turns: the second one then finds
	// the first and fails before it orders anything.
	release, err := instanceNameLocks.acquire(ctx, name, func() {
		tflog.Info(ctx, "Waiting for another create of an instance with the same name", map[string]any{"name": name})
	})
	if err != nil {
		return 0, fmt.Errorf("waiting for another create of an instance named %q: %w", name, err)
	}
	defer release()

	existing, err := r.client.FindInstancesByName(ctx, name)
	if err != nil {
		return 0, err
	}
	if len(existing) > 0 {
		return 0, nameTakenError(name, existing[0].ID.Int())
	}

	var sshKeys []string
	if !plan.SSHKeys.IsNull() && !plan.SSHKeys.IsUnknown() {
		plan.SSHKeys.ElementsAs(ctx, &sshKeys, false)
	}
	request := hostwinds.CreateInstanceRequest{
		Name:       name,
		ImageUUID:  plan.Image.ValueString(),
		PlanID:     plan.PlanID.ValueInt64(),
		LocationID: plan.LocationID.ValueInt64(),
		SSHKeys:    sshKeys,
	}
	if !plan.BillingCycle.IsUnknown() && !plan.BillingCycle.IsNull() {
		request.BillingCycle = plan.BillingCycle.ValueString()
	}
	tflog.Info(ctx, "Ordering instance", map[string]any{"name": name, "plan_id": request.PlanID, "location_id": request.LocationID})
	orderErr := r.client.AddInstance(ctx, request)
	if orderErr != nil && !hostwinds.IsOutcomeUnknown(orderErr) {
		return 0, orderErr
	}
	if orderErr != nil {
		tflog.Warn(ctx, "The response to add_instance was lost; looking for the instance by name before deciding anything",
			map[string]any{"name": name, "error": orderErr.Error()})
	}
	return r.findNewInstance(ctx, name, orderErr)
}

// findNewInstance looks for the instance named name for up to a minute, because a new
// instance may take a moment to appear in get_instance_ids.
func (r *instanceResource) findNewInstance(ctx context.Context, name string, orderErr error) (int64, error) {
	wait := r.data.pollInterval
	deadline := time.Now().Add(time.Minute)
	for attempt := 1; ; attempt++ {
		matches, err := r.client.FindInstancesByName(ctx, name)
		if err == nil && len(matches) == 1 {
			id := matches[0].ID.Int()
			tflog.Info(ctx, "Found new instance", map[string]any{"name": name, "instance_id": id, "look_ups": attempt})
			return id, nil
		}
		if err == nil && len(matches) > 1 {
			return 0, fmt.Errorf("%d instances are named %q, so the provider cannot tell which one it created; "+
				"delete or rename the extra ones in the Hostwinds client area, then import the one to keep", len(matches), name)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			if orderErr != nil {
				return 0, fmt.Errorf("%w. No instance named %q appeared afterwards, so the order was most likely not "+
					"carried out; check the Hostwinds client area before you apply again", orderErr, name)
			}
			return 0, fmt.Errorf("the order was accepted, but no instance named %q appeared within a minute (last "+
				"look-up error: %v); check the Hostwinds client area and import the instance if it exists", name, err)
		}
		tflog.Info(ctx, "Waiting for the new instance to appear in get_instance_ids", map[string]any{"name": name, "next_look_up_in": wait.String()})
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(time.Duration(float64(wait)*pollGrowth), maxPollInterval)
	}
}

func nameTakenError(name string, id int64) error {
	return fmt.Errorf("an instance named %q already exists (serviceid %d). Names must be unique, because the provider "+
		"finds a new instance by its name. Choose another name, or bring the existing instance under Terraform with "+
		"an import block (to = hostwinds_instance.<name>, id = \"%d\") or terraform import", name, id, id)
}

// finishCreate applies what add_instance cannot take: the managed level, the root password and
// the power state.
func (r *instanceResource) finishCreate(ctx context.Context, id int64, plan, state *instanceModel) error {
	if plan.Managed.ValueBool() && !state.Managed.ValueBool() {
		if err := r.client.SetManaged(ctx, id, true); err != nil {
			return err
		}
		state.Managed = types.BoolValue(true)
	}
	if password := plan.RootPassword; !password.IsNull() && !password.IsUnknown() && password.ValueString() != state.RootPassword.ValueString() {
		if err := r.client.ChangePassword(ctx, id, password.ValueString()); err != nil {
			return err
		}
		state.RootPassword = password
		// The password takes effect at the next reboot; a new instance holds no work to lose.
		if plan.PowerState.ValueString() != powerStopped {
			if err := r.client.Reboot(ctx, id); err != nil {
				return err
			}
			if _, err := waitForInstance(ctx, r.client, id, r.data.pollInterval, instanceCondition{
				description: "come back after the reboot that applies the root password", done: activeAndIdle,
			}); err != nil {
				return err
			}
		}
	}
	if profile := plan.Firewall; !profile.IsNull() && !profile.IsUnknown() {
		if err := r.client.SetInstanceFirewall(ctx, id, profile.ValueString()); err != nil {
			return err
		}
		state.Firewall = profile
	}
	if plan.PowerState.ValueString() == powerStopped {
		return r.setPower(ctx, id, powerStopped)
	}
	return nil
}

func (r *instanceResource) setPower(ctx context.Context, id int64, power string) error {
	if power == powerStopped {
		if err := r.client.Shutdown(ctx, id); err != nil {
			return err
		}
		_, err := waitForInstance(ctx, r.client, id, r.data.pollInterval, instanceCondition{
			description: "shut down", done: func(i *hostwinds.Instance) bool { return i.HasStatus(hostwinds.StatusShutoff) && i.Idle() },
		})
		return err
	}
	if err := r.client.Boot(ctx, id); err != nil {
		return err
	}
	_, err := waitForInstance(ctx, r.client, id, r.data.pollInterval, instanceCondition{description: "boot", done: activeAndIdle})
	return err
}

// refresh reads the instance into state, adding a diagnostic when that fails.
func (r *instanceResource) refresh(ctx context.Context, id int64, state *instanceModel, diags *diag.Diagnostics) {
	instance, err := r.client.GetInstance(ctx, id)
	if err != nil {
		addAPIError(diags, "Unable to read instance", err)
		return
	}
	diags.Append(state.setFromAPI(ctx, instance)...)
	r.readFirewall(ctx, id, state, diags)
}

// readFirewall reads the name of the instance's firewall profile into state.
func (r *instanceResource) readFirewall(ctx context.Context, id int64, state *instanceModel, diags *diag.Diagnostics) {
	profile, err := r.client.GetInstanceFirewallProfile(ctx, id)
	if err != nil {
		addAPIError(diags, "Unable to read the instance's firewall profile", err)
		return
	}
	state.Firewall = types.StringValue(profile.Name)
}

// resolveUnknowns replaces the unknown values left in a partly filled state with nulls,
// because Terraform rejects a state that holds unknown values.
func resolveUnknowns(m *instanceModel) {
	for _, s := range []*types.String{&m.BillingCycle, &m.RootPassword, &m.PowerState, &m.Firewall, &m.Hostname, &m.MainIP, &m.IPv6Address, &m.Status, &m.CreatedAt} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	for _, n := range []*types.Int64{&m.CPU, &m.MemoryMB, &m.DiskGB, &m.BandwidthGB} {
		if n.IsUnknown() {
			*n = types.Int64Null()
		}
	}
	if m.SSHKeys.IsUnknown() {
		m.SSHKeys = types.SetNull(types.StringType)
	}
}

func (r *instanceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var state instanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := state.serviceID()
	if err != nil {
		resp.Diagnostics.AddError("Invalid instance id in state", fmt.Sprintf("The id %q is not a serviceid: %s", state.ID.ValueString(), err))
		return
	}

	instance, err := r.client.ReadInstance(ctx, id)
	if hostwinds.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Instance no longer exists",
			fmt.Sprintf("Instance %q (serviceid %d) was not found in the Hostwinds account, so it was removed from state. "+
				"The next apply creates it again.", state.Name.ValueString(), id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read instance", err)
		return
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, instance)...)
	r.readFirewall(ctx, id, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *instanceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var plan, state instanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id, err := state.serviceID()
	if err != nil {
		resp.Diagnostics.AddError("Invalid instance id in state", err.Error())
		return
	}

	// Each step records its result in state as soon as it succeeds, so a failure later on does
	// not make the next apply repeat a finished step, such as a reinstall that wipes the disk.
	state.Timeouts = plan.Timeouts
	for _, step := range r.updateSteps() {
		if !step.needed(&plan, &state) {
			continue
		}
		tflog.Info(ctx, "Updating instance", map[string]any{"instance_id": id, "step": step.name})
		if err := step.apply(ctx, id, &plan, &state); err != nil {
			// Record what the instance really is now, such as status ERROR, so that the next
			// plan shows it instead of the status from before the change.
			if instance, getErr := r.client.GetInstance(ctx, id); getErr == nil {
				resp.Diagnostics.Append(state.setFromAPI(ctx, instance)...)
			}
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			addChangeError(&resp.Diagnostics, "Unable to update instance",
				fmt.Sprintf("Instance %q (serviceid %d): %s failed", state.Name.ValueString(), id, step.name), err)
			if errors.Is(err, errInstanceFailed) {
				resp.Diagnostics.AddError("Instance in ERROR", "The instance went to status ERROR during the change; "+
					"check it in the Hostwinds client area. The provider changed nothing else.")
			}
			return
		}
	}

	r.refresh(ctx, id, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *instanceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.ready(&resp.Diagnostics) {
		return
	}
	var state instanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id, err := state.serviceID()
	if err != nil {
		resp.Diagnostics.AddError("Invalid instance id in state", err.Error())
		return
	}

	tflog.Info(ctx, "Terminating instance", map[string]any{"instance_id": id})
	err = r.client.Terminate(ctx, id)
	switch {
	case hostwinds.IsNotFound(err):
		tflog.Info(ctx, "Instance was already gone", map[string]any{"instance_id": id})
		return
	case hostwinds.IsOutcomeUnknown(err):
		// Whether the terminate arrived is unknown, so the instance is read first. A second
		// terminate is sent only if the instance is still there and not terminating.
		tflog.Warn(ctx, "The response to terminate was lost; checking the instance", map[string]any{"instance_id": id, "error": err.Error()})
		instance, getErr := r.client.GetInstance(ctx, id)
		if hostwinds.IsNotFound(getErr) {
			return
		}
		if getErr == nil && instance.Idle() {
			if err := r.client.Terminate(ctx, id); err != nil && !hostwinds.IsNotFound(err) {
				addChangeError(&resp.Diagnostics, "Unable to terminate instance", fmt.Sprintf("Instance %q (serviceid %d)", state.Name.ValueString(), id), err)
				return
			}
		}
	case err != nil:
		addChangeError(&resp.Diagnostics, "Unable to terminate instance", fmt.Sprintf("Instance %q (serviceid %d)", state.Name.ValueString(), id), err)
		return
	}

	_, err = waitForInstance(ctx, r.client, id, r.data.pollInterval, instanceCondition{
		description: "be terminated", done: func(*hostwinds.Instance) bool { return false }, goneIsDone: true,
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to confirm instance termination",
			fmt.Sprintf("Instance %d was sent terminate but still exists: %s. Run destroy again to finish.", id, err))
	}
}

func (r *instanceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if _, err := strconv.ParseInt(req.ID, 10, 64); err != nil {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("The import id %q is not a serviceid. Use the instance's numeric serviceid, such as 1234567.", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
