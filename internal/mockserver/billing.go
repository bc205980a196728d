package mockserver

import (
	"fmt"
	"math"
	"slices"
)

// upgradeInstance creates an upgrade order. The mock treats the invoice as
// paid at once, as for an account with credit or automatic payment.
func (s *Server) upgradeInstance(req *request) response {
	rec, errResp := s.changeableInstance(req, true)
	if errResp != nil {
		return *errResp
	}
	rid, ok := req.form.getInt("rid")
	if !ok {
		return invalidParam(req, "rid")
	}
	plan, ok := s.st.plan(rid)
	if !ok {
		return invalidParam(req, "rid")
	}
	if rec.upgradeRID != 0 {
		return fail(req, codeConflict, "An upgrade order is already pending.")
	}
	if rid == rec.inst.ProductID {
		return fail(req, codeConflict, "The instance already has this plan.")
	}
	if plan.Disk < rec.inst.Disk {
		return fail(req, codeConflict, msgDisksOnlyGrow)
	}
	rec.upgradeRID = rid
	return done(req, "Upgrade order created and paid.")
}

func (s *Server) checkUpgradeOrder(req *request) response {
	rec, errResp := s.lookupInstance(req)
	if errResp != nil {
		return *errResp
	}
	if rec.upgradeRID == 0 {
		return readResponse(map[string]any{"pending": false})
	}
	return readResponse(map[string]any{"pending": true, "rid": rec.upgradeRID})
}

// checkUpgradeReboot always returns true: every resize of the mock reboots.
func (s *Server) checkUpgradeReboot(req *request) response {
	if _, errResp := s.lookupInstance(req); errResp != nil {
		return *errResp
	}
	return readResponse(true)
}

func (s *Server) upgradeServer(req *request) response {
	rec, errResp := s.changeableInstance(req, false)
	if errResp != nil {
		return *errResp
	}
	if rec.upgradeRID == 0 {
		return fail(req, codeConflict, "No upgrade order is pending.")
	}
	if rec.inst.Status != "ACTIVE" && rec.inst.Status != "SHUTOFF" {
		return statusConflict(req, rec)
	}
	target, ok := s.st.plan(rec.upgradeRID)
	if !ok {
		return fail(req, codeConflict, "The plan of the upgrade order no longer exists.")
	}
	taskError := req.taskError
	s.st.startTask(rec, "RESIZE", "resize_migrating", s.cfg.TaskDelay, func(st *state, rec *instanceRecord) {
		if taskError {
			rec.setError()
			return
		}
		previous := st.planOf(rec)
		rec.previousPlan = &previous
		rec.applyPlan(target)
		rec.setIdle("RESIZED", "resized", "Running")
	})
	return done(req, "Server is being upgraded.")
}

func (s *Server) confirmUpgrade(req *request) response {
	rec, errResp := s.changeableInstance(req, false)
	if errResp != nil {
		return *errResp
	}
	if rec.inst.Status != "RESIZED" {
		return statusConflict(req, rec)
	}
	rec.upgradeRID = 0
	rec.previousPlan = nil
	rec.setIdle("ACTIVE", "active", "Running")
	return done(req, "Upgrade confirmed.")
}

func (s *Server) revertUpgrade(req *request) response {
	rec, errResp := s.changeableInstance(req, false)
	if errResp != nil {
		return *errResp
	}
	if rec.inst.Status != "RESIZED" {
		return statusConflict(req, rec)
	}
	if rec.previousPlan != nil {
		rec.applyPlan(*rec.previousPlan)
	}
	rec.upgradeRID = 0
	rec.previousPlan = nil
	rec.setIdle("ACTIVE", "active", "Running")
	return done(req, "Upgrade reverted.")
}

func (s *Server) changeBillingCycle(req *request) response {
	rec, errResp := s.changeableInstance(req, true)
	if errResp != nil {
		return *errResp
	}
	cycle := req.form.get("billingcycle")
	if !slices.Contains(BillingCycles, cycle) {
		return invalidParam(req, "billingcycle")
	}
	rec.inst.BillingCycle = cycle
	return done(req, "Billing cycle changed.")
}

// setManaged serves upgrade_to_managed and downgrade_to_unmanaged. Asking
// for the current level succeeds without a change, like boot on a running
// instance.
func (s *Server) setManaged(req *request) response {
	rec, errResp := s.changeableInstance(req, true)
	if errResp != nil {
		return *errResp
	}
	rec.inst.Managed = req.action == "upgrade_to_managed"
	if rec.inst.Managed {
		return done(req, "Server is now managed.")
	}
	return done(req, "Server is now unmanaged.")
}

// priceEntry is one option of get_price_list. Every value is a string, as
// on the wire.
type priceEntry struct {
	ID           string `json:"id"`
	RID          string `json:"rid"`
	Name         string `json:"name"`
	RAM          string `json:"ram"`
	CPU          string `json:"cpu"`
	Disk         string `json:"disk"`
	Bandwidth    string `json:"bandwidth"`
	Monthly      string `json:"monthly"`
	Quarterly    string `json:"quarterly"`
	Semiannually string `json:"semiannually"`
	Annually     string `json:"annually"`
	Biennially   string `json:"biennially"`
	Triennially  string `json:"triennially"`
}

// cyclePrice returns the price of months at monthly with a discount factor,
// rounded to cents and formatted with two decimals.
func cyclePrice(monthly float64, months int, factor float64) string {
	cents := math.Round(monthly * float64(months) * factor * 100)
	return fmt.Sprintf("%.2f", cents/100)
}

// getPriceList returns managed prices unless managed=0, the documented default.
func (s *Server) getPriceList(req *request) response {
	managed := true
	if req.form.has("managed") {
		switch req.form.get("managed") {
		case "0":
			managed = false
		case "1":
		default:
			return invalidParam(req, "managed")
		}
	}
	if req.form.has("drive_type") && req.form.get("drive_type") != "ssd" {
		return invalidParam(req, "drive_type")
	}
	if req.form.has("serviceid") {
		if _, errResp := s.lookupInstance(req); errResp != nil {
			return *errResp
		}
	}
	if req.form.has("disk") {
		if _, ok := req.form.getInt("disk"); !ok {
			return invalidParam(req, "disk")
		}
	}

	list := map[string]priceEntry{}
	for _, p := range s.st.plans {
		monthly := p.MonthlyUSD
		if managed {
			monthly += ManagedSurchargeUSD
		}
		list[p.Key] = priceEntry{
			ID:           fmt.Sprint(p.OptionID),
			RID:          fmt.Sprint(p.RID),
			Name:         p.Name,
			RAM:          fmt.Sprint(p.RAM),
			CPU:          fmt.Sprint(p.CPU),
			Disk:         fmt.Sprint(p.Disk),
			Bandwidth:    fmt.Sprint(p.Bandwidth),
			Monthly:      cyclePrice(monthly, 1, 1),
			Quarterly:    cyclePrice(monthly, 3, 1),
			Semiannually: cyclePrice(monthly, 6, 0.95),
			Annually:     cyclePrice(monthly, 12, 0.90),
			Biennially:   cyclePrice(monthly, 24, 0.85),
			Triennially:  cyclePrice(monthly, 36, 0.80),
		}
	}
	return readResponse(list)
}

func (s *Server) getLocations(req *request) response {
	return readResponse(slices.Clone(s.st.locations))
}

func (s *Server) getPublicImages(req *request) response {
	return readResponse(slices.Clone(s.st.images))
}
