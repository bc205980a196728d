package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// updateStep is one in-place change of an instance.
type updateStep struct {
	name   string
	needed func(plan, state *instanceModel) bool
	apply  func(ctx context.Context, id int64, plan, state *instanceModel) error
}

// changed reports a known planned value that differs from state.
func changed(planned, prior attr.Value) bool {
	return !planned.IsUnknown() && !planned.IsNull() && !planned.Equal(prior)
}

// updateSteps lists the in-place changes in the order they are applied. Labels and billing
// come first, then the reinstall and the resize, which take the instance through other states.
// The password and the power state come last, so that the steps before them undo neither.
func (r *instanceResource) updateSteps() []updateStep {
	return []updateStep{
		{
			name:   "waiting for the build of an interrupted create",
			needed: func(_, s *instanceModel) bool { return !settled(s.Status.ValueString()) },
			apply: func(ctx context.Context, id int64, _, s *instanceModel) error {
				instance, err := waitForInstance(ctx, r.client, id, r.data.pollInterval, instanceCondition{
					description: "become ACTIVE and idle after its build", done: activeAndIdle,
				})
				if instance != nil {
					s.Status = types.StringValue(instance.Status)
				}
				return err
			},
		},
		{
			name:   "renaming (edit_instance)",
			needed: func(p, s *instanceModel) bool { return changed(p.Name, s.Name) },
			apply: func(ctx context.Context, id int64, p, s *instanceModel) error {
				if err := r.checkNameFree(ctx, id, p.Name.ValueString()); err != nil {
					return err
				}
				if err := r.client.RenameInstance(ctx, id, p.Name.ValueString()); err != nil {
					return err
				}
				s.Name = p.Name
				return nil
			},
		},
		{
			name:   "changing the billing cycle (change_billing_cycle)",
			needed: func(p, s *instanceModel) bool { return changed(p.BillingCycle, s.BillingCycle) },
			apply: func(ctx context.Context, id int64, p, s *instanceModel) error {
				if err := r.client.ChangeBillingCycle(ctx, id, p.BillingCycle.ValueString()); err != nil {
					return err
				}
				s.BillingCycle = p.BillingCycle
				return nil
			},
		},
		{
			name:   "changing the managed level (upgrade_to_managed or downgrade_to_unmanaged)",
			needed: func(p, s *instanceModel) bool { return changed(p.Managed, s.Managed) },
			apply: func(ctx context.Context, id int64, p, s *instanceModel) error {
				if err := r.client.SetManaged(ctx, id, p.Managed.ValueBool()); err != nil {
					return err
				}
				s.Managed = p.Managed
				return nil
			},
		},
		{
			name:   "reinstalling from the new image (reinstall_instance)",
			needed: func(p, s *instanceModel) bool { return changed(p.Image, s.Image) },
			apply: func(ctx context.Context, id int64, p, s *instanceModel) error {
				if err := waitInstanceIdle(ctx, r.client, id, r.data.pollInterval); err != nil {
					return err
				}
				if err := r.client.ReinstallInstance(ctx, id, p.Image.ValueString()); err != nil {
					return err
				}
				s.Image = p.Image
				instance, err := waitForInstance(ctx, r.client, id, r.data.pollInterval, instanceCondition{
					description: "finish reinstalling", done: reinstallDone,
				})
				// A reinstall sets a new root password; the password step below puts the configured
				// one back when there is one.
				if instance != nil && instance.Password != "" {
					s.RootPassword = types.StringValue(instance.Password)
				}
				return err
			},
		},
		{
			name:   "resizing to the new plan (upgrade_instance, upgrade_server, confirm_upgrade)",
			needed: func(p, s *instanceModel) bool { return changed(p.PlanID, s.PlanID) },
			apply: func(ctx context.Context, id int64, p, s *instanceModel) error {
				if err := r.resize(ctx, id, p.PlanID.ValueInt64()); err != nil {
					return err
				}
				s.PlanID = p.PlanID
				return nil
			},
		},
		{
			name: "changing the root password (change_password)",
			needed: func(p, s *instanceModel) bool {
				return changed(p.RootPassword, s.RootPassword)
			},
			apply: func(ctx context.Context, id int64, p, s *instanceModel) error {
				if err := r.client.ChangePassword(ctx, id, p.RootPassword.ValueString()); err != nil {
					return err
				}
				s.RootPassword = p.RootPassword
				tflog.Info(ctx, "The new root password takes effect at the instance's next reboot", map[string]any{"instance_id": id})
				return nil
			},
		},
		{
			name:   "switching the firewall profile (set_instance_firewall)",
			needed: func(p, s *instanceModel) bool { return changed(p.Firewall, s.Firewall) },
			apply: func(ctx context.Context, id int64, p, s *instanceModel) error {
				if err := r.client.SetInstanceFirewall(ctx, id, p.Firewall.ValueString()); err != nil {
					return err
				}
				s.Firewall = p.Firewall
				return nil
			},
		},
		{
			name:   "changing the power state (boot or shutdown)",
			needed: func(p, s *instanceModel) bool { return changed(p.PowerState, s.PowerState) },
			apply: func(ctx context.Context, id int64, p, s *instanceModel) error {
				if err := r.setPower(ctx, id, p.PowerState.ValueString()); err != nil {
					return err
				}
				s.PowerState = p.PowerState
				return nil
			},
		},
	}
}

func reinstallDone(i *hostwinds.Instance) bool {
	return (i.HasStatus(hostwinds.StatusActive) || i.HasStatus(hostwinds.StatusShutoff)) && i.Idle()
}

// checkNameFree rejects a new name that another instance already has, because the provider
// finds instances by their unique names.
func (r *instanceResource) checkNameFree(ctx context.Context, id int64, name string) error {
	matches, err := r.client.FindInstancesByName(ctx, name)
	if err != nil {
		return err
	}
	for _, m := range matches {
		if m.ID.Int() != id {
			return nameTakenError(name, m.ID.Int())
		}
	}
	return nil
}

// resize runs the upgrade flow: order the plan, apply it, wait for RESIZED and confirm. An
// order left pending by an interrupted apply for the same plan is reused instead of ordered
// again, because only one order may be pending.
func (r *instanceResource) resize(ctx context.Context, id, planID int64) error {
	if err := waitInstanceIdle(ctx, r.client, id, r.data.pollInterval); err != nil {
		return err
	}
	instance, err := r.client.GetInstance(ctx, id)
	if err != nil {
		return err
	}
	if instance.HasStatus(hostwinds.StatusResized) {
		// A previous apply stopped between upgrade_server and confirm_upgrade.
		return r.confirmResize(ctx, id)
	}

	order, err := r.client.CheckUpgradeOrder(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case order.Pending.Value && order.PlanID.Int() == planID:
		tflog.Info(ctx, "Reusing the pending upgrade order", map[string]any{"instance_id": id, "plan_id": planID})
	case order.Pending.Value:
		return fmt.Errorf("an upgrade order to plan %d is already pending, and only one may be pending; finish or "+
			"cancel it in the Hostwinds client area", order.PlanID.Int())
	default:
		if err := r.client.UpgradeInstance(ctx, id, planID); err != nil {
			return err
		}
	}

	needsReboot, err := r.client.CheckUpgradeReboot(ctx, id)
	if err != nil {
		return err
	}
	tflog.Info(ctx, "Applying the upgrade", map[string]any{"instance_id": id, "plan_id": planID, "reboots": needsReboot})
	if err := r.client.UpgradeServer(ctx, id); err != nil {
		return err
	}
	if _, err := waitForInstance(ctx, r.client, id, r.data.pollInterval, instanceCondition{
		description: "reach RESIZED", done: func(i *hostwinds.Instance) bool { return i.HasStatus(hostwinds.StatusResized) && i.Idle() },
	}); err != nil {
		return err
	}
	return r.confirmResize(ctx, id)
}

func (r *instanceResource) confirmResize(ctx context.Context, id int64) error {
	if err := r.client.ConfirmUpgrade(ctx, id); err != nil {
		return err
	}
	_, err := waitForInstance(ctx, r.client, id, r.data.pollInterval, instanceCondition{
		description: "return to ACTIVE after the resize", done: reinstallDone,
	})
	return err
}
