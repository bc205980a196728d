package provider

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// durationValidator checks a Go duration string such as "500ms" against a range.
type durationValidator struct {
	min, max time.Duration
}

func (v durationValidator) Description(_ context.Context) string {
	return fmt.Sprintf("must be a duration from %s to %s, such as 500ms or 2s", v.min, v.max)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	text := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(text)
	if err != nil || d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s is %q, but it %s.", req.Path, text, v.Description(context.Background())))
	}
}

// endpointValidator checks that the endpoint is an absolute http or https URL.
type endpointValidator struct{}

func (endpointValidator) Description(_ context.Context) string {
	return "must be an absolute http or https URL"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Hostwinds API endpoint", err.Error())
	}
}

// labelValidator checks an instance label: 1 to 64 printable characters without spaces at the
// ends, because the provider finds instances by exact label.
func labelValidator() validator.String {
	return labelCheck{}
}

type labelCheck struct{}

func (labelCheck) Description(_ context.Context) string {
	return "must be 1 to 64 printable characters, without leading or trailing spaces"
}

func (v labelCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v labelCheck) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	label := req.ConfigValue.ValueString()
	valid := len(label) >= 1 && len(label) <= 64 && strings.TrimSpace(label) == label
	for _, r := range label {
		if !unicode.IsPrint(r) {
			valid = false
		}
	}
	if !valid {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid instance name",
			fmt.Sprintf("%s is %q, but it %s. Use a name such as \"mail-tenant-42\".", req.Path, label, v.Description(ctx)))
	}
}
