package mesoslite

import "context"

// SetMaintenanceSchedule is the operator's UPDATE_MAINTENANCE_SCHEDULE. The
// machines (agent hostnames) of the windows go DRAINING: offers for their
// agents carry the window as unavailability, and every framework with
// resources offered or allocated there gets INVERSE_OFFERS, which it
// answers with ACCEPT_INVERSE_OFFERS or DECLINE_INVERSE_OFFERS (see
// MaintenanceStatus). Outstanding offers and inverse offers of machines
// whose unavailability changes are rescinded. Machines left out of the new
// schedule are UP again, unless they are DOWN, which is an error.
func (c *Cluster) SetMaintenanceSchedule(ctx context.Context, windows []MaintenanceWindow) error {
	c.opMu.Lock()
	defer c.opMu.Unlock()
	ws := cloneWindows(windows)
	return c.masterCall(ctx, func(m *Master) error { return m.updateSchedule(ws) })
}

// StartMaintenance is the operator's START_MAINTENANCE: the machines, which
// must be DRAINING, go DOWN. Their agents shut down every executor and are
// removed: each task gets TASK_LOST, REASON_AGENT_REMOVED, from the master,
// and every framework FAILURE{agent_id}.
func (c *Cluster) StartMaintenance(ctx context.Context, hosts ...string) error {
	c.opMu.Lock()
	defer c.opMu.Unlock()
	hs := append([]string(nil), hosts...)
	return c.masterCall(ctx, func(m *Master) error { return m.startMaintenance(hs) })
}

// StopMaintenance is the operator's STOP_MAINTENANCE: the machines, which
// must be DOWN, come UP and leave the schedule. Their agents start again as
// new agents, with new ids, as an operator restarting them would.
func (c *Cluster) StopMaintenance(ctx context.Context, hosts ...string) error {
	c.opMu.Lock()
	defer c.opMu.Unlock()
	hs := append([]string(nil), hosts...)
	var masterID string
	ids := map[*agentSlot]string{}
	err := c.masterCall(ctx, func(m *Master) error {
		if err := m.stopMaintenance(hs); err != nil {
			return err
		}
		masterID = m.id
		up := map[string]bool{}
		for _, h := range hs {
			up[h] = true
		}
		for _, slot := range c.agents {
			if up[slot.cfg.Hostname] {
				ids[slot] = m.newAgentID()
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for slot, id := range ids {
		a := slot.current()
		if a == nil {
			continue
		}
		slot.mu.Lock()
		slot.id = id
		slot.mu.Unlock()
		if err := a.mb.call(ctx, func() { a.handleRestartFresh(id, masterID) }); err != nil {
			return err
		}
	}
	return nil
}

// MaintenanceStatus is the operator's GET_MAINTENANCE_STATUS.
func (c *Cluster) MaintenanceStatus(ctx context.Context) (MaintenanceStatus, error) {
	var st MaintenanceStatus
	err := c.masterCall(ctx, func(m *Master) error {
		st = m.maintenanceStatus()
		return nil
	})
	return st, err
}
