package hostwinds

import (
	"context"
	"net/url"
	"sort"
)

// BillingCycles are the values change_billing_cycle and add_instance take, shortest first.
var BillingCycles = []string{"monthly", "quarterly", "semiannually", "annually", "biennially", "triennially"}

// Plan is one option of get_price_list.
type Plan struct {
	// Key is the option's key in the response object.
	Key string `json:"-"`
	// OptionID is the option's id, which is not the plan id.
	OptionID Number `json:"id"`
	// PlanID is the rid that add_instance and upgrade_instance take.
	PlanID       Number `json:"rid"`
	Name         string `json:"name"`
	RAM          Number `json:"ram"`
	CPU          Number `json:"cpu"`
	Disk         Number `json:"disk"`
	Bandwidth    Number `json:"bandwidth"`
	Monthly      Number `json:"monthly"`
	Quarterly    Number `json:"quarterly"`
	Semiannually Number `json:"semiannually"`
	Annually     Number `json:"annually"`
	Biennially   Number `json:"biennially"`
	Triennially  Number `json:"triennially"`
}

// Prices returns the plan's price for each billing cycle that has one.
func (p *Plan) Prices() map[string]Number {
	all := map[string]Number{
		"monthly":      p.Monthly,
		"quarterly":    p.Quarterly,
		"semiannually": p.Semiannually,
		"annually":     p.Annually,
		"biennially":   p.Biennially,
		"triennially":  p.Triennially,
	}
	for cycle, price := range all {
		if !price.Valid {
			delete(all, cycle)
		}
	}
	return all
}

// GetPriceList returns the plans of one service level, sorted by plan id. The API defaults to
// managed prices, so managed is always sent.
func (c *Client) GetPriceList(ctx context.Context, managed bool) ([]Plan, error) {
	level := "0"
	if managed {
		level = "1"
	}
	var options map[string]Plan
	if err := c.call(ctx, ActionGetPriceList, url.Values{"managed": {level}}, &options); err != nil {
		return nil, err
	}
	plans := make([]Plan, 0, len(options))
	for key, plan := range options {
		plan.Key = key
		plans = append(plans, plan)
	}
	sort.Slice(plans, func(i, j int) bool {
		if plans[i].PlanID.Value != plans[j].PlanID.Value {
			return plans[i].PlanID.Value < plans[j].PlanID.Value
		}
		return plans[i].Key < plans[j].Key
	})
	return plans, nil
}

// Location is one element of get_locations.
type Location struct {
	ID      Number `json:"id"`
	Name    string `json:"name"`
	City    string `json:"city"`
	Country string `json:"country"`
}

// GetLocations returns the data centres.
func (c *Client) GetLocations(ctx context.Context) ([]Location, error) {
	var locations []Location
	if err := c.call(ctx, ActionGetLocations, nil, &locations); err != nil {
		return nil, err
	}
	return locations, nil
}

// Image is one element of get_public_images.
type Image struct {
	UUID    string `json:"uuid"`
	Name    string `json:"name"`
	OS      string `json:"os"`
	Version string `json:"version"`
}

// GetPublicImages returns the operating system images instances can be built from.
func (c *Client) GetPublicImages(ctx context.Context) ([]Image, error) {
	var images []Image
	if err := c.call(ctx, ActionGetPublicImages, nil, &images); err != nil {
		return nil, err
	}
	return images, nil
}
