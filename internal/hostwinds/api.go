package hostwinds

// Evidence is how much is known about an action or field of the Hostwinds API.
type Evidence string

const (
	// Live means a third-party client was seen calling it against the real API.
	Live Evidence = "live"
	// Documented means a copy of the official documentation names it with its parameters.
	Documented Evidence = "documented"
	// Assumed means no public source names it: the provider chose a name that looks like the
	// documented actions, and a check against the live API may change it.
	Assumed Evidence = "assumed"
)

// Action names. Each one is listed with its evidence level in Actions.
const (
	ActionAddInstance            = "add_instance"
	ActionGetInstance            = "get_instance"
	ActionGetInstances           = "get_instances"
	ActionGetInstanceIDs         = "get_instance_ids"
	ActionBoot                   = "boot"
	ActionShutdown               = "shutdown"
	ActionReboot                 = "reboot"
	ActionTerminate              = "terminate"
	ActionReinstallInstance      = "reinstall_instance"
	ActionEditInstance           = "edit_instance"
	ActionChangePassword         = "change_password"
	ActionRegenerateNetworking   = "regenerate_networking"
	ActionUpgradeInstance        = "upgrade_instance"
	ActionCheckUpgradeReboot     = "check_upgrade_reboot"
	ActionUpgradeServer          = "upgrade_server"
	ActionConfirmUpgrade         = "confirm_upgrade"
	ActionRevertUpgrade          = "revert_upgrade"
	ActionCheckUpgradeOrder      = "check_upgrade_order"
	ActionChangeBillingCycle     = "change_billing_cycle"
	ActionUpgradeToManaged       = "upgrade_to_managed"
	ActionDowngradeToUnmanaged   = "downgrade_to_unmanaged"
	ActionGetPriceList           = "get_price_list"
	ActionGetLocations           = "get_locations"
	ActionGetPublicImages        = "get_public_images"
	ActionGetInstanceIPs         = "get_instance_ips"
	ActionAddIP                  = "add_ip"
	ActionDeleteIP               = "delete_ip"
	ActionSetMainIP              = "set_main_ip"
	ActionSetRDNS                = "set_rdns"
	ActionGetFirewallProfiles    = "get_firewall_profiles"
	ActionGetInstanceFirewall    = "get_instance_firewall_profile"
	ActionSetInstanceFirewall    = "set_instance_firewall"
	ActionAddFirewallProfile     = "add_firewall_profile"
	ActionEditFirewallProfile    = "edit_firewall_profile"
	ActionDeleteFirewallProfile  = "delete_firewall_profile"
	ActionGetInstanceMaintenance = "get_instance_maintenance"
	ActionGetSMTPFilters         = "get_smtp_filters"
)

// ActionInfo describes one action the provider calls.
type ActionInfo struct {
	Name     string
	Evidence Evidence
	// ReadOnly actions change nothing, so the client may resend them after a transport error
	// or a 5xx response. A mutating action is resent only after 429 or 503, which the API sends
	// before it does any work.
	ReadOnly bool
	// TakesServiceID actions respond "A valid serviceid is required." for serviceid 0, which
	// lets a probe tell a known action from an unknown one without changing anything.
	TakesServiceID bool
	Note           string
}

// Actions lists every action the provider calls. It is the one place to change when a check
// against the live API shows that an assumed name is wrong.
var Actions = []ActionInfo{
	{ActionGetInstance, Live, true, true, ""},
	{ActionAddInstance, Documented, false, false, "responds without the new serviceid; the provider finds the instance by its unique name"},
	{ActionGetInstances, Documented, true, false, ""},
	{ActionGetInstanceIDs, Documented, true, false, ""},
	{ActionBoot, Documented, false, true, ""},
	{ActionShutdown, Documented, false, true, ""},
	{ActionReboot, Documented, false, true, ""},
	{ActionTerminate, Documented, false, true, ""},
	{ActionReinstallInstance, Documented, false, true, "keeps the instance's IP addresses"},
	{ActionEditInstance, Documented, false, true, "changes the label only"},
	{ActionChangePassword, Documented, false, true, "takes effect after the next reboot"},
	{ActionRegenerateNetworking, Documented, false, true, "reboots the instance"},
	{ActionUpgradeInstance, Documented, false, true, "paying the upgrade invoice has no action: the account must pay it automatically"},
	{ActionCheckUpgradeReboot, Documented, true, true, ""},
	{ActionUpgradeServer, Documented, false, true, ""},
	{ActionConfirmUpgrade, Documented, false, true, ""},
	{ActionRevertUpgrade, Documented, false, true, ""},
	{ActionCheckUpgradeOrder, Documented, true, true, ""},
	{ActionChangeBillingCycle, Documented, false, true, ""},
	{ActionUpgradeToManaged, Documented, false, true, ""},
	{ActionDowngradeToUnmanaged, Documented, false, true, ""},
	{ActionGetPriceList, Documented, true, false, ""},
	{ActionGetLocations, Assumed, true, false, "the name is seen in client code; the response's shape is assumed"},
	{ActionGetPublicImages, Assumed, true, false, "the name is seen in client code; the response's shape is assumed"},
	{ActionGetInstanceIPs, Documented, true, true, "the per-address fields besides ip are assumed"},
	{ActionAddIP, Assumed, false, true, "adds one secondary IPv4 address, billed monthly"},
	{ActionDeleteIP, Documented, false, true, ""},
	{ActionSetMainIP, Documented, false, true, ""},
	{ActionSetRDNS, Documented, false, true, "an empty rdns is assumed to restore the default PTR record"},
	{ActionGetFirewallProfiles, Assumed, true, false, "the name is documented; the response's shape is assumed"},
	{ActionGetInstanceFirewall, Documented, true, true, ""},
	{ActionSetInstanceFirewall, Documented, false, true, ""},
	{ActionAddFirewallProfile, Assumed, false, false, ""},
	{ActionEditFirewallProfile, Assumed, false, false, ""},
	{ActionDeleteFirewallProfile, Assumed, false, false, ""},
	{ActionGetInstanceMaintenance, Documented, true, true, ""},
	{ActionGetSMTPFilters, Documented, true, false, ""},
}

// Field names of responses and requests. The assumed ones are marked; the rest are documented.
const (
	// FieldManaged is the instance field that is true when the instance is managed (assumed).
	FieldManaged = "managed"
	// FieldIPType is the per-address field of get_instance_ips: primary or secondary (assumed).
	FieldIPType = "type"
	// FieldIPRDNS is the per-address PTR record of get_instance_ips (assumed).
	FieldIPRDNS = "rdns"
	// FieldIPList is the key of get_instance_ips' response that holds the addresses (documented).
	FieldIPList = "IP Addresses"
	// ParamFirewallProfileID is the profile id parameter of the profile actions (assumed).
	ParamFirewallProfileID = "id"
	// ParamFirewallRules is the list-of-records parameter of the profile actions (assumed).
	ParamFirewallRules = "rules"
	// ParamSSHKeys is add_instance's list of SSH key names (documented).
	ParamSSHKeys = "keys"
)

// AssumedField describes one assumed name that is not an action.
type AssumedField struct {
	Name    string
	Where   string
	Meaning string
}

// AssumedFields lists every assumed field and parameter, for the API coverage page.
var AssumedFields = []AssumedField{
	{FieldManaged, "get_instance response", "true when the instance has the managed service level"},
	{"product_id", "get_instance response", "equals the plan's rid from get_price_list"},
	{"ram, disk, bandwidth", "get_instance and get_price_list responses", "units: ram in MB, disk and bandwidth in GB"},
	{"status", "get_instance response", "values other than ACTIVE follow OpenStack Nova: BUILD, SHUTOFF, REBOOT, REBUILD, RESIZE, RESIZED, RESCUE, ERROR"},
	{FieldIPType, "get_instance_ips response", "primary or secondary"},
	{FieldIPRDNS, "get_instance_ips response", "the address's PTR record"},
	{"rdns = \"\"", "set_rdns request", "restores the default PTR record hwsrv-<serviceid>.hostwindsdns.com"},
	{ParamFirewallProfileID, "edit_firewall_profile and delete_firewall_profile requests", "the profile id"},
	{ParamFirewallRules + "[N][...]", "add_firewall_profile and edit_firewall_profile requests", "the whole rule set, one record per rule"},
}

// actionInfo returns the table entry for name. An action missing from the table is treated
// as mutating, so the client never resends it after an ambiguous failure.
func actionInfo(name string) ActionInfo {
	for _, a := range Actions {
		if a.Name == name {
			return a
		}
	}
	return ActionInfo{Name: name, Evidence: Assumed}
}
