package hostwinds

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// Instance is the instance object of get_instance and get_instances.
type Instance struct {
	ServiceID    Number     `json:"serviceid"`
	Name         string     `json:"srvrname"`
	Hostname     string     `json:"hostname"`
	Status       string     `json:"status"`
	VMState      string     `json:"vm_state"`
	TaskState    *string    `json:"task_state"`
	PowerState   string     `json:"power_state"`
	MainIP       string     `json:"main_ip"`
	IPv6         string     `json:"ip_v6"`
	PrivateIP    string     `json:"private_ip"`
	LocationID   Number     `json:"location_id"`
	ProductID    Number     `json:"product_id"`
	TemplateUUID string     `json:"template_uuid"`
	RAM          Number     `json:"ram"`
	CPU          Number     `json:"cpu"`
	Disk         Number     `json:"disk"`
	Bandwidth    Number     `json:"bandwidth"`
	BillingCycle string     `json:"billingcycle"`
	SSHKeys      StringList `json:"ssh_keys"`
	Password     string     `json:"password"`
	ConfigKey    string     `json:"configkey"`
	CreatedAt    string     `json:"created_at"`
	// Managed comes from the assumed field FieldManaged.
	Managed Bool `json:"-"`
}

// UnmarshalJSON decodes the documented fields by their tags and the assumed ones by the names
// in api.go.
func (i *Instance) UnmarshalJSON(data []byte) error {
	type plain Instance
	if err := json.Unmarshal(data, (*plain)(i)); err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return err
	}
	if raw, ok := fields[FieldManaged]; ok {
		if err := json.Unmarshal(raw, &i.Managed); err != nil {
			return err
		}
	}
	return nil
}

// ID returns the serviceid.
func (i *Instance) ID() int64 { return i.ServiceID.Int() }

// Idle reports whether no task is running on the instance.
func (i *Instance) Idle() bool {
	return i.TaskState == nil || *i.TaskState == "" || strings.EqualFold(*i.TaskState, "none")
}

// HasStatus compares the status case-insensitively, as the API's capitalisation is not
// guaranteed beyond ACTIVE.
func (i *Instance) HasStatus(status string) bool {
	return strings.EqualFold(i.Status, status)
}

// Instance status values. Only ACTIVE was seen live; the others follow OpenStack Nova.
const (
	StatusBuild   = "BUILD"
	StatusActive  = "ACTIVE"
	StatusShutoff = "SHUTOFF"
	StatusResize  = "RESIZE"
	StatusResized = "RESIZED"
	StatusRebuild = "REBUILD"
	StatusError   = "ERROR"
)

// InstanceSummary is one element of get_instance_ids.
type InstanceSummary struct {
	ID          Number     `json:"id"`
	Hostname    string     `json:"hostname"`
	Name        string     `json:"srvrname"`
	IPs         StringList `json:"ips"`
	DedicatedIP string     `json:"dedicatedip"`
	IPv6        string     `json:"ip_v6"`
}

func serviceParams(id int64) url.Values {
	return url.Values{"serviceid": {strconv.FormatInt(id, 10)}}
}

// GetInstance returns one instance; a missing one gives an error that IsNotFound recognises.
func (c *Client) GetInstance(ctx context.Context, id int64) (*Instance, error) {
	var instance Instance
	if err := c.call(ctx, ActionGetInstance, serviceParams(id), &instance); err != nil {
		return nil, err
	}
	return &instance, nil
}

// GetInstances returns every instance of the account.
func (c *Client) GetInstances(ctx context.Context) ([]Instance, error) {
	var instances []Instance
	if err := c.call(ctx, ActionGetInstances, nil, &instances); err != nil {
		return nil, err
	}
	return instances, nil
}

// FindInstancesByName returns the instances whose label is exactly name. The API's search
// matches substrings of labels and hostnames, so the response is filtered here.
func (c *Client) FindInstancesByName(ctx context.Context, name string) ([]InstanceSummary, error) {
	var summaries []InstanceSummary
	if err := c.call(ctx, ActionGetInstanceIDs, url.Values{"search": {name}}, &summaries); err != nil {
		return nil, err
	}
	var matches []InstanceSummary
	for _, s := range summaries {
		if s.Name == name {
			matches = append(matches, s)
		}
	}
	return matches, nil
}

// CreateInstanceRequest holds the parameters of add_instance.
type CreateInstanceRequest struct {
	Name         string
	ImageUUID    string
	PlanID       int64
	LocationID   int64
	BillingCycle string
	SSHKeys      []string
}

// AddInstance orders one instance. The API does not return its serviceid: callers find it by
// its unique name.
func (c *Client) AddInstance(ctx context.Context, r CreateInstanceRequest) error {
	params := url.Values{
		"template":    {r.ImageUUID},
		"rid":         {strconv.FormatInt(r.PlanID, 10)},
		"location_id": {strconv.FormatInt(r.LocationID, 10)},
		"srvrname":    {r.Name},
		"qty":         {"1"},
	}
	if r.BillingCycle != "" {
		params.Set("billingcycle", r.BillingCycle)
	}
	for _, key := range r.SSHKeys {
		params.Add(ParamSSHKeys+"[]", key)
	}
	return c.call(ctx, ActionAddInstance, params, nil)
}

// serviceAction sends an action whose only parameter is the serviceid.
func (c *Client) serviceAction(ctx context.Context, action string, id int64, extra url.Values) error {
	params := serviceParams(id)
	for k, v := range extra {
		params[k] = v
	}
	return c.call(ctx, action, params, nil)
}

// Boot powers the instance on.
func (c *Client) Boot(ctx context.Context, id int64) error {
	return c.serviceAction(ctx, ActionBoot, id, nil)
}

// Shutdown powers the instance off.
func (c *Client) Shutdown(ctx context.Context, id int64) error {
	return c.serviceAction(ctx, ActionShutdown, id, nil)
}

// Reboot restarts the instance.
func (c *Client) Reboot(ctx context.Context, id int64) error {
	return c.serviceAction(ctx, ActionReboot, id, nil)
}

// Terminate cancels the instance and releases its IP addresses.
func (c *Client) Terminate(ctx context.Context, id int64) error {
	return c.serviceAction(ctx, ActionTerminate, id, nil)
}

// ReinstallInstance rebuilds the instance from an image, keeping its IP addresses.
func (c *Client) ReinstallInstance(ctx context.Context, id int64, imageUUID string) error {
	return c.serviceAction(ctx, ActionReinstallInstance, id, url.Values{"template": {imageUUID}})
}

// RenameInstance changes the instance's label; the hostname stays.
func (c *Client) RenameInstance(ctx context.Context, id int64, name string) error {
	return c.serviceAction(ctx, ActionEditInstance, id, url.Values{"srvrname": {name}})
}

// ChangePassword sets the root password, which takes effect after the next reboot.
func (c *Client) ChangePassword(ctx context.Context, id int64, password string) error {
	return c.serviceAction(ctx, ActionChangePassword, id, url.Values{"password": {password}})
}

// RegenerateNetworking rewrites the instance's network configuration and reboots it.
func (c *Client) RegenerateNetworking(ctx context.Context, id int64) error {
	return c.serviceAction(ctx, ActionRegenerateNetworking, id, nil)
}

// UpgradeInstance orders a change to plan rid; UpgradeServer then applies it.
func (c *Client) UpgradeInstance(ctx context.Context, id, planID int64) error {
	return c.serviceAction(ctx, ActionUpgradeInstance, id, url.Values{"rid": {strconv.FormatInt(planID, 10)}})
}

// UpgradeOrder is the response of check_upgrade_order.
type UpgradeOrder struct {
	Pending Bool   `json:"pending"`
	PlanID  Number `json:"rid"`
}

// CheckUpgradeOrder returns the pending upgrade order, if any.
func (c *Client) CheckUpgradeOrder(ctx context.Context, id int64) (*UpgradeOrder, error) {
	var order UpgradeOrder
	if err := c.call(ctx, ActionCheckUpgradeOrder, serviceParams(id), &order); err != nil {
		return nil, err
	}
	return &order, nil
}

// CheckUpgradeReboot reports whether applying the pending upgrade reboots the instance.
func (c *Client) CheckUpgradeReboot(ctx context.Context, id int64) (bool, error) {
	var needsReboot Bool
	if err := c.call(ctx, ActionCheckUpgradeReboot, serviceParams(id), &needsReboot); err != nil {
		return false, err
	}
	return needsReboot.Value, nil
}

// UpgradeServer applies the pending upgrade; the instance goes through RESIZE to RESIZED.
func (c *Client) UpgradeServer(ctx context.Context, id int64) error {
	return c.serviceAction(ctx, ActionUpgradeServer, id, nil)
}

// ConfirmUpgrade finishes an upgrade in RESIZED.
func (c *Client) ConfirmUpgrade(ctx context.Context, id int64) error {
	return c.serviceAction(ctx, ActionConfirmUpgrade, id, nil)
}

// RevertUpgrade undoes an upgrade in RESIZED.
func (c *Client) RevertUpgrade(ctx context.Context, id int64) error {
	return c.serviceAction(ctx, ActionRevertUpgrade, id, nil)
}

// ChangeBillingCycle sets the billing cycle.
func (c *Client) ChangeBillingCycle(ctx context.Context, id int64, cycle string) error {
	return c.serviceAction(ctx, ActionChangeBillingCycle, id, url.Values{"billingcycle": {cycle}})
}

// SetManaged moves the instance to the managed or the unmanaged service level.
func (c *Client) SetManaged(ctx context.Context, id int64, managed bool) error {
	if managed {
		return c.serviceAction(ctx, ActionUpgradeToManaged, id, nil)
	}
	return c.serviceAction(ctx, ActionDowngradeToUnmanaged, id, nil)
}
