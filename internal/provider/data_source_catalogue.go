package provider

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSourceWithConfigure = (*locationsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*imagesDataSource)(nil)
)

type locationsDataSource struct {
	dataSourceBase
}

// NewLocationsDataSource returns the hostwinds_locations data source.
func NewLocationsDataSource() datasource.DataSource {
	return &locationsDataSource{}
}

type locationsModel struct {
	Locations []locationModel `tfsdk:"locations"`
}

type locationModel struct {
	ID      types.Int64  `tfsdk:"id"`
	Name    types.String `tfsdk:"name"`
	City    types.String `tfsdk:"city"`
	Country types.String `tfsdk:"country"`
}

func (d *locationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_locations"
}

func (d *locationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Hostwinds data centres (`get_locations`).",
		Attributes: map[string]schema.Attribute{
			"locations": schema.ListNestedAttribute{
				MarkdownDescription: "Every location, by id.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":      schema.Int64Attribute{Computed: true, MarkdownDescription: "The location id, the value `hostwinds_instance.location_id` takes."},
					"name":    schema.StringAttribute{Computed: true, MarkdownDescription: "The location's name."},
					"city":    schema.StringAttribute{Computed: true, MarkdownDescription: "The city."},
					"country": schema.StringAttribute{Computed: true, MarkdownDescription: "The ISO 3166 country code."},
				}},
			},
		},
	}
}

func (d *locationsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.ready(&resp.Diagnostics) {
		return
	}
	locations, err := d.data.catalogue.Locations(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the locations", err)
		return
	}
	model := locationsModel{Locations: make([]locationModel, 0, len(locations))}
	for _, l := range locations {
		model.Locations = append(model.Locations, locationModel{
			ID: types.Int64Value(l.ID.Int()), Name: types.StringValue(l.Name),
			City: types.StringValue(l.City), Country: types.StringValue(l.Country),
		})
	}
	sort.Slice(model.Locations, func(i, j int) bool {
		return model.Locations[i].ID.ValueInt64() < model.Locations[j].ID.ValueInt64()
	})
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

type imagesDataSource struct {
	dataSourceBase
}

// NewImagesDataSource returns the hostwinds_images data source.
func NewImagesDataSource() datasource.DataSource {
	return &imagesDataSource{}
}

type imagesModel struct {
	OS     types.String `tfsdk:"os"`
	Images []imageModel `tfsdk:"images"`
}

type imageModel struct {
	UUID    types.String `tfsdk:"uuid"`
	Name    types.String `tfsdk:"name"`
	OS      types.String `tfsdk:"os"`
	Version types.String `tfsdk:"version"`
}

func (d *imagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_images"
}

func (d *imagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The public operating system images instances are built from (`get_public_images`).",
		Attributes: map[string]schema.Attribute{
			"os": schema.StringAttribute{
				MarkdownDescription: "Keep only images of this operating system, such as `ubuntu` (compared without regard to case).",
				Optional:            true,
				// An empty name would match no image and return an empty list without an error.
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"images": schema.ListNestedAttribute{
				MarkdownDescription: "The matching images, in the API's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"uuid":    schema.StringAttribute{Computed: true, MarkdownDescription: "The image UUID, the value `hostwinds_instance.image` takes."},
					"name":    schema.StringAttribute{Computed: true, MarkdownDescription: "The image's name."},
					"os":      schema.StringAttribute{Computed: true, MarkdownDescription: "The operating system."},
					"version": schema.StringAttribute{Computed: true, MarkdownDescription: "The operating system version."},
				}},
			},
		},
	}
}

func (d *imagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.ready(&resp.Diagnostics) {
		return
	}
	var model imagesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	images, err := d.data.catalogue.Images(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the images", err)
		return
	}
	model.Images = make([]imageModel, 0, len(images))
	for _, i := range images {
		if !model.OS.IsNull() && !strings.EqualFold(i.OS, model.OS.ValueString()) {
			continue
		}
		model.Images = append(model.Images, imageModel{
			UUID: types.StringValue(i.UUID), Name: types.StringValue(i.Name),
			OS: types.StringValue(i.OS), Version: types.StringValue(i.Version),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
