package provider

import (
	"context"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// Power states of the power_state attribute.
const (
	powerRunning = "running"
	powerStopped = "stopped"
)

// instanceModel is the state of hostwinds_instance.
type instanceModel struct {
	ID           types.String   `tfsdk:"id"`
	Name         types.String   `tfsdk:"name"`
	LocationID   types.Int64    `tfsdk:"location_id"`
	PlanID       types.Int64    `tfsdk:"plan_id"`
	Image        types.String   `tfsdk:"image"`
	BillingCycle types.String   `tfsdk:"billing_cycle"`
	Managed      types.Bool     `tfsdk:"managed"`
	SSHKeys      types.Set      `tfsdk:"ssh_keys"`
	RootPassword types.String   `tfsdk:"root_password"`
	PowerState   types.String   `tfsdk:"power_state"`
	Firewall     types.String   `tfsdk:"firewall_profile"`
	Hostname     types.String   `tfsdk:"hostname"`
	MainIP       types.String   `tfsdk:"main_ip"`
	IPv6Address  types.String   `tfsdk:"ipv6_address"`
	Status       types.String   `tfsdk:"status"`
	CPU          types.Int64    `tfsdk:"cpu"`
	MemoryMB     types.Int64    `tfsdk:"memory_mb"`
	DiskGB       types.Int64    `tfsdk:"disk_gb"`
	BandwidthGB  types.Int64    `tfsdk:"bandwidth_gb"`
	CreatedAt    types.String   `tfsdk:"created_at"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// serviceID returns the id as the integer the API takes.
func (m *instanceModel) serviceID() (int64, error) {
	return strconv.ParseInt(m.ID.ValueString(), 10, 64)
}

// setFromAPI copies what the API returns into the model. Attributes the API may leave out
// (managed, ssh_keys, password) keep their prior value when it does.
func (m *instanceModel) setFromAPI(ctx context.Context, i *hostwinds.Instance) diag.Diagnostics {
	var diags diag.Diagnostics

	m.ID = types.StringValue(strconv.FormatInt(i.ID(), 10))
	m.Name = types.StringValue(i.Name)
	m.LocationID = types.Int64Value(i.LocationID.Int())
	m.PlanID = types.Int64Value(i.ProductID.Int())
	m.Image = types.StringValue(i.TemplateUUID)
	m.BillingCycle = types.StringValue(strings.ToLower(i.BillingCycle))
	if i.Managed.Valid {
		m.Managed = types.BoolValue(i.Managed.Value)
	} else if m.Managed.IsNull() || m.Managed.IsUnknown() {
		m.Managed = types.BoolValue(false)
	}
	if len(i.SSHKeys) > 0 {
		keys, d := types.SetValueFrom(ctx, types.StringType, []string(i.SSHKeys))
		diags.Append(d...)
		m.SSHKeys = keys
	} else if m.SSHKeys.IsUnknown() {
		m.SSHKeys = types.SetNull(types.StringType)
	}
	if i.Password != "" {
		m.RootPassword = types.StringValue(i.Password)
	} else if m.RootPassword.IsUnknown() {
		m.RootPassword = types.StringNull()
	}
	m.PowerState = types.StringValue(powerStateOf(i))
	m.Hostname = types.StringValue(i.Hostname)
	m.MainIP = types.StringValue(i.MainIP)
	m.IPv6Address = types.StringValue(i.IPv6)
	m.Status = types.StringValue(strings.ToUpper(i.Status))
	m.CPU = types.Int64Value(i.CPU.Int())
	m.MemoryMB = types.Int64Value(i.RAM.Int())
	m.DiskGB = types.Int64Value(i.Disk.Int())
	m.BandwidthGB = types.Int64Value(i.Bandwidth.Int())
	m.CreatedAt = types.StringValue(i.CreatedAt)
	return diags
}

// powerStateOf maps the status to running or stopped. Only SHUTOFF means stopped: an instance
// that builds, reboots or resizes is on its way to running.
func powerStateOf(i *hostwinds.Instance) string {
	if i.HasStatus(hostwinds.StatusShutoff) {
		return powerStopped
	}
	return powerRunning
}
