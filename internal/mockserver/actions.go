package mockserver

import "strings"

// actionSpec is one API action. Handlers run with Server.mu held, and their
// responses must not share memory with the state, because the response is
// encoded after the lock is released.
type actionSpec struct {
	handler  func(s *Server, req *request) response
	mutating bool
}

// actions maps every action name the mock implements to its handler.
var actions = map[string]actionSpec{}

func init() {
	handlers := map[string]func(*Server, *request) response{
		// Instances
		"add_instance":          (*Server).addInstance,
		"get_instance":          (*Server).getInstance,
		"get_instances":         (*Server).getInstances,
		"get_instance_ids":      (*Server).getInstanceIDs,
		"boot":                  (*Server).powerAction,
		"shutdown":              (*Server).powerAction,
		"reboot":                (*Server).powerAction,
		"rescue":                (*Server).powerAction,
		"unrescue":              (*Server).powerAction,
		"regenerate_networking": (*Server).powerAction,
		"terminate":             (*Server).terminate,
		"reinstall_instance":    (*Server).reinstallInstance,
		"edit_instance":         (*Server).editInstance,
		"change_password":       (*Server).changePassword,
		// Resizing and billing
		"upgrade_instance":       (*Server).upgradeInstance,
		"check_upgrade_order":    (*Server).checkUpgradeOrder,
		"check_upgrade_reboot":   (*Server).checkUpgradeReboot,
		"upgrade_server":         (*Server).upgradeServer,
		"confirm_upgrade":        (*Server).confirmUpgrade,
		"revert_upgrade":         (*Server).revertUpgrade,
		"change_billing_cycle":   (*Server).changeBillingCycle,
		"upgrade_to_managed":     (*Server).setManaged,
		"downgrade_to_unmanaged": (*Server).setManaged,
		// Catalogue
		"get_price_list":    (*Server).getPriceList,
		"get_locations":     (*Server).getLocations,
		"get_public_images": (*Server).getPublicImages,
		// Addresses
		"get_instance_ips": (*Server).getInstanceIPs,
		"add_ip":           (*Server).addIP,
		"delete_ip":        (*Server).deleteIP,
		"set_main_ip":      (*Server).setMainIP,
		"set_rdns":         (*Server).setRDNS,
		// Firewall profiles
		"get_firewall_profiles":         (*Server).getFirewallProfiles,
		"get_instance_firewall_profile": (*Server).getInstanceFirewallProfile,
		"set_instance_firewall":         (*Server).setInstanceFirewall,
		"add_firewall_profile":          (*Server).addFirewallProfile,
		"edit_firewall_profile":         (*Server).editFirewallProfile,
		"delete_firewall_profile":       (*Server).deleteFirewallProfile,
		// Account
		"add_ssh_key":              (*Server).addSSHKey,
		"delete_ssh_key":           (*Server).deleteSSHKey,
		"get_instance_maintenance": (*Server).getInstanceMaintenance,
		"get_smtp_filters":         (*Server).getSMTPFilters,
	}
	for name, handler := range handlers {
		actions[name] = actionSpec{handler: handler, mutating: isMutating(name)}
	}
}

// isMutating reports whether an action changes state: every action except
// the get_ and check_ reads.
func isMutating(action string) bool {
	return !strings.HasPrefix(action, "get_") && !strings.HasPrefix(action, "check_")
}
