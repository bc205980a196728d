package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

var _ datasource.DataSourceWithConfigure = (*plansDataSource)(nil)

type plansDataSource struct {
	dataSourceBase
}

// NewPlansDataSource returns the hostwinds_plans data source.
func NewPlansDataSource() datasource.DataSource {
	return &plansDataSource{}
}

type plansModel struct {
	Managed     types.Bool  `tfsdk:"managed"`
	MinCPU      types.Int64 `tfsdk:"min_cpu"`
	MinMemoryMB types.Int64 `tfsdk:"min_memory_mb"`
	MinDiskGB   types.Int64 `tfsdk:"min_disk_gb"`
	Plans       []planModel `tfsdk:"plans"`
}

type planModel struct {
	ID           types.Int64   `tfsdk:"id"`
	Name         types.String  `tfsdk:"name"`
	CPU          types.Int64   `tfsdk:"cpu"`
	MemoryMB     types.Int64   `tfsdk:"memory_mb"`
	DiskGB       types.Int64   `tfsdk:"disk_gb"`
	BandwidthGB  types.Int64   `tfsdk:"bandwidth_gb"`
	MonthlyPrice types.Float64 `tfsdk:"monthly_price"`
	Prices       types.Map     `tfsdk:"prices"`
}

func (d *plansDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_plans"
}

func (d *plansDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	atLeastZero := []validator.Int64{int64validator.AtLeast(0)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The VPS plans Hostwinds sells (`get_price_list`), cheapest first, optionally filtered by size.",
		Attributes: map[string]schema.Attribute{
			"managed": schema.BoolAttribute{
				MarkdownDescription: "Return managed prices instead of unmanaged ones. Defaults to `false`.",
				Optional:            true,
			},
			"min_cpu": schema.Int64Attribute{
				MarkdownDescription: "Keep only plans with at least this many virtual CPUs.",
				Optional:            true, Validators: atLeastZero,
			},
			"min_memory_mb": schema.Int64Attribute{
				MarkdownDescription: "Keep only plans with at least this much memory, in MB.",
				Optional:            true, Validators: atLeastZero,
			},
			"min_disk_gb": schema.Int64Attribute{
				MarkdownDescription: "Keep only plans with at least this much disk, in GB.",
				Optional:            true, Validators: atLeastZero,
			},
			"plans": schema.ListNestedAttribute{
				MarkdownDescription: "The matching plans, cheapest monthly price first, then by id.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":            schema.Int64Attribute{Computed: true, MarkdownDescription: "The plan id (the API's `rid`), the value `hostwinds_instance.plan_id` takes."},
					"name":          schema.StringAttribute{Computed: true, MarkdownDescription: "The plan's name."},
					"cpu":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Virtual CPUs."},
					"memory_mb":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Memory in MB."},
					"disk_gb":       schema.Int64Attribute{Computed: true, MarkdownDescription: "Disk in GB."},
					"bandwidth_gb":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Monthly transfer in GB."},
					"monthly_price": schema.Float64Attribute{Computed: true, MarkdownDescription: "The monthly price in USD."},
					"prices": schema.MapAttribute{
						Computed: true, ElementType: types.Float64Type,
						MarkdownDescription: "The price in USD of one billing period, keyed by billing cycle (`monthly`, `quarterly`, `semiannually`, `annually`, `biennially`, `triennially`).",
					},
				}},
			},
		},
	}
}

func (d *plansDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.ready(&resp.Diagnostics) {
		return
	}
	var config plansModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	plans, err := d.data.catalogue.Plans(ctx, config.Managed.ValueBool())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the plans", err)
		return
	}

	var matching []hostwinds.Plan
	for _, p := range plans {
		if p.CPU.Int() >= config.MinCPU.ValueInt64() && p.RAM.Int() >= config.MinMemoryMB.ValueInt64() && p.Disk.Int() >= config.MinDiskGB.ValueInt64() {
			matching = append(matching, p)
		}
	}
	sort.SliceStable(matching, func(i, j int) bool {
		if matching[i].Monthly.Value != matching[j].Monthly.Value {
			return matching[i].Monthly.Value < matching[j].Monthly.Value
		}
		return matching[i].PlanID.Value < matching[j].PlanID.Value
	})

	config.Plans = make([]planModel, 0, len(matching))
	for _, p := range matching {
		prices := map[string]attr.Value{}
		for cycle, price := range p.Prices() {
			prices[cycle] = types.Float64Value(price.Value)
		}
		priceMap, diags := types.MapValue(types.Float64Type, prices)
		resp.Diagnostics.Append(diags...)
		config.Plans = append(config.Plans, planModel{
			ID:           types.Int64Value(p.PlanID.Int()),
			Name:         types.StringValue(p.Name),
			CPU:          types.Int64Value(p.CPU.Int()),
			MemoryMB:     types.Int64Value(p.RAM.Int()),
			DiskGB:       types.Int64Value(p.Disk.Int()),
			BandwidthGB:  types.Int64Value(p.Bandwidth.Int()),
			MonthlyPrice: types.Float64Value(p.Monthly.Value),
			Prices:       priceMap,
		})
	}
	if len(config.Plans) == 0 {
		resp.Diagnostics.AddWarning("No plan matches the filters",
			fmt.Sprintf("No plan has at least %d CPUs, %d MB of memory and %d GB of disk; plans is empty.",
				config.MinCPU.ValueInt64(), config.MinMemoryMB.ValueInt64(), config.MinDiskGB.ValueInt64()))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
