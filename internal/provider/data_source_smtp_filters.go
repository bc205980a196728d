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

var _ datasource.DataSourceWithConfigure = (*smtpFiltersDataSource)(nil)

type smtpFiltersDataSource struct {
	dataSourceBase
}

// NewSMTPFiltersDataSource returns the hostwinds_smtp_filters data source.
func NewSMTPFiltersDataSource() datasource.DataSource {
	return &smtpFiltersDataSource{}
}

type smtpFiltersModel struct {
	InstanceID types.String           `tfsdk:"instance_id"`
	Events     []smtpFilterEventModel `tfsdk:"events"`
}

type smtpFilterEventModel struct {
	ID        types.String `tfsdk:"id"`
	ServiceID types.String `tfsdk:"serviceid"`
	IP        types.String `tfsdk:"ip"`
	Type      types.String `tfsdk:"type"`
	Reason    types.String `tfsdk:"reason"`
	CreatedAt types.String `tfsdk:"created_at"`
	Raw       types.String `tfsdk:"raw"`
}

func (d *smtpFiltersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_smtp_filters"
}

func (d *smtpFiltersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	eventField := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description + " " + eventFieldNote}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The SMTP filter events of the account (`get_smtp_filters`), for mail server operators " +
			"who need to see why outgoing mail was filtered. Hostwinds documents the action but not the fields of its events.",
		Attributes: map[string]schema.Attribute{
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "A serviceid, such as `hostwinds_instance.mail.id`, to read only that instance's " +
					"events. Without it the data source reads the events of every instance of the account.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(serviceIDPattern, "must be a numeric serviceid such as 1234567"),
				},
			},
			"events": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The SMTP filter events in the order the API returns them; empty when there are none.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":         eventField("The event's `id`."),
					"serviceid":  eventField("The `serviceid` of the instance the event concerns."),
					"ip":         eventField("The event's `ip` address."),
					"type":       eventField("The event's `type`."),
					"reason":     eventField("The event's `reason`."),
					"created_at": eventField("The event's `created_at` time, as the API writes it."),
					"raw": schema.StringAttribute{
						Computed: true,
						MarkdownDescription: "The whole event as compact JSON, with every field the API sent. Decode it " +
							"with `jsondecode()`.",
					},
				}},
			},
		},
	}
}

func (d *smtpFiltersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.ready(&resp.Diagnostics) {
		return
	}
	var config smtpFiltersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var id int64
	if !config.InstanceID.IsNull() {
		var err error
		if id, err = parseServiceID(config.InstanceID.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Invalid instance id", err.Error())
			return
		}
	}

	events, err := d.client.GetSMTPFilters(ctx, id)
	if id > 0 && hostwinds.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Instance not found",
			fmt.Sprintf("No instance with serviceid %d exists in the Hostwinds account that owns this API key. "+
				"Check instance_id, or leave it out to read the events of the whole account.", id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the SMTP filter events", err)
		return
	}

	model := smtpFiltersModel{
		InstanceID: config.InstanceID,
		Events:     make([]smtpFilterEventModel, 0, len(events)),
	}
	for _, e := range events {
		model.Events = append(model.Events, smtpFilterEventModel{
			ID:        types.StringValue(e.Text("id")),
			ServiceID: types.StringValue(e.Text("serviceid")),
			IP:        types.StringValue(e.Text("ip")),
			Type:      types.StringValue(e.Text("type")),
			Reason:    types.StringValue(e.Text("reason")),
			CreatedAt: types.StringValue(e.Text("created_at")),
			Raw:       types.StringValue(e.Raw),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
