package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// ModifyPlan checks the plan, location and image against the catalogue, decides whether a
// plan change can be made in place, fills in the new plan's sizes, and warns about every
// step that loses data or IP addresses.
//
// The name is checked for uniqueness at apply time, not here: when an instance is replaced,
// Terraform plans the new one while the old one still holds the name.
func (r *instanceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		// Destroy, or the provider is not configured yet (validation before configure).
		return
	}
	var plan instanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *instanceModel
	if !req.State.Raw.IsNull() {
		state = &instanceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	creating := state == nil

	if creating || changed(plan.LocationID, state.LocationID) {
		r.checkLocation(ctx, plan.LocationID, &resp.Diagnostics)
	}
	if creating || changed(plan.Image, state.Image) {
		r.checkImage(ctx, plan.Image, &resp.Diagnostics)
	}

	// The plan is looked up even after an error above, so that one plan run reports every
	// unknown catalogue value.
	if creating || changed(plan.PlanID, state.PlanID) {
		newPlan := r.lookUpPlan(ctx, plan.PlanID, plan.Managed, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		if newPlan != nil {
			plan.CPU = types.Int64Value(newPlan.CPU.Int())
			plan.MemoryMB = types.Int64Value(newPlan.RAM.Int())
			plan.DiskGB = types.Int64Value(newPlan.Disk.Int())
			plan.BandwidthGB = types.Int64Value(newPlan.Bandwidth.Int())
			if !creating && newPlan.Disk.Int() < state.DiskGB.ValueInt64() {
				resp.RequiresReplace = append(resp.RequiresReplace, path.Root("plan_id"))
				resp.Diagnostics.AddAttributeWarning(path.Root("plan_id"), "Instance will be replaced: disks only grow",
					fmt.Sprintf("Plan %d has a %d GB disk, smaller than the %d GB disk of instance %s, so the change cannot be "+
						"made in place. Terraform will destroy the instance and create a new one: its IP addresses are "+
						"released and all data on its disk is lost. Choose a plan with at least %d GB of disk to resize in place.",
						newPlan.PlanID.Int(), newPlan.Disk.Int(), state.DiskGB.ValueInt64(), state.ID.ValueString(), state.DiskGB.ValueInt64()))
			} else if !creating {
				resp.Diagnostics.AddAttributeWarning(path.Root("plan_id"), "Instance will be resized in place",
					fmt.Sprintf("Instance %s moves from plan %d to plan %d through the upgrade flow, which reboots it. Its IP "+
						"addresses and disk data stay.", state.ID.ValueString(), state.PlanID.ValueInt64(), newPlan.PlanID.Int()))
			}
		}
	}

	if !creating && strings.EqualFold(state.Status.ValueString(), hostwinds.StatusError) {
		resp.Diagnostics.AddWarning("Instance is in status ERROR",
			fmt.Sprintf("Instance %q (serviceid %s) is in status ERROR, so it is probably not working, and Terraform "+
				"cannot repair it by itself. Inspect it in the Hostwinds client area. Setting image to another image "+
				"reinstalls it in place and keeps its IP addresses, but erases its disk; terraform apply -replace "+
				"creates a new instance and releases its IP addresses.",
				state.Name.ValueString(), state.ID.ValueString()))
	}

	if !creating && !settled(state.Status.ValueString()) {
		// An interrupted create left the instance building: plan an update, which waits for it.
		plan.Status = types.StringUnknown()
	}

	if !creating {
		if changed(plan.Image, state.Image) {
			// A reinstall sets a new root password, so an unconfigured one is unknown until apply.
			var configured types.String
			resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("root_password"), &configured)...)
			if configured.IsNull() {
				plan.RootPassword = types.StringUnknown()
			}
			resp.Diagnostics.AddAttributeWarning(path.Root("image"), "Instance will be reinstalled: disk data is lost",
				fmt.Sprintf("Changing image reinstalls instance %s in place from image %s. Its IP addresses stay, but all "+
					"data on its disk is erased.", state.ID.ValueString(), plan.Image.ValueString()))
		}
		if changed(plan.LocationID, state.LocationID) {
			resp.Diagnostics.AddAttributeWarning(path.Root("location_id"), "Instance will be replaced: new location",
				fmt.Sprintf("Moving instance %s to location %d destroys it and creates a new one: its IP addresses are "+
					"released and all data on its disk is lost.", state.ID.ValueString(), plan.LocationID.ValueInt64()))
		}
		if !state.SSHKeys.IsNull() && !plan.SSHKeys.IsUnknown() && !plan.SSHKeys.Equal(state.SSHKeys) {
			resp.Diagnostics.AddAttributeWarning(path.Root("ssh_keys"), "Instance will be replaced: new SSH keys",
				fmt.Sprintf("SSH keys are installed only when an instance is built, so changing them destroys instance %s "+
					"and creates a new one: its IP addresses are released and all data on its disk is lost.", state.ID.ValueString()))
		}
	}

	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *instanceResource) lookUpPlan(ctx context.Context, planID types.Int64, managed types.Bool, diags *diag.Diagnostics) *hostwinds.Plan {
	if planID.IsUnknown() {
		return nil
	}
	plans, err := r.data.catalogue.Plans(ctx, managed.ValueBool())
	if err != nil {
		addAPIError(diags, "Unable to read the plan catalogue", err)
		return nil
	}
	for i := range plans {
		if plans[i].PlanID.Int() == planID.ValueInt64() {
			return &plans[i]
		}
	}
	diags.AddAttributeError(path.Root("plan_id"), "Unknown plan",
		fmt.Sprintf("plan_id %d is not a Hostwinds plan. Use the id of a plan from the hostwinds_plans data source; the "+
			"plans are: %s.", planID.ValueInt64(), describePlans(plans)))
	return nil
}

func (r *instanceResource) checkLocation(ctx context.Context, locationID types.Int64, diags *diag.Diagnostics) {
	if locationID.IsUnknown() {
		return
	}
	locations, err := r.data.catalogue.Locations(ctx)
	if err != nil {
		addAPIError(diags, "Unable to read the locations", err)
		return
	}
	for _, l := range locations {
		if l.ID.Int() == locationID.ValueInt64() {
			return
		}
	}
	diags.AddAttributeError(path.Root("location_id"), "Unknown location",
		fmt.Sprintf("location_id %d is not a Hostwinds location. Use an id from the hostwinds_locations data source: %s.",
			locationID.ValueInt64(), describeLocations(locations)))
}

func (r *instanceResource) checkImage(ctx context.Context, image types.String, diags *diag.Diagnostics) {
	if image.IsUnknown() {
		return
	}
	images, err := r.data.catalogue.Images(ctx)
	if err != nil {
		addAPIError(diags, "Unable to read the images", err)
		return
	}
	for _, i := range images {
		if i.UUID == image.ValueString() {
			return
		}
	}
	diags.AddAttributeError(path.Root("image"), "Unknown image",
		fmt.Sprintf("image %q is not a Hostwinds public image. Use a uuid from the hostwinds_images data source: %s.",
			image.ValueString(), describeImages(images)))
}

// settled reports a status in which no create is left to finish.
func settled(status string) bool {
	return !strings.EqualFold(status, hostwinds.StatusBuild) && status != ""
}
