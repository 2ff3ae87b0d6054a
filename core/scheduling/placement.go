package scheduling

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/sdk"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// noOffers is the pending reason when no offer was held at all.
const noOffers = "No offers available"

// launch is one ACCEPT to send after the assignments are committed.
type launch struct {
	offer *heldOffer
	task  *state.Task
}

// schedule runs one placement round over every pending task.
func (s *Scheduler) schedule(ctx context.Context) {
	pending, err := s.store.TasksInStatus(taskstate.Pending)
	if err != nil {
		s.logger.Error("cannot read pending tasks", "error", err)
		return
	}
	reasons := map[string]string{}
	if len(pending) == 0 {
		s.setReasons(reasons)
		return
	}
	s.mu.Lock()
	offers := s.offers.sorted()
	hosts := make(map[string]map[string][]string, len(s.hosts))
	for k, v := range s.hosts {
		hosts[k] = v
	}
	s.mu.Unlock()

	used := map[string]bool{}
	var launches []launch
	var assign changes
	s.writeMu.Lock()
	now := s.cfg.Now()
	s.mu.Lock()
	previous := s.reasons
	s.mu.Unlock()
	for _, group := range groupTasks(pending) {
		if b := s.backoff[group.key]; b != nil && now.Before(b.next) {
			// Not yet: keep what the last attempt found.
			for _, t := range group.tasks {
				reasons[t.ID] = previous[t.ID]
			}
			continue
		}
		placed := s.placeGroup(ctx, group, offers, hosts, used, reasons)
		s.noteAttempt(group.key, len(placed) > 0, now)
		// With no offer to look at, the last veto is still the best
		// explanation (Aurora's nearest fit outlives empty rounds).
		for _, t := range group.tasks {
			if reasons[t.ID] == noOffers && previous[t.ID] != "" {
				reasons[t.ID] = previous[t.ID]
			}
		}
		for _, l := range placed {
			siblings, _ := s.store.TasksOfJob(l.task.JobKey)
			orig := group.byID[l.task.ID]
			if err := s.transition(&assign, orig, taskstate.Assigned, "", siblings); err != nil {
				s.logger.Error("cannot assign task", "task_id", orig.ID, "error", err)
				continue
			}
			// transition copied the pending task; put the placement on it.
			next := assign.save[len(assign.save)-1]
			next.AgentID, next.Host, next.Ports = l.task.AgentID, l.task.Host, l.task.Ports
			launches = append(launches, launch{offer: l.offer, task: next})
		}
	}
	ok := s.commit(ctx, &assign)
	s.writeMu.Unlock()
	s.setReasons(reasons)
	if !ok || len(launches) == 0 {
		return
	}
	s.mu.Lock()
	for _, l := range launches {
		s.offers.remove(l.offer.offer.ID.Value)
	}
	s.mu.Unlock()
	for _, l := range launches {
		s.launch(ctx, l)
	}
}

// launch sends the ACCEPT for one assigned task. If it cannot be sent the
// task is LOST, which reschedules it.
func (s *Scheduler) launch(ctx context.Context, l launch) {
	info, err := s.taskInfo(l.task, l.offer.offer.FrameworkID.Value)
	if err == nil {
		err = s.mesos.Accept(ctx, l.offer.offer.ID.Value, []mesos.TaskInfo{info}, s.cfg.OfferFilter)
	}
	if err == nil {
		s.logger.Info("task launched", "task_id", l.task.ID, "host", l.task.Host)
		return
	}
	s.logger.Warn("launch failed; marking the task LOST", "task_id", l.task.ID, "error", err)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	cur, _ := s.store.Task(l.task.ID)
	siblings, _ := s.store.TasksOfJob(l.task.JobKey)
	if cur == nil {
		return
	}
	var c changes
	if err := s.transition(&c, cur, taskstate.Lost, "Launch failed: "+err.Error(), siblings); err == nil {
		s.commit(ctx, &c)
	}
}

// taskGroup is pending tasks with identical configuration.
type taskGroup struct {
	key   string
	tasks []*state.Task
	byID  map[string]*state.Task
}

func groupTasks(pending []*state.Task) []*taskGroup {
	byKey := map[string]*taskGroup{}
	for _, t := range pending {
		if t.Config == nil {
			continue
		}
		g, ok := byKey[t.JobKey]
		if !ok {
			g = &taskGroup{key: t.JobKey, byID: map[string]*state.Task{}}
			byKey[t.JobKey] = g
		}
		g.tasks = append(g.tasks, t)
		g.byID[t.ID] = t
	}
	out := make([]*taskGroup, 0, len(byKey))
	for _, g := range byKey {
		sort.Slice(g.tasks, func(i, j int) bool { return g.tasks[i].Instance < g.tasks[j].Instance })
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// placeGroup picks offers for a group's tasks: first by resources, then
// through one constraint plugin call over every candidate host.
func (s *Scheduler) placeGroup(ctx context.Context, g *taskGroup, offers []*heldOffer,
	hosts map[string]map[string][]string, used map[string]bool, reasons map[string]string) []launch {
	job := g.tasks[0].Config
	res := job.Task.Resources
	needCPU := res.CPU + s.cfg.Executor.CPUs
	needMem := res.RAMMB() + s.cfg.Executor.MemMB
	needDisk := res.DiskMB()
	var candidates []*heldOffer
	var shortfalls []string
	for _, o := range offers {
		if used[o.offer.ID.Value] {
			continue
		}
		short := shortfall(o, needCPU, needMem, needDisk, len(res.Ports))
		if short == "" {
			candidates = append(candidates, o)
		} else {
			shortfalls = append(shortfalls, short)
		}
	}
	setAll := func(reason string) {
		for _, t := range g.tasks {
			reasons[t.ID] = reason
		}
	}
	if len(candidates) == 0 {
		if len(shortfalls) == 0 {
			setAll(noOffers)
		} else {
			setAll("Insufficient resources: " + nearest(shortfalls))
		}
		return nil
	}
	constraints, err := job.ParsedConstraints()
	if err != nil {
		setAll(err.Error())
		return nil
	}
	siblings, _ := s.store.TasksOfJob(g.key)
	active := activeAggregate(siblings, constraints, hosts)
	req := &sdk.FilterRequest{
		Group:       sdk.TaskGroup{Role: job.Key.Role, Environment: job.Key.Environment, Job: job.Key.Name, Constraints: toSDK(constraints)},
		ActiveTasks: active,
	}
	for _, o := range candidates {
		req.Hosts = append(req.Hosts, sdk.Host{ID: o.offer.AgentID.Value, Hostname: o.offer.Hostname, Attributes: hosts[o.offer.AgentID.Value]})
	}
	fctx, cancel := context.WithTimeout(ctx, s.cfg.FilterTimeout)
	resp, err := s.constraints.Filter(fctx, req)
	cancel()
	if err == nil && len(resp.Results) != len(req.Hosts) {
		err = fmt.Errorf("constraint plugin answered for %d hosts, asked about %d", len(resp.Results), len(req.Hosts))
	}
	if err != nil {
		// Fail closed: a constraint we cannot evaluate places nothing.
		s.logger.Warn("constraint plugin failed; placing nothing for the group", "job", g.key, "error", err)
		setAll("Constraint plugin unavailable: " + err.Error())
		return nil
	}
	var fit []*heldOffer
	var vetoes []string
	for i, r := range resp.Results {
		if len(r.Vetoes) == 0 {
			fit = append(fit, candidates[i])
			continue
		}
		vetoes = append(vetoes, r.Vetoes[0].Reason)
	}
	var placed []launch
	for _, t := range g.tasks {
		o := pickOffer(fit, used, constraints, active, hosts)
		if o == nil {
			if len(vetoes) > 0 {
				reasons[t.ID] = nearest(vetoes)
			} else {
				reasons[t.ID] = "Insufficient resources: no offer left this round"
			}
			continue
		}
		used[o.offer.ID.Value] = true
		ports, _ := o.takePorts(len(res.Ports))
		a := t.Copy()
		a.AgentID, a.Host = o.offer.AgentID.Value, o.offer.Hostname
		if len(ports) > 0 {
			a.Ports = map[string]uint64{}
			for i, name := range res.Ports {
				a.Ports[name] = ports[i]
			}
		}
		count(active, constraints, hosts[a.AgentID])
		placed = append(placed, launch{offer: o, task: a})
	}
	return placed
}

// pickOffer returns the first unused offer that keeps every limit
// constraint within bounds once this task is added.
func pickOffer(fit []*heldOffer, used map[string]bool, cs []spec.Constraint, active map[string]map[string]int32, hosts map[string]map[string][]string) *heldOffer {
next:
	for _, o := range fit {
		if used[o.offer.ID.Value] {
			continue
		}
		attrs := hosts[o.offer.AgentID.Value]
		for _, c := range cs {
			if c.Limit == 0 {
				continue
			}
			for _, v := range attrs[c.Name] {
				if active[c.Name][v] >= int32(c.Limit) {
					continue next
				}
			}
		}
		return o
	}
	return nil
}

// activeAggregate counts the job's live tasks per value of every
// constrained attribute, as Aurora's AttributeAggregate does.
func activeAggregate(tasks []*state.Task, cs []spec.Constraint, hosts map[string]map[string][]string) map[string]map[string]int32 {
	agg := map[string]map[string]int32{}
	for _, c := range cs {
		agg[c.Name] = map[string]int32{}
	}
	for _, t := range tasks {
		if t.AgentID == "" || !t.Status.OnAgent() {
			continue
		}
		count(agg, cs, hosts[t.AgentID])
	}
	return agg
}

func count(agg map[string]map[string]int32, cs []spec.Constraint, attrs map[string][]string) {
	for _, c := range cs {
		for _, v := range attrs[c.Name] {
			agg[c.Name][v]++
		}
	}
}

func toSDK(cs []spec.Constraint) []sdk.Constraint {
	out := make([]sdk.Constraint, len(cs))
	for i, c := range cs {
		out[i] = sdk.Constraint{Name: c.Name, Values: c.Values, Negated: c.Negated, Limit: int32(c.Limit)}
	}
	return out
}

// shortfall names what an offer lacks for a task, or "" if it fits.
func shortfall(o *heldOffer, cpu, mem, disk float64, ports int) string {
	var miss []string
	if o.cpus < cpu {
		miss = append(miss, fmt.Sprintf("cpus (%.2f < %.2f)", o.cpus, cpu))
	}
	if o.mem < mem {
		miss = append(miss, fmt.Sprintf("ram (%.0fMB < %.0fMB)", o.mem, mem))
	}
	if o.disk < disk {
		miss = append(miss, fmt.Sprintf("disk (%.0fMB < %.0fMB)", o.disk, disk))
	}
	if o.portCount() < uint64(ports) {
		miss = append(miss, fmt.Sprintf("ports (%d < %d)", o.portCount(), ports))
	}
	return strings.Join(miss, ", ")
}

// nearest picks the most common reason among hosts as the pending reason.
func nearest(reasons []string) string {
	counts := map[string]int{}
	best := ""
	for _, r := range reasons {
		counts[r]++
		if counts[r] > counts[best] || (counts[r] == counts[best] && r < best) {
			best = r
		}
	}
	return best
}

func (s *Scheduler) setReasons(r map[string]string) {
	s.mu.Lock()
	s.reasons = r
	s.mu.Unlock()
}

// groupBackoff spaces out attempts to place a group that did not fit.
type groupBackoff struct {
	penalty time.Duration
	next    time.Time
}

// noteAttempt resets a group's backoff after it placed something, and
// doubles it (from the initial to the maximum penalty) after it did not.
// Only the scheduling loop calls it.
func (s *Scheduler) noteAttempt(key string, placed bool, now time.Time) {
	if placed {
		delete(s.backoff, key)
		return
	}
	b := s.backoff[key]
	if b == nil {
		b = &groupBackoff{penalty: s.cfg.InitialSchedulePenalty}
		s.backoff[key] = b
	} else if b.penalty *= 2; b.penalty > s.cfg.MaxSchedulePenalty {
		b.penalty = s.cfg.MaxSchedulePenalty
	}
	b.next = now.Add(b.penalty)
}
