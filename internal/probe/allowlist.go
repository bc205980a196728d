package probe

import (
	"context"
	"fmt"
	"net/url"
	"sort"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
)

// Caller sends one API action. *hostwinds.Client implements it with CallAction.
type Caller interface {
	CallAction(ctx context.Context, action string, params url.Values, out any) error
}

// zeroServiceID is the only parameter set of the existence probes. These probes are safe only
// because serviceid 0 can never exist: serviceids are positive integers, so an action that
// needs an instance can only reply "A valid serviceid is required." without doing anything.
// No other parameter is sent, so an action that checked its other parameters first would fail
// on them instead of acting.
var zeroServiceID = url.Values{"serviceid": {"0"}}

// allowedRequests is every request the probe may send, keyed by action, with the exact
// parameters it may carry. The reads change nothing, and the serviceid 0 requests cannot
// reach an instance. Everything else, including every action without a serviceid that
// creates or changes something, is refused by guard.send.
var allowedRequests = map[string]url.Values{
	// Reads without a serviceid, called as the provider calls them.
	hostwinds.ActionGetInstances:        {},
	hostwinds.ActionGetInstanceIDs:      {"limit": {"1"}},
	hostwinds.ActionGetPriceList:        {"managed": {"0"}},
	hostwinds.ActionGetLocations:        {},
	hostwinds.ActionGetPublicImages:     {},
	hostwinds.ActionGetFirewallProfiles: {},
	hostwinds.ActionGetSMTPFilters:      {},

	// Actions that take a serviceid, sent with serviceid 0 only.
	hostwinds.ActionGetInstance:            zeroServiceID,
	hostwinds.ActionBoot:                   zeroServiceID,
	hostwinds.ActionShutdown:               zeroServiceID,
	hostwinds.ActionReboot:                 zeroServiceID,
	hostwinds.ActionTerminate:              zeroServiceID,
	hostwinds.ActionReinstallInstance:      zeroServiceID,
	hostwinds.ActionEditInstance:           zeroServiceID,
	hostwinds.ActionChangePassword:         zeroServiceID,
	hostwinds.ActionRegenerateNetworking:   zeroServiceID,
	hostwinds.ActionUpgradeInstance:        zeroServiceID,
	hostwinds.ActionCheckUpgradeReboot:     zeroServiceID,
	hostwinds.ActionUpgradeServer:          zeroServiceID,
	hostwinds.ActionConfirmUpgrade:         zeroServiceID,
	hostwinds.ActionRevertUpgrade:          zeroServiceID,
	hostwinds.ActionCheckUpgradeOrder:      zeroServiceID,
	hostwinds.ActionChangeBillingCycle:     zeroServiceID,
	hostwinds.ActionUpgradeToManaged:       zeroServiceID,
	hostwinds.ActionDowngradeToUnmanaged:   zeroServiceID,
	hostwinds.ActionGetInstanceIPs:         zeroServiceID,
	hostwinds.ActionAddIP:                  zeroServiceID,
	hostwinds.ActionDeleteIP:               zeroServiceID,
	hostwinds.ActionSetMainIP:              zeroServiceID,
	hostwinds.ActionSetRDNS:                zeroServiceID,
	hostwinds.ActionGetInstanceFirewall:    zeroServiceID,
	hostwinds.ActionSetInstanceFirewall:    zeroServiceID,
	hostwinds.ActionGetInstanceMaintenance: zeroServiceID,
}

// RefusedError is a request that the probe's allow-list does not contain. The request was
// not sent.
type RefusedError struct {
	Action string
	Params url.Values
}

func (e *RefusedError) Error() string {
	allowed, ok := allowedRequests[e.Action]
	if !ok {
		return fmt.Sprintf("refused to send action %s: it is not on the probe's allow-list of requests that cannot change anything", e.Action)
	}
	return fmt.Sprintf("refused to send action %s with parameters %q: the probe's allow-list permits only %q",
		e.Action, e.Params.Encode(), allowed.Encode())
}

// guard is the only path from the probe to the API: send checks each request against
// allowedRequests before the caller sees it.
type guard struct {
	caller Caller
}

// send passes the request to the caller when the allow-list contains the action with exactly
// these parameters, and returns a *RefusedError without sending anything otherwise.
func (g guard) send(ctx context.Context, action string, params url.Values, out any) error {
	if !allowed(action, params) {
		return &RefusedError{Action: action, Params: params}
	}
	return g.caller.CallAction(ctx, action, params, out)
}

// allowed reports whether the allow-list contains action with exactly params. Encode sorts
// the keys, so two parameter sets compare equal whatever their insertion order.
func allowed(action string, params url.Values) bool {
	want, ok := allowedRequests[action]
	if !ok {
		return false
	}
	return want.Encode() == params.Encode()
}

// AllowedActions returns the actions the probe may send, sorted by name.
func AllowedActions() []string {
	names := make([]string, 0, len(allowedRequests))
	for name := range allowedRequests {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
