package provider

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Two string types whose values have more than one spelling: IP addresses ("2001:db8::1" and
// "2001:0DB8:0:0::1") and host names ("mail.example.com." and "Mail.Example.com"). Their
// semantic equality makes the framework keep the prior spelling when the API returns another
// one after create, update or read. The framework does not apply semantic equality while it
// plans, so keepPriorWhenEquivalent does that for a new spelling in the configuration.

// canonicalIP returns the address in the form net/netip prints, or the text unchanged when
// it is not an address.
func canonicalIP(text string) string {
	addr, err := netip.ParseAddr(text)
	if err != nil {
		return text
	}
	return addr.String()
}

// canonicalHostname lowercases a host name and drops its trailing dot, because DNS names are
// case-insensitive (RFC 4343) and a PTR target is absolute with or without the dot.
func canonicalHostname(text string) string {
	return strings.ToLower(strings.TrimSuffix(text, "."))
}

var (
	_ basetypes.StringTypable                    = ipAddressType{}
	_ basetypes.StringValuableWithSemanticEquals = ipAddressValue{}
	_ basetypes.StringTypable                    = hostnameType{}
	_ basetypes.StringValuableWithSemanticEquals = hostnameValue{}
)

// ipAddressType is the schema type of an IPv4 or IPv6 address attribute.
type ipAddressType struct {
	basetypes.StringType
}

func (t ipAddressType) String() string { return "ipAddressType" }

func (t ipAddressType) Equal(o attr.Type) bool {
	_, ok := o.(ipAddressType)
	return ok
}

func (t ipAddressType) ValueType(_ context.Context) attr.Value { return ipAddressValue{} }

func (t ipAddressType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return ipAddressValue{StringValue: in}, nil
}

func (t ipAddressType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	value, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := value.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", value)
	}
	return ipAddressValue{StringValue: s}, nil
}

// ipAddressValue is an IP address compared by the address, not by its spelling.
type ipAddressValue struct {
	basetypes.StringValue
}

func newIPAddressValue(text string) ipAddressValue {
	return ipAddressValue{StringValue: basetypes.NewStringValue(text)}
}

func (v ipAddressValue) Type(_ context.Context) attr.Type { return ipAddressType{} }

func (v ipAddressValue) Equal(o attr.Value) bool {
	other, ok := o.(ipAddressValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v ipAddressValue) StringSemanticEquals(_ context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	o, ok := other.(ipAddressValue)
	if !ok {
		return false, nil
	}
	return canonicalIP(v.ValueString()) == canonicalIP(o.ValueString()), nil
}

// hostnameType is the schema type of a DNS host name attribute.
type hostnameType struct {
	basetypes.StringType
}

func (t hostnameType) String() string { return "hostnameType" }

func (t hostnameType) Equal(o attr.Type) bool {
	_, ok := o.(hostnameType)
	return ok
}

func (t hostnameType) ValueType(_ context.Context) attr.Value { return hostnameValue{} }

func (t hostnameType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return hostnameValue{StringValue: in}, nil
}

func (t hostnameType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	value, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := value.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", value)
	}
	return hostnameValue{StringValue: s}, nil
}

// hostnameValue is a host name compared without case and trailing dot.
type hostnameValue struct {
	basetypes.StringValue
}

func newHostnameValue(text string) hostnameValue {
	return hostnameValue{StringValue: basetypes.NewStringValue(text)}
}

func (v hostnameValue) Type(_ context.Context) attr.Type { return hostnameType{} }

func (v hostnameValue) Equal(o attr.Value) bool {
	other, ok := o.(hostnameValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v hostnameValue) StringSemanticEquals(_ context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	o, ok := other.(hostnameValue)
	if !ok {
		return false, nil
	}
	return canonicalHostname(v.ValueString()) == canonicalHostname(o.ValueString()), nil
}

// keepPriorWhenEquivalent plans the prior value when the configuration spells the same value
// differently, so that the plan shows no change. Terraform accepts a planned value that differs
// from the configuration only when it equals the prior state.
func keepPriorWhenEquivalent(canonical func(string) string) planmodifier.String {
	return equivalentSpelling{canonical: canonical}
}

type equivalentSpelling struct {
	canonical func(string) string
}

func (m equivalentSpelling) Description(_ context.Context) string {
	return "Keeps the prior value when the configured value differs from it only in spelling."
}

func (m equivalentSpelling) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m equivalentSpelling) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if req.PlanValue.ValueString() != req.StateValue.ValueString() &&
		m.canonical(req.PlanValue.ValueString()) == m.canonical(req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
