package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

var _ datasource.DataSourceWithConfigure = (*instanceDataSource)(nil)

type instanceDataSource struct {
	dataSourceBase
}

// NewInstanceDataSource returns the hostwinds_instance data source.
func NewInstanceDataSource() datasource.DataSource {
	return &instanceDataSource{}
}

// instanceDataModel is instanceModel without the inputs that only a managed instance has.
type instanceDataModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	LocationID   types.Int64  `tfsdk:"location_id"`
	PlanID       types.Int64  `tfsdk:"plan_id"`
	Image        types.String `tfsdk:"image"`
	BillingCycle types.String `tfsdk:"billing_cycle"`
	Managed      types.Bool   `tfsdk:"managed"`
	SSHKeys      types.Set    `tfsdk:"ssh_keys"`
	PowerState   types.String `tfsdk:"power_state"`
	Hostname     types.String `tfsdk:"hostname"`
	MainIP       types.String `tfsdk:"main_ip"`
	IPv6Address  types.String `tfsdk:"ipv6_address"`
	Status       types.String `tfsdk:"status"`
	CPU          types.Int64  `tfsdk:"cpu"`
	MemoryMB     types.Int64  `tfsdk:"memory_mb"`
	DiskGB       types.Int64  `tfsdk:"disk_gb"`
	BandwidthGB  types.Int64  `tfsdk:"bandwidth_gb"`
	CreatedAt    types.String `tfsdk:"created_at"`
}

func (d *instanceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
}

func (d *instanceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedString := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	computedInt := func(description string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one existing instance, by serviceid or by its unique name.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The serviceid. Set exactly one of `id` and `name`.",
				Optional:            true,
				Computed:            true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
					stringvalidator.RegexMatches(serviceIDPattern, "must be a numeric serviceid such as 1234567"),
				},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The instance's label. Set exactly one of `id` and `name`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{labelValidator()},
			},
			"location_id":   computedInt("The location id."),
			"plan_id":       computedInt("The plan id (`rid`)."),
			"image":         computedString("The image UUID the instance was built from."),
			"billing_cycle": computedString("The billing cycle."),
			"managed":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the instance is managed."},
			"ssh_keys": schema.SetAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The SSH key names, when the API reports them.",
			},
			"power_state":  computedString("`running` or `stopped`."),
			"hostname":     computedString("The hostname."),
			"main_ip":      computedString("The primary IPv4 address."),
			"ipv6_address": computedString("The IPv6 address."),
			"status":       computedString("The status, upper case."),
			"cpu":          computedInt("Virtual CPUs."),
			"memory_mb":    computedInt("Memory in MB."),
			"disk_gb":      computedInt("Disk in GB."),
			"bandwidth_gb": computedInt("Monthly transfer in GB."),
			"created_at":   computedString("When the instance was created, as `YYYY-MM-DD HH:MM:SS`."),
		},
	}
}

func (d *instanceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.ready(&resp.Diagnostics) {
		return
	}
	var config instanceDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var id int64
	if !config.ID.IsNull() {
		var err error
		if id, err = parseServiceID(config.ID.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid instance id", err.Error())
			return
		}
	} else {
		name := config.Name.ValueString()
		matches, err := d.client.FindInstancesByName(ctx, name)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to look up the instance", err)
			return
		}
		switch len(matches) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Instance not found",
				fmt.Sprintf("No instance is named %q in the Hostwinds account. Check the name, or look it up by id.", name))
			return
		case 1:
			id = matches[0].ID.Int()
		default:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Instance name is not unique",
				fmt.Sprintf("%d instances are named %q. Look the instance up by id instead.", len(matches), name))
			return
		}
	}

	instance, err := d.client.ReadInstance(ctx, id)
	if hostwinds.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Instance not found",
			fmt.Sprintf("No instance with serviceid %d exists in the Hostwinds account that owns this API key.", id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read instance", err)
		return
	}

	var full instanceModel
	resp.Diagnostics.Append(full.setFromAPI(ctx, instance)...)
	if full.SSHKeys.IsNull() {
		full.SSHKeys = types.SetValueMust(types.StringType, nil)
	}
	model := instanceDataModel{
		ID: full.ID, Name: full.Name, LocationID: full.LocationID, PlanID: full.PlanID, Image: full.Image,
		BillingCycle: full.BillingCycle, Managed: full.Managed, SSHKeys: full.SSHKeys, PowerState: full.PowerState,
		Hostname: full.Hostname, MainIP: full.MainIP, IPv6Address: full.IPv6Address, Status: full.Status,
		CPU: full.CPU, MemoryMB: full.MemoryMB, DiskGB: full.DiskGB, BandwidthGB: full.BandwidthGB, CreatedAt: full.CreatedAt,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
