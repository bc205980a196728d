package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// catalogue caches the plans, locations and images for the life of the provider process (one
// Terraform command), because plan-time checks of many instances would otherwise read the
// same lists again for each one.
type catalogue struct {
	client *hostwinds.Client

	mu        sync.Mutex
	plans     map[bool][]hostwinds.Plan
	locations []hostwinds.Location
	images    []hostwinds.Image
}

func newCatalogue(client *hostwinds.Client) *catalogue {
	return &catalogue{client: client, plans: map[bool][]hostwinds.Plan{}}
}

func (c *catalogue) Plans(ctx context.Context, managed bool) ([]hostwinds.Plan, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if plans, ok := c.plans[managed]; ok {
		return plans, nil
	}
	plans, err := c.client.GetPriceList(ctx, managed)
	if err != nil {
		return nil, err
	}
	c.plans[managed] = plans
	return plans, nil
}

// Plan returns the plan with that rid, or nil and no error when there is none.
func (c *catalogue) Plan(ctx context.Context, planID int64, managed bool) (*hostwinds.Plan, error) {
	plans, err := c.Plans(ctx, managed)
	if err != nil {
		return nil, err
	}
	for i := range plans {
		if plans[i].PlanID.Int() == planID {
			return &plans[i], nil
		}
	}
	return nil, nil
}

func (c *catalogue) Locations(ctx context.Context) ([]hostwinds.Location, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.locations != nil {
		return c.locations, nil
	}
	locations, err := c.client.GetLocations(ctx)
	if err != nil {
		return nil, err
	}
	c.locations = locations
	return locations, nil
}

func (c *catalogue) Images(ctx context.Context) ([]hostwinds.Image, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.images != nil {
		return c.images, nil
	}
	images, err := c.client.GetPublicImages(ctx)
	if err != nil {
		return nil, err
	}
	c.images = images
	return images, nil
}

// describePlans lists the plans for an error message.
func describePlans(plans []hostwinds.Plan) string {
	var parts []string
	for _, p := range plans {
		parts = append(parts, fmt.Sprintf("%d (%s, %d GB disk)", p.PlanID.Int(), p.Name, p.Disk.Int()))
	}
	return strings.Join(parts, ", ")
}

func describeLocations(locations []hostwinds.Location) string {
	var parts []string
	for _, l := range locations {
		parts = append(parts, fmt.Sprintf("%d (%s)", l.ID.Int(), l.Name))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func describeImages(images []hostwinds.Image) string {
	var parts []string
	for _, i := range images {
		parts = append(parts, fmt.Sprintf("%s (%s)", i.UUID, i.Name))
	}
	return strings.Join(parts, ", ")
}
