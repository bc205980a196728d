package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

var _ datasource.DataSourceWithConfigure = (*maintenanceDataSource)(nil)

type maintenanceDataSource struct {
	dataSourceBase
}

// NewMaintenanceDataSource returns the hostwinds_instance_maintenance data source.
func NewMaintenanceDataSource() datasource.DataSource {
	return &maintenanceDataSource{}
}

type maintenanceModel struct {
	InstanceID types.String            `tfsdk:"instance_id"`
	InProgress types.Bool              `tfsdk:"in_progress"`
	Events     []maintenanceEventModel `tfsdk:"events"`
}

type maintenanceEventModel struct {
	ID          types.String `tfsdk:"id"`
	Type        types.String `tfsdk:"type"`
	Status      types.String `tfsdk:"status"`
	Description types.String `tfsdk:"description"`
	Start       types.String `tfsdk:"start"`
	End         types.String `tfsdk:"end"`
	Raw         types.String `tfsdk:"raw"`
}

// inProgressStatuses are the status values, lower case, that make in_progress true. The API
// documents none of them, so the list takes the spellings such a field commonly has.
var inProgressStatuses = map[string]bool{
	"in progress": true,
	"in_progress": true,
	"active":      true,
	"started":     true,
}

// eventFieldNote is the sentence every event field's description ends with: the field names
// are assumed, and raw carries the full event.
const eventFieldNote = "Hostwinds does not document the fields of an event, so this attribute reads the field of " +
	"that name and is empty when the event has none; `raw` always carries the whole event."

func (d *maintenanceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_maintenance"
}

func (d *maintenanceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	eventField := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description + " " + eventFieldNote}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The maintenance events of one instance (`get_instance_maintenance`), for example to " +
			"hold back a mail server change while the host is being worked on.",
		Attributes: map[string]schema.Attribute{
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "The instance's serviceid, such as `hostwinds_instance.mail.id`.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(serviceIDPattern, "must be a numeric serviceid such as 1234567"),
				},
			},
			"in_progress": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether any event's `status` is, ignoring case, `in progress`, `in_progress`, " +
					"`active` or `started`. The API does not document its status values, so check `raw` once " +
					"against a real event.",
			},
			"events": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The maintenance events in the order the API returns them; empty when there are none.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          eventField("The event's `id`."),
					"type":        eventField("The event's `type`."),
					"status":      eventField("The event's `status`."),
					"description": eventField("The event's `description`."),
					"start":       eventField("The event's `start` time, as the API writes it."),
					"end":         eventField("The event's `end` time, as the API writes it."),
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

func (d *maintenanceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.ready(&resp.Diagnostics) {
		return
	}
	var config maintenanceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := parseServiceID(config.InstanceID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Invalid instance id", err.Error())
		return
	}

	events, err := d.client.GetInstanceMaintenance(ctx, id)
	if hostwinds.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Instance not found",
			fmt.Sprintf("No instance with serviceid %d exists in the Hostwinds account that owns this API key, "+
				"so it has no maintenance events. Check instance_id.", id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the maintenance events", err)
		return
	}

	model := maintenanceModel{
		InstanceID: config.InstanceID,
		InProgress: types.BoolValue(false),
		Events:     make([]maintenanceEventModel, 0, len(events)),
	}
	for _, e := range events {
		status := e.Text("status")
		if inProgressStatuses[strings.ToLower(strings.TrimSpace(status))] {
			model.InProgress = types.BoolValue(true)
		}
		model.Events = append(model.Events, maintenanceEventModel{
			ID:          types.StringValue(e.Text("id")),
			Type:        types.StringValue(e.Text("type")),
			Status:      types.StringValue(status),
			Description: types.StringValue(e.Text("description")),
			Start:       types.StringValue(e.Text("start")),
			End:         types.StringValue(e.Text("end")),
			Raw:         types.StringValue(e.Raw),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
