package mockserver

// Instance is the instance object of get_instance and get_instances, with the
// JSON names of the wire. Units: RAM in MB, Disk and Bandwidth in GB.
type Instance struct {
	ServiceID    int           `json:"serviceid"`
	SrvrName     string        `json:"srvrname"`
	Hostname     string        `json:"hostname"`
	Status       string        `json:"status"`
	VMState      string        `json:"vm_state"`
	TaskState    *string       `json:"task_state"`
	PowerState   string        `json:"power_state"`
	MainIP       string        `json:"main_ip"`
	IPv6         string        `json:"ip_v6"`
	PrivateIP    string        `json:"private_ip"`
	IPs          []string      `json:"ips"`
	LocationID   int           `json:"location_id"`
	ProductID    int           `json:"product_id"`
	TemplateUUID string        `json:"template_uuid"`
	Image        InstanceImage `json:"image"`
	Flavor       Flavor        `json:"flavor"`
	RAM          int           `json:"ram"`
	CPU          int           `json:"cpu"`
	Disk         int           `json:"disk"`
	Bandwidth    int           `json:"bandwidth"`
	BillingCycle string        `json:"billingcycle"`
	// Managed is not in any public copy of the API: this project assumes it.
	Managed     bool     `json:"managed"`
	Locked      bool     `json:"locked"`
	IsSuspended bool     `json:"is_suspended"`
	Hourly      bool     `json:"hourly"`
	SSHKeys     []string `json:"ssh_keys"`
	Password    string   `json:"password"`
	ConfigKey   string   `json:"configkey"`
	CreatedAt   string   `json:"created_at"`
}

// InstanceImage is the image reference inside an instance object.
type InstanceImage struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

// Flavor is the size of an instance: RAM in MB, disk in GB.
type Flavor struct {
	CPU  int `json:"cpu"`
	RAM  int `json:"ram"`
	Disk int `json:"disk"`
}

// IP is one entry of get_instance_ips. Type is "primary" or "secondary".
type IP struct {
	IP   string `json:"ip"`
	Type string `json:"type"`
	RDNS string `json:"rdns"`
}

// FirewallProfile is a named set of allow rules, applied to instances by name.
type FirewallProfile struct {
	ID          int            `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Rules       []FirewallRule `json:"security_group_rules"`
}

// FirewallRule is one security group rule. A nil Protocol allows any
// protocol, and nil ports allow every port.
type FirewallRule struct {
	Direction    string  `json:"direction"`
	Ethertype    string  `json:"ethertype"`
	Protocol     *string `json:"protocol"`
	PortRangeMin *int    `json:"port_range_min"`
	PortRangeMax *int    `json:"port_range_max"`
	Description  string  `json:"description"`
}

// Plan is one entry of the seeded catalogue. MonthlyUSD is the unmanaged
// monthly price; get_price_list derives the other prices from it.
type Plan struct {
	OptionID   int
	RID        int
	Key        string
	Name       string
	CPU        int
	RAM        int // MB
	Disk       int // GB
	Bandwidth  int // GB
	MonthlyUSD float64
}

// Location is one entry of get_locations.
type Location struct {
	ID      int    `json:"id"`
	Name    string `json:"name"`
	City    string `json:"city"`
	Country string `json:"country"`
}

// Image is one entry of get_public_images.
type Image struct {
	UUID    string `json:"uuid"`
	Name    string `json:"name"`
	OS      string `json:"os"`
	Version string `json:"version"`
}

// UUIDs of the seeded public images.
const (
	ImageUbuntu2404 = "0f1a2b3c-0000-4000-8000-000000002404"
	ImageDebian12   = "0f1a2b3c-0000-4000-8000-000000001200"
	ImageAlma9      = "0f1a2b3c-0000-4000-8000-000000000900"
)

// ManagedSurchargeUSD is added to a plan's monthly price when get_price_list
// is asked for managed prices.
const ManagedSurchargeUSD = 20.00

// Plans is the seeded catalogue. New copies it, so changing it affects only
// servers created afterwards.
var Plans = []Plan{
	{OptionID: 11, RID: 301, Key: "vps-2gb", Name: "VPS 2GB", CPU: 1, RAM: 2048, Disk: 50, Bandwidth: 2000, MonthlyUSD: 9.99},
	{OptionID: 12, RID: 302, Key: "vps-4gb", Name: "VPS 4GB", CPU: 2, RAM: 4096, Disk: 75, Bandwidth: 3000, MonthlyUSD: 19.99},
	{OptionID: 13, RID: 303, Key: "vps-8gb", Name: "VPS 8GB", CPU: 4, RAM: 8192, Disk: 150, Bandwidth: 4000, MonthlyUSD: 39.99},
	{OptionID: 14, RID: 304, Key: "vps-1gb", Name: "VPS 1GB", CPU: 1, RAM: 1024, Disk: 30, Bandwidth: 1000, MonthlyUSD: 4.99},
}

// Locations is the seeded list of data centres.
var Locations = []Location{
	{ID: 1, Name: "Seattle", City: "Seattle", Country: "US"},
	{ID: 2, Name: "Dallas", City: "Dallas", Country: "US"},
	{ID: 3, Name: "Amsterdam", City: "Amsterdam", Country: "NL"},
}

// Images is the seeded list of public images.
var Images = []Image{
	{UUID: ImageUbuntu2404, Name: "Ubuntu 24.04", OS: "ubuntu", Version: "24.04"},
	{UUID: ImageDebian12, Name: "Debian 12", OS: "debian", Version: "12"},
	{UUID: ImageAlma9, Name: "AlmaLinux 9", OS: "almalinux", Version: "9"},
}

// BillingCycles are the values that add_instance and change_billing_cycle
// accept, in order of length.
var BillingCycles = []string{"monthly", "quarterly", "semiannually", "annually", "biennially", "triennially"}
