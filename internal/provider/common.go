package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// base carries what every resource and data source gets from the provider's Configure.
type base struct {
	client *hostwinds.Client
	data   *providerData
}

func (b *base) setProviderData(raw any, diags *diag.Diagnostics) {
	// The framework calls Configure before the provider is configured, with nil data.
	if raw == nil {
		return
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return
	}
	b.data = data
	b.client = data.client
}

// ready reports whether the provider was configured, and adds an error when it was not.
func (b *base) ready(diags *diag.Diagnostics) bool {
	if b.client == nil {
		diags.AddError("Provider not configured",
			"The Hostwinds provider was not configured before this operation. This is a bug in the provider; please report it.")
		return false
	}
	return true
}

func (b *base) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.setProviderData(req.ProviderData, &resp.Diagnostics)
}

// dataSourceBase is base for data sources, whose Configure has other request types.
type dataSourceBase struct {
	base
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.setProviderData(req.ProviderData, &resp.Diagnostics)
}

// addChangeError adds a diagnostic for a failed change of object, such as `instance "mail"
// (serviceid 123)`, with what to do next.
func addChangeError(diags *diag.Diagnostics, summary, object string, err error) {
	message := fmt.Sprintf("%s: %s.", object, strings.TrimSuffix(err.Error(), "."))
	if advice := nextStep(err); advice != "" {
		message += " " + advice
	}
	diags.AddError(summary, message)
}

// nextStep returns what the user should do after a change failed with err. It returns "" for
// errors that are not API failures, such as a wait that timed out, because those carry their
// own advice.
func nextStep(err error) string {
	var apiErr *hostwinds.APIError
	if !hostwinds.IsOutcomeUnknown(err) && !errors.As(err, &apiErr) {
		return ""
	}
	if hostwinds.IsOutcomeUnknown(err) {
		return "Hostwinds may or may not have made the change. Run apply again: the next plan reads the object " +
			"from Hostwinds and repeats the change only if it is still needed."
	}
	return "Terraform state records only the changes that succeeded. Fix the cause the API reports, or wait if " +
		"it is temporary, then run apply again."
}

// addAPIError adds a diagnostic for a failed API call. The client's error already names the
// action, the HTTP status and the API's message, and explains an authorization failure.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, err.Error())
}
