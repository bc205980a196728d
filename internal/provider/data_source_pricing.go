package provider

import (
	"context"
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// defaultIPMonthlyPrice is the list price in USD of one dedicated IPv4 address a month, which
// the API does not return.
const defaultIPMonthlyPrice = 4.99

// cycleMonths is the length of each billing cycle.
var cycleMonths = map[string]float64{
	"monthly": 1, "quarterly": 3, "semiannually": 6, "annually": 12, "biennially": 24, "triennially": 36,
}

var _ datasource.DataSourceWithConfigure = (*pricingDataSource)(nil)

type pricingDataSource struct {
	dataSourceBase
}

// NewPricingDataSource returns the hostwinds_pricing data source.
func NewPricingDataSource() datasource.DataSource {
	return &pricingDataSource{}
}

type pricingModel struct {
	PlanID           types.Int64   `tfsdk:"plan_id"`
	BillingCycle     types.String  `tfsdk:"billing_cycle"`
	Managed          types.Bool    `tfsdk:"managed"`
	SecondaryIPCount types.Int64   `tfsdk:"secondary_ip_count"`
	IPMonthlyPrice   types.Float64 `tfsdk:"ip_monthly_price"`
	PlanName         types.String  `tfsdk:"plan_name"`
	CyclePrice       types.Float64 `tfsdk:"cycle_price"`
	PlanMonthlyPrice types.Float64 `tfsdk:"plan_monthly_price"`
	IPMonthlyCost    types.Float64 `tfsdk:"ip_monthly_cost"`
	MonthlyTotal     types.Float64 `tfsdk:"monthly_total"`
}

func (d *pricingDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pricing"
}

func (d *pricingDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Models the monthly cost of one instance with its dedicated IP addresses from the Hostwinds " +
			"price list. Prices are in USD and rounded to cents.",
		Attributes: map[string]schema.Attribute{
			"plan_id": schema.Int64Attribute{
				MarkdownDescription: "The plan, an `id` from the `hostwinds_plans` data source.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"billing_cycle": schema.StringAttribute{
				MarkdownDescription: "The billing cycle whose price is used. Defaults to `monthly`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.OneOf(hostwinds.BillingCycles...)},
			},
			"managed": schema.BoolAttribute{
				MarkdownDescription: "Use managed prices. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
			},
			"secondary_ip_count": schema.Int64Attribute{
				MarkdownDescription: "How many dedicated IP addresses the instance has besides its main IP. Defaults to `0`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 1000)},
			},
			"ip_monthly_price": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("The monthly price in USD of one dedicated IP address, which the API does not "+
					"return. Defaults to `%.2f`, the list price.", defaultIPMonthlyPrice),
				Optional:   true,
				Computed:   true,
				Validators: []validator.Float64{float64validator.Between(0, 1000)},
			},
			"plan_name":          schema.StringAttribute{Computed: true, MarkdownDescription: "The plan's name."},
			"cycle_price":        schema.Float64Attribute{Computed: true, MarkdownDescription: "The plan's price for one billing cycle."},
			"plan_monthly_price": schema.Float64Attribute{Computed: true, MarkdownDescription: "The plan's price per month under the billing cycle: `cycle_price` divided by the cycle's months."},
			"ip_monthly_cost":    schema.Float64Attribute{Computed: true, MarkdownDescription: "`secondary_ip_count` times `ip_monthly_price`."},
			"monthly_total":      schema.Float64Attribute{Computed: true, MarkdownDescription: "`plan_monthly_price` plus `ip_monthly_cost`."},
		},
	}
}

func (d *pricingDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.ready(&resp.Diagnostics) {
		return
	}
	var model pricingModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cycle := "monthly"
	if !model.BillingCycle.IsNull() {
		cycle = model.BillingCycle.ValueString()
	}
	ipPrice := defaultIPMonthlyPrice
	if !model.IPMonthlyPrice.IsNull() {
		ipPrice = model.IPMonthlyPrice.ValueFloat64()
	}
	ipCount := model.SecondaryIPCount.ValueInt64()

	plan, err := d.data.catalogue.Plan(ctx, model.PlanID.ValueInt64(), model.Managed.ValueBool())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the price list", err)
		return
	}
	if plan == nil {
		plans, _ := d.data.catalogue.Plans(ctx, model.Managed.ValueBool())
		resp.Diagnostics.AddAttributeError(path.Root("plan_id"), "Unknown plan",
			fmt.Sprintf("plan_id %d is not in the price list. Use an id from the hostwinds_plans data source: %s.",
				model.PlanID.ValueInt64(), describePlans(plans)))
		return
	}
	price, ok := plan.Prices()[cycle]
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("billing_cycle"), "Billing cycle not offered",
			fmt.Sprintf("Plan %d (%s) has no %s price in the price list. Choose another billing_cycle.", plan.PlanID.Int(), plan.Name, cycle))
		return
	}

	planMonthly := roundCents(price.Value / cycleMonths[cycle])
	ipCost := roundCents(float64(ipCount) * ipPrice)
	model.BillingCycle = types.StringValue(cycle)
	model.Managed = types.BoolValue(model.Managed.ValueBool())
	model.SecondaryIPCount = types.Int64Value(ipCount)
	model.IPMonthlyPrice = types.Float64Value(ipPrice)
	model.PlanName = types.StringValue(plan.Name)
	model.CyclePrice = types.Float64Value(roundCents(price.Value))
	model.PlanMonthlyPrice = types.Float64Value(planMonthly)
	model.IPMonthlyCost = types.Float64Value(ipCost)
	model.MonthlyTotal = types.Float64Value(roundCents(planMonthly + ipCost))
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// roundCents rounds a USD amount to whole cents, so sums of float prices print as prices.
func roundCents(amount float64) float64 {
	return math.Round(amount*100) / 100
}
