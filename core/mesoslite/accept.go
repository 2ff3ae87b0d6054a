package mesoslite

import (
	"errors"
	"fmt"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
)

// accept handles ACCEPT (Master::accept/_accept). Invalid offers fail every
// task in LAUNCH operations with TASK_LOST (TASK_DROPPED for PARTITION_AWARE)
// REASON_INVALID_OFFERS; invalid tasks get TASK_ERROR REASON_TASK_INVALID;
// valid ones become STAGING and go to the agent. What the operations leave of
// the offers is refused per the call's filters.
func (m *Master) accept(fw *framework, acc *scheduler.Call_Accept) {
	offers, agent, err := m.validateOffers(fw, acc.OfferIDs)
	if err != nil {
		m.log.Warn("ACCEPT with invalid offers", "framework_id", fw.id, "error", err)
		for _, oid := range acc.OfferIDs {
			if o := m.offers[oid.Value]; o != nil && o.frameworkID == fw.id {
				m.removeOffer(o, false)
			}
		}
		state := mesos.TASK_LOST
		if fw.partitionAware() {
			state = mesos.TASK_DROPPED
		}
		for _, t := range launchedTasks(acc.Operations) {
			agentID := t.AgentID
			fw.send(updateEvent(m.masterStatus(t.TaskID.Value, &agentID, state,
				mesos.REASON_INVALID_OFFERS, "Task launched with invalid offers: "+err.Error())))
		}
		return
	}

	var remaining resVec
	for _, o := range offers {
		remaining.addVec(o.resources)
		m.removeOffer(o, false)
	}
	l := &launchBatch{fw: fw, agent: agent, executors: map[string]*mesos.ExecutorInfo{}, tasks: map[string]bool{}}
	for _, op := range acc.Operations {
		switch op.Type {
		case mesos.Offer_Operation_LAUNCH:
			if op.Launch == nil {
				m.log.Warn("dropping LAUNCH without 'launch'", "framework_id", fw.id)
				continue
			}
			for i := range op.Launch.TaskInfos {
				m.launchTask(l, &remaining, op.Launch.TaskInfos[i])
			}
		case mesos.Offer_Operation_LAUNCH_GROUP:
			if op.LaunchGroup == nil {
				continue
			}
			for _, t := range op.LaunchGroup.TaskGroup.Tasks {
				agentID := t.AgentID
				fw.send(updateEvent(m.masterStatus(t.TaskID.Value, &agentID, mesos.TASK_ERROR,
					mesos.REASON_TASK_GROUP_INVALID, "LAUNCH_GROUP is not supported by mesoslite; use LAUNCH with a custom executor")))
			}
		default:
			m.log.Warn("dropping unsupported offer operation", "framework_id", fw.id, "type", op.Type.String())
		}
	}
	m.refuse(fw, agent.id, remaining, acc.Filters)
}

func launchedTasks(ops []mesos.Offer_Operation) []mesos.TaskInfo {
	var out []mesos.TaskInfo
	for _, op := range ops {
		switch {
		case op.Type == mesos.Offer_Operation_LAUNCH && op.Launch != nil:
			out = append(out, op.Launch.TaskInfos...)
		case op.Type == mesos.Offer_Operation_LAUNCH_GROUP && op.LaunchGroup != nil:
			out = append(out, op.LaunchGroup.TaskGroup.Tasks...)
		}
	}
	return out
}

// validateOffers is validation::offer::validate: the ids are unique, every
// offer is outstanding and belongs to the framework, and all are on one agent.
func (m *Master) validateOffers(fw *framework, ids []mesos.OfferID) ([]*offer, *agentEntry, error) {
	if len(ids) == 0 {
		return nil, nil, errors.New("No offers specified")
	}
	seen := map[string]bool{}
	var offers []*offer
	var agent *agentEntry
	for _, oid := range ids {
		if seen[oid.Value] {
			return nil, nil, fmt.Errorf("Duplicate offer %s in offer list", oid.Value)
		}
		seen[oid.Value] = true
	}
	for _, oid := range ids {
		o := m.offers[oid.Value]
		if o == nil {
			return nil, nil, fmt.Errorf("Offer %s is no longer valid", oid.Value)
		}
		if o.frameworkID != fw.id {
			return nil, nil, fmt.Errorf("Offer %s has invalid framework %s while framework %s is expected",
				oid.Value, o.frameworkID, fw.id)
		}
		a := m.agents[o.agentID]
		if a == nil {
			return nil, nil, fmt.Errorf("Offer %s outlived agent %s", oid.Value, o.agentID)
		}
		if agent != nil && agent != a {
			return nil, nil, fmt.Errorf("Aggregated offers must belong to one single agent. Offer %s uses agent %s and offer %s uses agent %s",
				offers[0].id, agent.id, o.id, a.id)
		}
		agent = a
		offers = append(offers, o)
	}
	return offers, agent, nil
}

// launchBatch is what one ACCEPT has launched so far on its agent.
type launchBatch struct {
	fw        *framework
	agent     *agentEntry
	executors map[string]*mesos.ExecutorInfo // new executors in this ACCEPT
	tasks     map[string]bool
}

// launchTask validates one task against what is left of the offers and, if
// valid, records it as STAGING and sends it to the agent. ti belongs to the
// call being handled, which nothing else refers to: it is completed in place
// and handed over to the agent, without copies.
func (m *Master) launchTask(l *launchBatch, remaining *resVec, ti mesos.TaskInfo) {
	fw, a := l.fw, l.agent
	t := ti
	stripAllocation(t.Resources)
	if t.Executor != nil {
		if t.Executor.FrameworkID == nil {
			t.Executor.FrameworkID = &mesos.FrameworkID{Value: fw.id}
		}
		stripAllocation(t.Executor.Resources)
		if t.Executor.Type == mesos.ExecutorInfo_UNKNOWN {
			t.Executor.Type = mesos.ExecutorInfo_CUSTOM
		}
	}
	taskRes, need, newExecutor, err := m.validateTask(l, &t, *remaining)
	if err != nil {
		m.log.Warn("task is invalid", "framework_id", fw.id, "task_id", t.TaskID.Value, "error", err)
		agentID := ti.AgentID
		fw.send(updateEvent(m.masterStatus(t.TaskID.Value, &agentID, mesos.TASK_ERROR,
			mesos.REASON_TASK_INVALID, err.Error())))
		return
	}
	if newExecutor {
		e := clone(t.Executor)
		l.executors[e.ExecutorID.Value] = &e
		if a.executors[fw.id] == nil {
			a.executors[fw.id] = map[string]*mesos.ExecutorInfo{}
		}
		a.executors[fw.id][e.ExecutorID.Value] = &e
	}
	remaining.subVec(need)
	l.tasks[t.TaskID.Value] = true

	rec := &task{
		id:          t.TaskID.Value,
		frameworkID: fw.id,
		agentID:     a.id,
		executorID:  t.Executor.ExecutorID.Value,
		state:       mesos.TASK_STAGING,
		resources:   taskRes,
	}
	fw.tasks[rec.id] = rec
	if a.tasks[fw.id] == nil {
		a.tasks[fw.id] = map[string]*task{}
	}
	a.tasks[fw.id][rec.id] = rec
	if m.log.IsInfo() {
		m.log.Info("launching task", "framework_id", fw.id, "task_id", rec.id, "agent_id", a.id,
			"executor_id", rec.executorID, "resources", need.String())
	}
	a.link.runTask(fw.info, t)
}

// stripAllocation removes allocation_info from rs, the form the master does
// its accounting in.
func stripAllocation(rs []mesos.Resource) {
	for i := range rs {
		rs[i].AllocationInfo = nil
	}
}

// validateTask is validation::task::validate for a task of a LAUNCH. It
// returns the task's resources, those it needs with its executor's if that
// is new to the agent, and whether it is.
func (m *Master) validateTask(l *launchBatch, t *mesos.TaskInfo, available resVec) (taskRes, need resVec, newExecutor bool, err error) {
	if err := m.validateTaskInfo(l, t); err != nil {
		return nil, nil, false, err
	}
	fw, a := l.fw, l.agent
	e := t.Executor
	existing := a.executors[fw.id][e.ExecutorID.Value]
	if existing == nil {
		existing = l.executors[e.ExecutorID.Value]
	}
	if existing != nil && !existing.Equal(e) {
		return nil, nil, false, fmt.Errorf("ExecutorInfo is not compatible with ExecutorInfo of existing executor %s", e.ExecutorID.Value)
	}

	taskRes = vecOf(t.Resources)
	need = taskRes
	if existing == nil {
		need = taskRes.clone()
		need.add(e.Resources)
	}
	if !available.contains(need) {
		return nil, nil, false, fmt.Errorf("Total resources %s required by task and its executor is more than available %s",
			need.String(), available.String())
	}
	return taskRes, need, existing == nil, nil
}

// validateTaskInfo is the part of validateTask that does not depend on
// resources available.
func (m *Master) validateTaskInfo(l *launchBatch, t *mesos.TaskInfo) error {
	fw, a := l.fw, l.agent
	if err := validateID(t.TaskID.Value); err != nil {
		return fmt.Errorf("Task ID '%s' is invalid: %w", t.TaskID.Value, err)
	}
	if _, unreachable := fw.unreachableTasks[t.TaskID.Value]; unreachable || fw.tasks[t.TaskID.Value] != nil || l.tasks[t.TaskID.Value] {
		return fmt.Errorf("Task has duplicate ID: %s", t.TaskID.Value)
	}
	if t.AgentID.Value != a.id {
		return fmt.Errorf("Task uses invalid agent: %s", t.AgentID.Value)
	}
	if (t.Executor == nil) == (t.Command == nil) {
		return errors.New("Task should have at least one (but not both) of CommandInfo or ExecutorInfo present")
	}
	if t.Command != nil {
		return errors.New("Command tasks (TaskInfo.command without TaskInfo.executor) are not supported by mesoslite: " +
			"it has no built-in command executor; set TaskInfo.executor to a custom executor")
	}
	if err := validateContainer(t.Container); err != nil {
		return err
	}
	if len(t.Resources) == 0 {
		return errors.New("Task uses no resources")
	}
	if err := validateResources(t.Resources); err != nil {
		return fmt.Errorf("Task uses invalid resources: %w", err)
	}

	e := t.Executor
	if err := validateID(e.ExecutorID.Value); err != nil {
		return fmt.Errorf("Executor ID '%s' is invalid: %w", e.ExecutorID.Value, err)
	}
	if e.FrameworkID.Value != fw.id {
		return fmt.Errorf("ExecutorInfo has an invalid FrameworkID (Actual: %s vs Expected: %s)", e.FrameworkID.Value, fw.id)
	}
	if e.Type == mesos.ExecutorInfo_DEFAULT {
		return errors.New("The default executor (ExecutorInfo.type DEFAULT) is not supported by mesoslite; use a CUSTOM executor")
	}
	if err := validateCommand(e.Command); err != nil {
		return err
	}
	if err := validateContainer(e.Container); err != nil {
		return err
	}
	if err := validateResources(e.Resources); err != nil {
		return fmt.Errorf("Executor uses invalid resources: %w", err)
	}
	return nil
}

func validateResources(rs []mesos.Resource) error {
	for i := range rs {
		if err := rs[i].Validate(); err != nil {
			return fmt.Errorf("%s: %w", rs[i].Name, err)
		}
		if !rs[i].IsUnreserved() || rs[i].Disk != nil || rs[i].Revocable != nil || rs[i].Shared != nil || rs[i].ProviderID != nil {
			return fmt.Errorf("%s: reserved, disk, revocable, shared and provider resources are not supported by mesoslite", rs[i].Name)
		}
	}
	return nil
}

// validateCommand is the part of validateCommandInfo that matters here.
func validateCommand(c *mesos.CommandInfo) error {
	if c == nil {
		return errors.New("ExecutorInfo.command must be set for a CUSTOM executor")
	}
	if c.GetValue() == "" {
		if c.GetShell() {
			return errors.New("Shell command is missing value")
		}
		return errors.New("Non-shell command is missing value")
	}
	if env := c.Environment; env != nil {
		for _, v := range env.Variables {
			if v.GetType() != mesos.Environment_Variable_VALUE {
				return fmt.Errorf("Environment variable '%s' is of type %s, which mesoslite does not support", v.Name, v.GetType())
			}
			if v.Value == nil {
				return fmt.Errorf("Environment variable '%s' of type 'VALUE' must have a value set", v.Name)
			}
		}
	}
	return nil
}

// validateContainer accepts only what runs as a plain process: no container, or
// a MESOS container without an image.
func validateContainer(c *mesos.ContainerInfo) error {
	if c == nil {
		return nil
	}
	if c.Type != nil && *c.Type != mesos.ContainerInfo_MESOS {
		return fmt.Errorf("ContainerInfo of type %s is not supported by mesoslite", c.Type.String())
	}
	if c.Mesos != nil && c.Mesos.Image != nil {
		return errors.New("container images are not supported by mesoslite")
	}
	return nil
}
