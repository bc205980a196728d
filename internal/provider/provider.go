// Package provider implements the Hostwinds Cloud provider on terraform-plugin-framework.
package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// Environment variables that configure the provider when the attribute is not set.
const (
	envAPIKey            = "HOSTWINDS_API_KEY" //nolint:gosec // the name of the variable, not a credential
	envEndpoint          = "HOSTWINDS_API_URL"
	envMaxRetries        = "HOSTWINDS_MAX_RETRIES"
	envRequestsPerSecond = "HOSTWINDS_REQUESTS_PER_SECOND"
	envPollInterval      = "HOSTWINDS_POLL_INTERVAL"
)

// defaultPollInterval is the first wait between status polls; later waits grow from it.
const defaultPollInterval = 2 * time.Second

var _ provider.Provider = (*hostwindsProvider)(nil)

type hostwindsProvider struct {
	version string
}

// New returns a constructor of the provider, as providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &hostwindsProvider{version: version}
	}
}

type providerModel struct {
	APIKey            types.String  `tfsdk:"api_key"`
	Endpoint          types.String  `tfsdk:"endpoint"`
	MaxRetries        types.Int64   `tfsdk:"max_retries"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
	PollInterval      types.String  `tfsdk:"poll_interval"`
}

// providerData is the configured client and settings that resources and data sources receive
// from Configure.
type providerData struct {
	client       *hostwinds.Client
	catalogue    *catalogue
	pollInterval time.Duration
}

func (p *hostwindsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hostwinds"
	resp.Version = p.version
}

func (p *hostwindsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Hostwinds provider manages Hostwinds Cloud VPS instances, their IP addresses, " +
			"reverse DNS records and firewall profiles, and reads the plan and price catalogue.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "The Hostwinds Cloud API key. Can also be set with the `" + envAPIKey + "` environment " +
					"variable. Hostwinds accepts a key only from the IPv4 addresses on its allow-list, and keys expire " +
					"one year after they are created.",
				Optional:  true,
				Sensitive: true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "The full URL of the API script. Can also be set with the `" + envEndpoint + "` " +
					"environment variable. Defaults to `" + hostwinds.DefaultEndpoint + "`; point it at the bundled " +
					"mock server to test modules offline.",
				Optional:   true,
				Validators: []validator.String{endpointValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times one API request may be resent after a 429 or 5xx answer or a "+
					"transport error. A change is resent only after 429 or 503, which the API sends before doing any "+
					"work. Can also be set with `%s`. Defaults to `%d`; `0` disables retries.", envMaxRetries, hostwinds.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"requests_per_second": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("The most API requests the provider process sends per second, shared by all "+
					"resources. Can also be set with `%s`. Defaults to `%d`.", envRequestsPerSecond, hostwinds.DefaultRequestsPerSecond),
				Optional:   true,
				Validators: []validator.Float64{float64validator.Between(0.1, 1000)},
			},
			"poll_interval": schema.StringAttribute{
				MarkdownDescription: "The first wait between status polls while an instance builds, resizes or reinstalls, " +
					"as a duration such as `500ms` or `2s`; later waits grow from it up to " + maxPollInterval.String() +
					". Can also be set with `" + envPollInterval + "`. Defaults to `" + defaultPollInterval.String() + "`.",
				Optional:   true,
				Validators: []validator.String{durationValidator{min: 10 * time.Millisecond, max: time.Minute}},
			},
		},
	}
}

func (p *hostwindsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	for name, value := range map[string]attrUnknown{
		"api_key": config.APIKey, "endpoint": config.Endpoint, "max_retries": config.MaxRetries,
		"requests_per_second": config.RequestsPerSecond, "poll_interval": config.PollInterval,
	} {
		if value.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown provider configuration value",
				fmt.Sprintf("The value of %s is not known until apply, but the provider needs it to plan. Set it to a "+
					"value known at plan time, or use the environment variable instead.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	apiKey := stringOrEnv(config.APIKey, envAPIKey)
	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing Hostwinds API key",
			"The provider needs a Hostwinds Cloud API key. Set api_key in the provider block, or set the "+
				envAPIKey+" environment variable. Create a key in the Hostwinds client area and add this "+
				"machine's public IPv4 address to its allow-list.")
		return
	}

	endpoint := stringOrEnv(config.Endpoint, envEndpoint)
	if endpoint == "" {
		endpoint = hostwinds.DefaultEndpoint
	}
	if err := checkEndpoint(endpoint); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Hostwinds API endpoint", err.Error())
		return
	}
	if insecureEndpoint(endpoint) {
		resp.Diagnostics.AddAttributeWarning(path.Root("endpoint"), "API key sent in clear text",
			fmt.Sprintf("The endpoint %s uses plain HTTP on a host that is not a loopback address, so the API key "+
				"travels unencrypted. Use an https:// URL.", endpoint))
	}

	maxRetries, err := int64OrEnv(config.MaxRetries, envMaxRetries, hostwinds.DefaultMaxRetries)
	if err != nil || maxRetries < 0 || maxRetries > 20 {
		resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
			fmt.Sprintf("%s must be a whole number from 0 to 20, got %q.", envMaxRetries, os.Getenv(envMaxRetries)))
		return
	}
	rps, err := float64OrEnv(config.RequestsPerSecond, envRequestsPerSecond, hostwinds.DefaultRequestsPerSecond)
	if err != nil || rps < 0.1 || rps > 1000 {
		resp.Diagnostics.AddAttributeError(path.Root("requests_per_second"), "Invalid requests_per_second",
			fmt.Sprintf("%s must be a number from 0.1 to 1000, got %q.", envRequestsPerSecond, os.Getenv(envRequestsPerSecond)))
		return
	}
	pollInterval := defaultPollInterval
	if text := stringOrEnv(config.PollInterval, envPollInterval); text != "" {
		pollInterval, err = time.ParseDuration(text)
		if err != nil || pollInterval < 10*time.Millisecond || pollInterval > time.Minute {
			resp.Diagnostics.AddAttributeError(path.Root("poll_interval"), "Invalid poll_interval",
				fmt.Sprintf("The poll interval %q (from poll_interval or %s) is not a duration from 10ms to 1m, such as "+
					"500ms or 2s.", text, envPollInterval))
			return
		}
	}

	retries := int(maxRetries)
	if retries == 0 {
		retries = -1 // the client reads 0 as "use the default"
	}
	client, err := hostwinds.New(hostwinds.Config{
		Endpoint:          endpoint,
		APIKey:            apiKey,
		MaxRetries:        retries,
		RequestsPerSecond: rps,
		UserAgent: fmt.Sprintf("terraform-provider-hostwinds/%s (+https://registry.terraform.io/providers/penguinmails/hostwinds) Terraform/%s",
			p.version, req.TerraformVersion),
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the Hostwinds API client", err.Error())
		return
	}
	tflog.Debug(ctx, "Configured the Hostwinds API client", map[string]any{
		"endpoint": endpoint, "max_retries": maxRetries, "requests_per_second": rps, "poll_interval": pollInterval.String(),
	})

	data := &providerData{client: client, catalogue: newCatalogue(client), pollInterval: pollInterval}
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *hostwindsProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewInstanceResource,
		NewSecondaryIPResource,
		NewRDNSResource,
		NewFirewallProfileResource,
	}
}

func (p *hostwindsProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewPlansDataSource,
		NewPricingDataSource,
		NewLocationsDataSource,
		NewImagesDataSource,
		NewInstanceDataSource,
		NewMaintenanceDataSource,
		NewSMTPFiltersDataSource,
	}
}

type attrUnknown interface{ IsUnknown() bool }

// stringOrEnv returns the attribute's value, or the environment variable's when the
// attribute is null or empty, as an empty key or endpoint is never meant literally.
func stringOrEnv(value types.String, env string) string {
	if !value.IsNull() && value.ValueString() != "" {
		return value.ValueString()
	}
	return os.Getenv(env)
}

func int64OrEnv(value types.Int64, env string, fallback int64) (int64, error) {
	if !value.IsNull() {
		return value.ValueInt64(), nil
	}
	if text := os.Getenv(env); text != "" {
		return strconv.ParseInt(text, 10, 64)
	}
	return fallback, nil
}

func float64OrEnv(value types.Float64, env string, fallback float64) (float64, error) {
	if !value.IsNull() {
		return value.ValueFloat64(), nil
	}
	if text := os.Getenv(env); text != "" {
		return strconv.ParseFloat(text, 64)
	}
	return fallback, nil
}

// checkEndpoint accepts absolute http and https URLs.
func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("The endpoint %q is not an absolute http or https URL. Use the full URL of the API script, "+
			"such as %s.", endpoint, hostwinds.DefaultEndpoint)
	}
	return nil
}

// insecureEndpoint reports plain HTTP to a host other than loopback.
func insecureEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}
