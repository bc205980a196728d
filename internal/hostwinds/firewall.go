package hostwinds

import (
	"context"
	"net/url"
	"strconv"
)

// FirewallProfile is a named set of allow rules.
type FirewallProfile struct {
	ID          Number         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Rules       []FirewallRule `json:"security_group_rules"`
}

// FirewallRule is one allow rule of a profile. Nil pointers mean "any".
type FirewallRule struct {
	Direction    string  `json:"direction"`
	EtherType    string  `json:"ethertype"`
	Protocol     *string `json:"protocol"`
	PortRangeMin *Number `json:"port_range_min"`
	PortRangeMax *Number `json:"port_range_max"`
	Description  string  `json:"description"`
}

// GetFirewallProfiles returns every profile of the account.
func (c *Client) GetFirewallProfiles(ctx context.Context) ([]FirewallProfile, error) {
	var profiles []FirewallProfile
	if err := c.call(ctx, ActionGetFirewallProfiles, nil, &profiles); err != nil {
		return nil, err
	}
	return profiles, nil
}

// GetInstanceFirewallProfile returns the profile the instance uses.
func (c *Client) GetInstanceFirewallProfile(ctx context.Context, id int64) (*FirewallProfile, error) {
	var profile FirewallProfile
	if err := c.call(ctx, ActionGetInstanceFirewall, serviceParams(id), &profile); err != nil {
		return nil, err
	}
	return &profile, nil
}

// SetInstanceFirewall switches the instance to the profile with that name.
func (c *Client) SetInstanceFirewall(ctx context.Context, id int64, profileName string) error {
	return c.serviceAction(ctx, ActionSetInstanceFirewall, id, url.Values{"name": {profileName}})
}

// AddFirewallProfile creates a profile. The API does not return its id: callers find it by
// name with GetFirewallProfiles.
func (c *Client) AddFirewallProfile(ctx context.Context, name, description string, rules []FirewallRule) error {
	params := url.Values{"name": {name}, "description": {description}}
	encodeRules(params, rules)
	return c.call(ctx, ActionAddFirewallProfile, params, nil)
}

// EditFirewallProfile replaces a profile's name, description and whole rule set.
func (c *Client) EditFirewallProfile(ctx context.Context, id int64, name, description string, rules []FirewallRule) error {
	params := url.Values{ParamFirewallProfileID: {strconv.FormatInt(id, 10)}, "name": {name}, "description": {description}}
	encodeRules(params, rules)
	return c.call(ctx, ActionEditFirewallProfile, params, nil)
}

// DeleteFirewallProfile deletes a profile that no instance uses.
func (c *Client) DeleteFirewallProfile(ctx context.Context, id int64) error {
	return c.call(ctx, ActionDeleteFirewallProfile, url.Values{ParamFirewallProfileID: {strconv.FormatInt(id, 10)}}, nil)
}

// encodeRules writes rules as PHP-style records: rules[0][direction]=ingress&...
func encodeRules(params url.Values, rules []FirewallRule) {
	for i, rule := range rules {
		prefix := ParamFirewallRules + "[" + strconv.Itoa(i) + "]"
		params.Set(prefix+"[direction]", rule.Direction)
		params.Set(prefix+"[ethertype]", rule.EtherType)
		if rule.Protocol != nil {
			params.Set(prefix+"[protocol]", *rule.Protocol)
		}
		if rule.PortRangeMin != nil {
			params.Set(prefix+"[port_range_min]", strconv.FormatInt(rule.PortRangeMin.Int(), 10))
		}
		if rule.PortRangeMax != nil {
			params.Set(prefix+"[port_range_max]", strconv.FormatInt(rule.PortRangeMax.Int(), 10))
		}
		params.Set(prefix+"[description]", rule.Description)
	}
}
