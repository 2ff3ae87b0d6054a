package scheduling

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
	"github.com/aurora-go/aurora/sdk"
)

// noOffers is the pending reason when no offer was held at all.
const noOffers = "No offers available"

// placement is a task placed on an offer in this round: the pending task
// as placement read it, and the ports it took.
type placement struct {
	offer   *roundOffer
	pending *state.Task
	ports   map[string]uint64
}

// schedule runs one placement round over every pending task. Placement
// reads the store and asks the constraint plugins without writeMu, so
// job submissions and kills are not held up by plugin calls; assign then
// commits what is still valid.
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
	offers := newRound(s.offers.sorted())
	for _, o := range offers {
		o.gen = s.hostGens[o.offer.AgentID.Value]
	}
	hosts := make(map[string]map[string][]string, len(s.hosts))
	for k, v := range s.hosts {
		hosts[k] = v
	}
	previous := s.reasons
	s.mu.Unlock()

	var placed []placement
	var starved []demand // the needs of groups left short of room
	now := s.cfg.Now()
	for _, group := range groupTasks(pending) {
		if b := s.backoff[group.key]; b != nil && now.Before(b.next) {
			// Not yet: keep what the last attempt found.
			for _, t := range group.tasks {
				reasons[t.ID] = previous[t.ID]
			}
			continue
		}
		got := s.placeGroup(ctx, group, offers, hosts, reasons)
		placed = append(placed, got...)
		if group.starved {
			starved = append(starved, group.need)
		}
		// A group that found no offer with room is blocked on capacity,
		// not backed off: no constraint was evaluated, and the next offers
		// (new capacity) prompt a round, as Nomad unblocks blocked
		// evaluations when capacity changes. A group its constraints kept
		// from the offers gets Aurora's growing penalty.
		if len(got) > 0 || !group.noRoom {
			s.noteAttempt(group.key, len(got) > 0, now)
		}
		// With no offer to look at, the last veto is still the best
		// explanation (Aurora's nearest fit outlives empty rounds).
		for _, t := range group.tasks {
			if reasons[t.ID] == noOffers && previous[t.ID] != "" {
				reasons[t.ID] = previous[t.ID]
			}
		}
	}
	launches, ok := s.assign(ctx, placed)
	s.setReasons(reasons)
	if ok && len(launches) > 0 {
		s.mu.Lock()
		for o := range launches {
			s.offers.remove(o.offer.ID.Value)
		}
		s.refusals.inFlight += len(launches)
		s.mu.Unlock()
		// One ACCEPT per offer, built in offer order so launches are
		// deterministic, sent by Run's senders while the loop goes on.
		var sends []func()
		for _, o := range offers {
			if tasks := launches[o]; len(tasks) > 0 {
				sends = append(sends, func() { s.launch(ctx, o, tasks) })
			}
		}
		s.enqueue(ctx, sends)
	}
	s.reviveFor(ctx, starved)
}

// assign commits the placed tasks PENDING -> ASSIGNED with their agents,
// hosts and ports, in one log entry, and returns them by offer. A task
// that changed after placement read it (killed, say) is left out: a
// stored task is never modified, only replaced, so it is unchanged if the
// store still holds the same one.
func (s *Scheduler) assign(ctx context.Context, placed []placement) (map[*roundOffer][]*state.Task, bool) {
	if len(placed) == 0 {
		return nil, true
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var c changes
	launches := map[*roundOffer][]*state.Task{}
	for _, p := range placed {
		if cur, _ := s.store.Task(p.pending.ID); cur != p.pending {
			continue
		}
		// PENDING -> ASSIGNED has no side effects: no siblings needed.
		if err := s.transition(&c, p.pending, taskstate.Assigned, "", nil); err != nil {
			s.logger.Error("cannot assign task", "task_id", p.pending.ID, "error", err)
			continue
		}
		// transition copied the pending task; put the placement on it.
		next := c.save[len(c.save)-1]
		next.AgentID, next.Host, next.Ports = p.offer.offer.AgentID.Value, p.offer.offer.Hostname, p.ports
		launches[p.offer] = append(launches[p.offer], next)
	}
	return launches, s.commit(ctx, &c)
}

// launch sends one ACCEPT with every task placed on the offer. If it
// cannot be sent the tasks are LOST, which reschedules them.
func (s *Scheduler) launch(ctx context.Context, o *roundOffer, tasks []*state.Task) {
	err := s.accept(ctx, o, tasks)
	s.launched(o.offer.AgentID.Value, o.room(), err == nil)
	if err == nil {
		for _, t := range tasks {
			s.logger.Info("task launched", "task_id", t.ID, "host", t.Host)
		}
		return
	}
	s.logger.Warn("launch failed; marking the tasks LOST", "offer", o.offer.ID.Value, "tasks", len(tasks), "error", err)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var c changes
	for _, t := range tasks {
		cur, _ := s.store.Task(t.ID)
		if cur == nil {
			continue
		}
		siblings, _ := s.store.TasksOfJob(t.JobKey)
		if err := s.transition(&c, cur, taskstate.Lost, "Launch failed: "+err.Error(), siblings); err != nil {
			s.logger.Error("cannot mark task LOST", "task_id", t.ID, "error", err)
		}
	}
	s.commit(ctx, &c)
}

// accept sends the ACCEPT that launches tasks on o; the master refuses
// the rest of the offer for OfferFilter.
func (s *Scheduler) accept(ctx context.Context, o *roundOffer, tasks []*state.Task) error {
	infos := make([]mesos.TaskInfo, 0, len(tasks))
	for _, t := range tasks {
		info, err := s.taskInfo(t, o.offer.FrameworkID.Value)
		if err != nil {
			return err
		}
		infos = append(infos, info)
	}
	return s.mesos.Accept(ctx, o.offer.ID.Value, infos, s.cfg.OfferFilter)
}

// taskGroup is pending tasks with identical configuration.
type taskGroup struct {
	key   string
	tasks []*state.Task
	// noRoom: the last placement found no offer with room for the group's
	// tasks (or no offer at all), so no constraint was evaluated.
	noRoom bool
	// starved: some task found no offer with room (noRoom, or the offers
	// ran out) and no veto; need is what each task takes from an offer.
	starved bool
	need    demand
}

func groupTasks(pending []*state.Task) []*taskGroup {
	byKey := map[string]*taskGroup{}
	for _, t := range pending {
		if t.Config == nil {
			continue
		}
		g, ok := byKey[t.JobKey]
		if !ok {
			g = &taskGroup{key: t.JobKey}
			byKey[t.JobKey] = g
		}
		g.tasks = append(g.tasks, t)
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
// through one constraint plugin call over every candidate host. A group's
// tasks are spread one per offer first, as Aurora does; what is left is
// packed onto offers that still have room, so a few agents can start many
// tasks in one round. The spread is per group: groups placed in the same
// round share offers, so a round leaves as many offers untouched as it
// can (Mesos offers an accepted offer's leftovers again only after the
// next allocation).
func (s *Scheduler) placeGroup(ctx context.Context, g *taskGroup, offers []*roundOffer,
	hosts map[string]map[string][]string, reasons map[string]string) []placement {
	job := g.tasks[0].Config
	res := job.Task.Resources
	need := demand{cpu: res.CPU + s.cfg.Executor.CPUs, mem: res.RAMMB() + s.cfg.Executor.MemMB, disk: res.DiskMB(), ports: len(res.Ports)}
	g.need = need
	var candidates []*roundOffer
	for _, o := range offers {
		if o.fits(need) {
			candidates = append(candidates, o)
		}
	}
	var shortfalls []string
	if len(candidates) == 0 {
		for _, o := range offers {
			shortfalls = append(shortfalls, o.shortfall(need))
		}
	}
	setAll := func(reason string) {
		for _, t := range g.tasks {
			reasons[t.ID] = reason
		}
	}
	if len(candidates) == 0 {
		g.noRoom, g.starved = true, true
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
		Group:       sdk.TaskGroup{Role: job.Key.Role, Environment: job.Key.Environment, Job: job.Key.Name, Constraints: toSDK(constraints), Placements: placementArgs(job)},
		ActiveTasks: active,
	}
	for _, o := range candidates {
		req.Hosts = append(req.Hosts, sdk.Host{ID: o.offer.AgentID.Value, Hostname: o.offer.Hostname,
			Attributes: hosts[o.offer.AgentID.Value], Generation: o.gen})
	}
	// filter asks the constraint plugins about every candidate, with the
	// job's active tasks as they are now.
	filter := func() (fit []*roundOffer, vetoes []string, ok bool) {
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
			return nil, nil, false
		}
		var fitHosts []sdk.Host
		for i, r := range resp.Results {
			if len(r.Vetoes) == 0 {
				fit = append(fit, candidates[i])
				fitHosts = append(fitHosts, req.Hosts[i])
				continue
			}
			vetoes = append(vetoes, r.Vetoes[0].Reason)
		}
		return s.rank(ctx, g.key, req, fit, fitHosts), vetoes, true
	}
	fit, vetoes, ok := filter()
	if !ok {
		return nil
	}
	var placed []placement
	var left []*state.Task
	place := func(t *state.Task, o *roundOffer) {
		p := placement{offer: o, pending: t}
		if got := o.take(need); len(got) > 0 {
			p.ports = map[string]uint64{}
			for i, name := range res.Ports {
				p.ports[name] = got[i]
			}
		}
		o.usedBy = g.key
		count(active, constraints, hosts[o.offer.AgentID.Value])
		placed = append(placed, p)
	}
	// unplaced gives a task no offer took its reason: the nearest veto,
	// else the limit constraint the tasks placed this round filled (on
	// every offer with room left), else that the offers ran out.
	unplaced := func(t *state.Task, limited string) {
		switch {
		case len(vetoes) > 0:
			reasons[t.ID] = nearest(vetoes)
		case limited != "":
			reasons[t.ID] = limitReason + limited
		default:
			reasons[t.ID] = "Insufficient resources: no offer left this round"
			g.starved = true
		}
	}
	if len(job.Placements) > 0 {
		// Site plugins judge each placement against the tasks placed so
		// far (a spread's skew changes with every task), so the plugins
		// are asked again before each task of the group.
		for i, t := range g.tasks {
			if i > 0 {
				if fit, vetoes, ok = filter(); !ok {
					return placed
				}
			}
			o, _ := pickOffer(fit, need, g.key, constraints, active, hosts)
			var limited string
			if o == nil {
				o, limited = pickOffer(fit, need, "", constraints, active, hosts)
			}
			if o == nil {
				unplaced(t, limited)
				continue
			}
			place(t, o)
		}
		return placed
	}
	// An offer passed over for one task of the group stays unusable for
	// the group's later tasks (placing only takes room and raises the
	// limit counts), so each phase makes one pass over fit.
	spread := offerCursor{fit: fit, spreading: g.key}
	for _, t := range g.tasks { // spread: one task per offer
		if o := spread.pick(need, constraints, active, hosts); o != nil {
			place(t, o)
		} else {
			left = append(left, t)
		}
	}
	pack := offerCursor{fit: fit}
	for _, t := range left { // pack what is left onto offers with room
		o := pack.pick(need, constraints, active, hosts)
		if o == nil {
			unplaced(t, cmp.Or(pack.limited, spread.limited))
			continue
		}
		place(t, o)
	}
	return placed
}

// rank orders fit, the offers no plugin vetoed (on fitHosts), by the
// constraint plugins' scores, highest first, keeping the offer order among
// equal scores. Without scoring plugins, or when scoring fails, fit is
// returned as it is.
func (s *Scheduler) rank(ctx context.Context, job string, req *sdk.FilterRequest, fit []*roundOffer, fitHosts []sdk.Host) []*roundOffer {
	scorer, ok := s.constraints.(Scorer)
	if !ok || len(fit) < 2 {
		return fit
	}
	sctx, cancel := context.WithTimeout(ctx, s.cfg.FilterTimeout)
	resp, err := scorer.Score(sctx, &sdk.ScoreRequest{Group: req.Group, ActiveTasks: req.ActiveTasks, Hosts: fitHosts})
	cancel()
	if errors.Is(err, sdk.ErrUnimplemented) {
		return fit
	}
	if err == nil && len(resp.Scores) != len(fit) {
		err = fmt.Errorf("%d scores for %d hosts", len(resp.Scores), len(fit))
	}
	if err != nil {
		s.logger.Warn("constraint plugins could not score hosts; placing in offer order", "job", job, "error", err)
		return fit
	}
	order := make([]int, len(fit))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(resp.Scores[b].Score, resp.Scores[a].Score) })
	ranked := make([]*roundOffer, len(fit))
	for i, j := range order {
		ranked[i] = fit[j]
	}
	return ranked
}

// limitReason starts the pending reason of a task a limit constraint
// keeps off every offer, as the limit plugin words its veto.
const limitReason = "Limit not satisfied: "

// pickOffer returns the first offer with room for the task that keeps
// every limit constraint within bounds once the task is added; with
// spreading set to a group, only offers that group has not used this
// round. With none, it names the limit that kept an offer with room from
// the task, if one did.
func pickOffer(fit []*roundOffer, need demand, spreading string, cs []spec.Constraint, active map[string]map[string]int32, hosts map[string]map[string][]string) (*roundOffer, string) {
	c := offerCursor{fit: fit, spreading: spreading}
	return c.pick(need, cs, active, hosts), c.limited
}

// offerCursor picks offers for the tasks of one group in a single pass
// over fit: pick returns the first usable offer at or after the last one
// it returned, which stays current while it has room.
type offerCursor struct {
	fit       []*roundOffer
	next      int
	spreading string
	// limited is the limit constraint that last kept an offer with room
	// from a task.
	limited string
}

// pick returns the next offer that has room for need (and, with
// spreading set, holds no task of that group yet this round) and keeps
// every limit constraint within bounds once the task is added.
func (c *offerCursor) pick(need demand, cs []spec.Constraint, active map[string]map[string]int32, hosts map[string]map[string][]string) *roundOffer {
	for ; c.next < len(c.fit); c.next++ {
		o := c.fit[c.next]
		if (c.spreading != "" && o.usedBy == c.spreading) || !o.fits(need) {
			continue
		}
		if name := overLimit(hosts[o.offer.AgentID.Value], cs, active); name != "" {
			c.limited = name
			continue
		}
		return o
	}
	return nil
}

// overLimit names the limit constraint one more task on a host with attrs
// would break, or "".
func overLimit(attrs map[string][]string, cs []spec.Constraint, active map[string]map[string]int32) string {
	for _, c := range cs {
		if c.Limit == 0 {
			continue
		}
		for _, v := range attrs[c.Name] {
			if active[c.Name][v] >= int32(c.Limit) {
				return c.Name
			}
		}
	}
	return ""
}

// activeAggregate counts the job's live tasks per value of every host
// attribute, as Aurora's AttributeAggregate does: the constrained ones
// (present even when empty) and every other, for site plugins such as a
// zone spread.
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

// count adds one task on a host with attrs to agg.
func count(agg map[string]map[string]int32, _ []spec.Constraint, attrs map[string][]string) {
	for name, values := range attrs {
		m := agg[name]
		if m == nil {
			m = map[string]int32{}
			agg[name] = m
		}
		for _, v := range values {
			m[v]++
		}
	}
}

// placementArgs maps each placement block of job to its arguments.
func placementArgs(job *spec.Job) map[string]json.RawMessage {
	if len(job.Placements) == 0 {
		return nil
	}
	out := make(map[string]json.RawMessage, len(job.Placements))
	for _, p := range job.Placements {
		out[p.Name] = p.Config
	}
	return out
}

func toSDK(cs []spec.Constraint) []sdk.Constraint {
	out := make([]sdk.Constraint, len(cs))
	for i, c := range cs {
		out[i] = sdk.Constraint{Name: c.Name, Values: c.Values, Negated: c.Negated, Limit: int32(c.Limit)}
	}
	return out
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
