package hostwinds

import (
	"context"
	"encoding/json"
	"net/url"
)

// IPAddress is one address of get_instance_ips.
type IPAddress struct {
	IP string
	// Type is "primary" or "secondary" (assumed field FieldIPType).
	Type string
	// RDNS is the PTR record (assumed field FieldIPRDNS).
	RDNS string
}

// GetInstanceIPs returns the instance's addresses.
func (c *Client) GetInstanceIPs(ctx context.Context, id int64) ([]IPAddress, error) {
	var response map[string][]map[string]json.RawMessage
	if err := c.call(ctx, ActionGetInstanceIPs, serviceParams(id), &response); err != nil {
		return nil, err
	}
	var out []IPAddress
	for _, fields := range response[FieldIPList] {
		out = append(out, IPAddress{
			IP:   rawString(fields["ip"]),
			Type: rawString(fields[FieldIPType]),
			RDNS: rawString(fields[FieldIPRDNS]),
		})
	}
	return out, nil
}

func rawString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// AddIP orders one secondary IPv4 address, billed monthly. The API does not return the
// address: callers compare GetInstanceIPs before and after.
func (c *Client) AddIP(ctx context.Context, id int64) error {
	return c.serviceAction(ctx, ActionAddIP, id, nil)
}

// DeleteIP releases a secondary address.
func (c *Client) DeleteIP(ctx context.Context, id int64, ip string) error {
	return c.serviceAction(ctx, ActionDeleteIP, id, url.Values{"ip": {ip}})
}

// SetMainIP makes ip the instance's primary address.
func (c *Client) SetMainIP(ctx context.Context, id int64, ip string) error {
	return c.serviceAction(ctx, ActionSetMainIP, id, url.Values{"ip": {ip}})
}

// SetRDNS sets the PTR record of ip; an empty rdns restores the default record.
func (c *Client) SetRDNS(ctx context.Context, id int64, ip, rdns string) error {
	return c.serviceAction(ctx, ActionSetRDNS, id, url.Values{"ip": {ip}, "rdns": {rdns}})
}
