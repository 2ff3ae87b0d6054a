package mesoslite

import (
	"context"
	"sort"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// offerFilter is a RefusedOfferFilter: while it lasts, the framework is not
// offered any resources on the agent that the refused set contains.
type offerFilter struct {
	resources resVec
	expires   time.Time
}

// refuse installs a filter for resources the framework declined or left
// unused, per Filters.refuse_seconds (see refuseDuration).
func (m *Master) refuse(fw *framework, agentID string, res resVec, filters *mesos.Filters) {
	if len(res) == 0 {
		return
	}
	d := refuseDuration(filters, m.cfg.AllocationInterval)
	if d == 0 {
		return
	}
	fw.filters[agentID] = append(fw.filters[agentID], &offerFilter{resources: res.clone(), expires: m.clock.Now().Add(d)})
}

// refuseDuration is how long Filters.refuse_seconds refuses: 5 s when absent,
// negative or NaN, capped at a year, at least one allocation interval, and
// nothing for 0.
func refuseDuration(filters *mesos.Filters, interval time.Duration) time.Duration {
	secs := defaultRefuseSeconds
	if filters != nil && filters.RefuseSeconds != nil {
		secs = *filters.RefuseSeconds
	}
	switch {
	case secs != secs || secs < 0: // NaN or negative
		secs = defaultRefuseSeconds
	case secs > maxRefuseSeconds:
		secs = maxRefuseSeconds
	}
	if secs == 0 {
		return 0
	}
	d := secondsDuration(secs)
	if d < interval {
		d = interval
	}
	return d
}

// filtered reports whether an offer of res on the agent is refused by a live
// filter (superset semantics: refused ⊇ res). Expired filters are dropped.
func (fw *framework) filtered(agentID string, res resVec, now time.Time) bool {
	fs := fw.filters[agentID]
	live := fs[:0]
	refused := false
	for _, f := range fs {
		if !now.Before(f.expires) {
			continue
		}
		live = append(live, f)
		if f.resources.contains(res) {
			refused = true
		}
	}
	if len(live) == 0 {
		delete(fw.filters, agentID)
	} else {
		fw.filters[agentID] = live
	}
	return refused
}

// revive handles REVIVE: the roles (all when empty) are unsuppressed and all
// of the framework's filters are cleared.
func (m *Master) revive(fw *framework, roles []string) {
	if len(roles) == 0 {
		roles = fw.roles()
	}
	for _, r := range roles {
		delete(fw.suppressed, r)
	}
	fw.filters = map[string][]*offerFilter{}
	m.requestAllocation()
}

// suppress handles SUPPRESS: no more offers for the roles (all when empty)
// until REVIVE. Outstanding offers stay valid.
func (m *Master) suppress(fw *framework, roles []string) {
	if len(roles) == 0 {
		roles = fw.roles()
	}
	for _, r := range roles {
		fw.suppressed[r] = true
	}
}

// requestAllocation runs an allocation right after the current message,
// coalescing requests, as the Mesos allocator batches event-triggered runs.
func (m *Master) requestAllocation() {
	if m.allocQueued {
		return
	}
	m.allocQueued = true
	m.mb.post(func() {
		m.allocQueued = false
		m.allocate()
	})
}

// runAllocationTimer triggers an allocation every AllocationInterval until ctx
// ends. It runs on its own goroutine, owned by the cluster.
func (m *Master) runAllocationTimer(ctx context.Context) {
	t := m.clock.NewTimer(m.cfg.AllocationInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			// One timed allocation at a time: when an allocation takes
			// longer than the interval (thousands of agents), queued ones
			// would pile up in the mailbox ahead of every call.
			if m.timedAllocQueued.CompareAndSwap(false, true) {
				m.mb.post(func() {
					m.timedAllocQueued.Store(false)
					m.allocate()
				})
			}
			t.Reset(m.cfg.AllocationInterval)
		}
	}
}

// allocate is one allocation cycle of the hierarchical allocator, reduced to
// unreserved resources: for each active agent, all its free resources go as a
// single offer to the first framework (lowest dominant share) that has an
// unsuppressed role and does not filter them. Then inverse offers go out for
// agents on scheduled machines.
func (m *Master) allocate() {
	if m.stopping {
		return
	}
	defer m.generateInverseOffers()
	var fws []*framework
	for _, fw := range m.sortedFrameworks() {
		if fw.connected() && fw.offerRole() != "" {
			fws = append(fws, fw)
		}
	}
	if len(fws) == 0 {
		return
	}
	// Dominant shares only order several frameworks; computing them walks
	// every task of the cluster.
	var sorter *drf
	if len(fws) > 1 {
		sorter = m.newDRF()
	}
	now := m.clock.Now()
	made := map[*framework][]mesos.Offer{}
	for _, aid := range m.agentOrder {
		a := m.agents[aid]
		if !a.active {
			continue
		}
		if !m.mayHaveAllocatable(a) {
			continue
		}
		avail := m.available(a)
		if !avail.allocatable() {
			continue
		}
		if sorter != nil {
			sort.SliceStable(fws, func(i, j int) bool { return sorter.share(fws[i].id) < sorter.share(fws[j].id) })
		}
		for _, fw := range fws {
			if fw.filtered(aid, avail, now) {
				continue
			}
			o := m.newOffer(fw, a, avail, fw.offerRole())
			made[fw] = append(made[fw], o.msg)
			if sorter != nil {
				sorter.add(fw.id, avail)
			}
			break
		}
	}
	for _, fw := range fws {
		if offers := made[fw]; len(offers) > 0 {
			m.log.Debug("sending offers", "framework_id", fw.id, "count", len(offers))
			fw.send(&scheduler.Event{Type: scheduler.Event_OFFERS, Offers: &scheduler.Event_Offers{Offers: offers}})
		}
	}
}

// mayHaveAllocatable is a cheap first test of available(a).allocatable():
// cpus and mem summed as plain numbers. Most agents of a busy cluster have
// everything offered or used, and the full resource arithmetic for each
// of thousands of agents at every allocation would occupy the master.
func (m *Master) mayHaveAllocatable(a *agentEntry) bool {
	cpus, mem := a.total.scalar("cpus"), a.total.scalar("mem")
	sub := func(rs resVec) {
		cpus -= rs.scalar("cpus")
		mem -= rs.scalar("mem")
	}
	for _, tasks := range a.tasks {
		for _, t := range tasks {
			if !isTerminal(t.state) {
				sub(t.resources)
			}
		}
	}
	for _, execs := range a.executors {
		for _, e := range execs {
			cpus -= scalarOf(e.Resources, "cpus")
			mem -= scalarOf(e.Resources, "mem")
		}
	}
	for _, o := range a.offers {
		sub(o.resources)
	}
	const slack = 1e-6 // float sums of what Resources adds exactly
	return cpus >= minAllocatableCPUs-slack || mem >= minAllocatableMem-slack
}

// usage is a framework's allocation of the two DRF resources.
type usage struct{ cpus, mem float64 }

func (u *usage) add(rs resVec) {
	u.cpus += rs.scalar("cpus")
	u.mem += rs.scalar("mem")
}

// drf ranks frameworks by dominant share (max of their cpus and mem shares of
// the cluster), as the DRF sorter of the hierarchical allocator.
type drf struct {
	totalCPUs, totalMem float64
	used                map[string]*usage
}

func (m *Master) newDRF() *drf {
	d := &drf{used: map[string]*usage{}}
	for _, a := range m.agents {
		d.totalCPUs += a.total.scalar("cpus")
		d.totalMem += a.total.scalar("mem")
		for fid, tasks := range a.tasks {
			for _, t := range tasks {
				if !isTerminal(t.state) {
					d.add(fid, t.resources)
				}
			}
		}
		for fid, execs := range a.executors {
			for _, e := range execs {
				d.add(fid, vecOf(e.Resources))
			}
		}
		for _, o := range a.offers {
			d.add(o.frameworkID, o.resources)
		}
	}
	return d
}

func (d *drf) add(frameworkID string, rs resVec) {
	u := d.used[frameworkID]
	if u == nil {
		u = &usage{}
		d.used[frameworkID] = u
	}
	u.add(rs)
}

func (d *drf) share(frameworkID string) float64 {
	u := d.used[frameworkID]
	if u == nil {
		return 0
	}
	s := 0.0
	if d.totalCPUs > 0 {
		s = u.cpus / d.totalCPUs
	}
	if d.totalMem > 0 && u.mem/d.totalMem > s {
		s = u.mem / d.totalMem
	}
	return s
}
