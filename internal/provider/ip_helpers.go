package provider

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// IP types of get_instance_ips.
const (
	ipTypePrimary   = "primary"
	ipTypeSecondary = "secondary"
)

// instanceLocks serializes, per instance, the work that reads an instance's address list,
// changes it and reads it again. Terraform creates several hostwinds_secondary_ip resources
// of one instance in parallel, and add_ip does not return the new address, so each create
// must be alone in comparing the list before and after.
var instanceLocks = newKeyedLocks()

// lockInstance waits until no other operation of this provider process holds the instance's
// lock, then takes it. The returned function releases it.
func lockInstance(ctx context.Context, id int64, operation string) (func(), error) {
	release, err := instanceLocks.acquire(ctx, strconv.FormatInt(id, 10), func() {
		tflog.Info(ctx, "Waiting for another change of this instance's IP addresses to finish", map[string]any{
			"instance_id": id, "operation": operation,
		})
	})
	if err != nil {
		return nil, fmt.Errorf("%w for another change of instance %d's IP addresses to finish before %s. "+
			"Other resources of this instance were still changing its addresses; raise the operation's timeout in "+
			"the timeouts block, or apply with a lower -parallelism", err, id, operation)
	}
	return release, nil
}

// parseServiceID reads an instance_id attribute or import id part.
func parseServiceID(text string) (int64, error) {
	if !serviceIDPattern.MatchString(text) {
		return 0, fmt.Errorf("%q is not a serviceid: use the instance's numeric id, such as 1234567", text)
	}
	return strconv.ParseInt(text, 10, 64)
}

// splitImportID splits "<instance_id>/<address>" and checks both parts.
func splitImportID(id, secondName, example string) (int64, netip.Addr, error) {
	instancePart, addressPart, found := strings.Cut(id, "/")
	if !found {
		return 0, netip.Addr{}, fmt.Errorf("the import id %q has no \"/\". Use <instance_id>/<%s>, such as %s", id, secondName, example)
	}
	instanceID, err := parseServiceID(instancePart)
	if err != nil {
		return 0, netip.Addr{}, fmt.Errorf("in the import id %q, %w. The id format is <instance_id>/<%s>, such as %s", id, err, secondName, example)
	}
	addr, err := parseAddress(addressPart)
	if err != nil {
		return 0, netip.Addr{}, fmt.Errorf("in the import id %q, %w. The id format is <instance_id>/<%s>, such as %s", id, err, secondName, example)
	}
	return instanceID, addr, nil
}

// parseAddress accepts an IPv4 or IPv6 address without a zone.
func parseAddress(text string) (netip.Addr, error) {
	addr, err := netip.ParseAddr(text)
	if err != nil || addr.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 or IPv6 address, such as 192.0.2.10 or 2001:db8::1", text)
	}
	return addr, nil
}

// findAddress returns the entry of ips that is addr, whatever its spelling, or nil.
func findAddress(ips []hostwinds.IPAddress, addr netip.Addr) *hostwinds.IPAddress {
	for i := range ips {
		listed, err := netip.ParseAddr(ips[i].IP)
		if err == nil && listed == addr {
			return &ips[i]
		}
	}
	return nil
}

// describeAddresses lists addresses with their types for error messages.
func describeAddresses(ips []hostwinds.IPAddress) string {
	if len(ips) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(ips))
	for _, ip := range ips {
		parts = append(parts, fmt.Sprintf("%s (%s)", ip.IP, ip.Type))
	}
	return strings.Join(parts, ", ")
}

// errInstanceGone marks an instance that get_instance_ips no longer finds.
var errInstanceGone = errors.New("the instance no longer exists")

// waitForInstanceIPs polls get_instance_ips with capped exponential backoff until done holds
// or ctx ends, and returns the last list seen, also with an error. The timeout error names
// the timeouts attribute to raise.
func waitForInstanceIPs(ctx context.Context, client *hostwinds.Client, id int64, firstWait time.Duration,
	description, timeoutName string, done func([]hostwinds.IPAddress) bool,
) ([]hostwinds.IPAddress, error) {
	started := time.Now()
	wait := firstWait
	var last []hostwinds.IPAddress
	seen := false
	for polls := 1; ; polls++ {
		ips, err := client.GetInstanceIPs(ctx, id)
		switch {
		case err != nil && hostwinds.IsNotFound(err):
			return last, fmt.Errorf("%w: instance %d was not found while the provider waited for it to %s", errInstanceGone, id, description)
		case err != nil && ctx.Err() != nil:
			return last, ipTimeoutError(ctx, id, description, timeoutName, last, seen, started)
		case err != nil:
			return last, fmt.Errorf("reading the addresses of instance %d while waiting for it to %s: %w", id, description, err)
		}
		last, seen = ips, true

		if done(ips) {
			tflog.Info(ctx, "Instance addresses are ready", map[string]any{
				"instance_id": id, "waited_for": description, "addresses": describeAddresses(ips),
				"elapsed": time.Since(started).Round(time.Millisecond).String(), "polls": polls,
			})
			return ips, nil
		}

		tflog.Info(ctx, "Waiting for instance addresses", map[string]any{
			"instance_id": id, "waiting_for": description, "addresses": describeAddresses(ips),
			"elapsed": time.Since(started).Round(time.Second).String(), "next_poll_in": wait.String(),
		})
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return last, ipTimeoutError(ctx, id, description, timeoutName, last, seen, started)
		case <-timer.C:
		}
		wait = min(time.Duration(float64(wait)*pollGrowth), maxPollInterval)
	}
}

func ipTimeoutError(ctx context.Context, id int64, description, timeoutName string, last []hostwinds.IPAddress, seen bool, started time.Time) error {
	listed := "unknown, because no read succeeded"
	if seen {
		listed = describeAddresses(last)
	}
	reason := "timed out"
	if errors.Is(ctx.Err(), context.Canceled) {
		reason = "was interrupted"
	}
	return fmt.Errorf("waiting for instance %d to %s %s after %s; the addresses last listed were: %s. If Hostwinds is "+
		"still working, raise timeouts.%s in the resource's timeouts block and apply again",
		id, description, reason, time.Since(started).Round(time.Second), listed, timeoutName)
}

// hostnameLabelPattern matches one RFC 1123 label: letters, digits and inner hyphens, at most 63
// characters.
var hostnameLabelPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// checkHostname returns why text is not a host name, or "" when it is one. A trailing dot is
// allowed, and the 253-character limit applies to the name without it.
func checkHostname(text string) string {
	name := strings.TrimSuffix(text, ".")
	if name == "" {
		return "it is empty"
	}
	if len(name) > 253 {
		return fmt.Sprintf("it is %d characters long, and a host name has at most 253", len(name))
	}
	for _, label := range strings.Split(name, ".") {
		if !hostnameLabelPattern.MatchString(label) {
			if label == "" {
				return "it has an empty label (two dots in a row, or a leading dot)"
			}
			return fmt.Sprintf("its label %q is not 1 to 63 letters, digits and inner hyphens (RFC 1123)", label)
		}
	}
	return ""
}

// hostnameValidator checks a PTR target with checkHostname.
type hostnameValidator struct{}

func (hostnameValidator) Description(_ context.Context) string {
	return "must be a host name of RFC 1123 labels, at most 253 characters, with an optional trailing dot"
}

func (v hostnameValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v hostnameValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	text := req.ConfigValue.ValueString()
	if problem := checkHostname(text); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid host name",
			fmt.Sprintf("%s is %q, but %s. It %s, such as \"mail.example.com\".", req.Path, text, problem, v.Description(ctx)))
	}
}

// ipAddressValidator checks an IPv4 or IPv6 address.
type ipAddressValidator struct{}

func (ipAddressValidator) Description(_ context.Context) string {
	return "must be an IPv4 or IPv6 address, such as 192.0.2.10 or 2001:db8::1"
}

func (v ipAddressValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v ipAddressValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	text := req.ConfigValue.ValueString()
	if _, err := parseAddress(text); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP address",
			fmt.Sprintf("%s is %q, but it %s, without a zone or prefix length.", req.Path, text, v.Description(ctx)))
	}
}

// serviceIDValidator checks an instance_id attribute.
type serviceIDValidator struct{}

func (serviceIDValidator) Description(_ context.Context) string {
	return "must be an instance's numeric serviceid, such as hostwinds_instance.example.id"
}

func (v serviceIDValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v serviceIDValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	text := req.ConfigValue.ValueString()
	if !serviceIDPattern.MatchString(text) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid instance id",
			fmt.Sprintf("%s is %q, but it %s.", req.Path, text, v.Description(ctx)))
	}
}
