package scheduling

import (
	"context"
	"encoding/json"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// maxUpdateBatch bounds how many status updates go into one log entry
// (Aurora's -max_status_update_batch_size).
const maxUpdateBatch = 1000

// StatusData is what the executor puts in TaskStatus.data: facts only the
// agent side knows, such as where the sandbox is.
type StatusData struct {
	Sandbox string `json:"sandbox,omitempty"`
}

// handleUpdate applies one Mesos status update.
func (s *Scheduler) handleUpdate(ctx context.Context, st mesos.TaskStatus) {
	s.handleUpdates(ctx, []mesos.TaskStatus{st})
}

// handleUpdates applies status updates in order as one log entry (group
// commit): each is mapped through the state machine, the result is
// committed, kills are sent, and only then are the updates acknowledged.
// If the commit fails nothing is acknowledged, so Mesos sends them again.
func (s *Scheduler) handleUpdates(ctx context.Context, batch []mesos.TaskStatus) {
	s.writeMu.Lock()
	b := &updateBatch{s: s, overlay: map[string]*state.Task{}}
	for _, st := range batch {
		b.apply(st)
	}
	if b.failed {
		s.writeMu.Unlock()
		return
	}
	committed := s.commit(ctx, &b.c)
	s.writeMu.Unlock()
	if !committed {
		return
	}
	for _, ch := range b.changed {
		s.logger.Info("task state changed", "task_id", ch.id, "from", ch.from.String(), "to", ch.to.String())
	}
	s.sendKills(ctx, append(b.c.kill, b.strays...))
	s.acknowledgeAll(ctx, batch)
	if partitionChanges(b.changed) {
		// A policy without delay gives the task up at once.
		s.expirePartitions(ctx)
	}
}

// updateBatch accumulates the changes of a batch of updates; overlay holds
// the newest record of every task the batch has touched, so a task updated
// twice in one batch moves on from its first update.
type updateBatch struct {
	s       *Scheduler
	c       changes
	overlay map[string]*state.Task // nil value: deleted
	strays  []string
	changed []change
	failed  bool
}

type change struct {
	id       string
	from, to taskstate.Status
}

func (b *updateBatch) task(id string) (*state.Task, error) {
	if t, ok := b.overlay[id]; ok {
		return t, nil
	}
	return b.s.store.Task(id)
}

// siblings are the tasks of a job as the batch has left them.
func (b *updateBatch) siblings(jobKey string) ([]*state.Task, error) {
	stored, err := b.s.store.TasksOfJob(jobKey)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []*state.Task
	for _, t := range stored {
		seen[t.ID] = true
		if o, ok := b.overlay[t.ID]; ok {
			t = o
		}
		if t != nil {
			out = append(out, t)
		}
	}
	for id, t := range b.overlay {
		if !seen[id] && t != nil && t.JobKey == jobKey {
			out = append(out, t)
		}
	}
	return out, nil
}

// record notes the changes made since index save/delete positions.
func (b *updateBatch) record(savedFrom, deletedFrom int) {
	for _, t := range b.c.save[savedFrom:] {
		b.overlay[t.ID] = t
	}
	for _, id := range b.c.delete[deletedFrom:] {
		b.overlay[id] = nil
	}
}

func (b *updateBatch) apply(st mesos.TaskStatus) {
	s := b.s
	id := st.TaskID.Value
	to, known := taskstate.FromMesos(st.GetState())
	if !known {
		s.logger.Warn("status update with a state Aurora does not know", "task_id", id, "state", st.GetState().String())
		return
	}
	task, err := b.task(id)
	if err != nil {
		s.logger.Error("cannot read task", "task_id", id, "error", err)
		b.failed = true
		return
	}
	if task == nil {
		// A task we do not know that is alive on an agent is a stray: kill it.
		if to == taskstate.Starting || to == taskstate.Running {
			s.logger.Warn("killing unknown task reported alive", "task_id", id)
			b.strays = append(b.strays, id)
		}
		return
	}
	var data StatusData
	if len(st.Data) > 0 {
		if err := json.Unmarshal(st.Data, &data); err != nil {
			s.logger.Debug("status data is not ours", "task_id", id, "error", err)
		}
	}
	savedFrom, deletedFrom := len(b.c.save), len(b.c.delete)
	if to == task.Status {
		if data.Sandbox != "" && data.Sandbox != task.Sandbox {
			next := task.Copy()
			next.Sandbox = data.Sandbox
			b.c.save = append(b.c.save, next)
			b.record(savedFrom, deletedFrom)
		}
		return // otherwise a duplicate: already recorded
	}
	// Only a replacement needs the job's other tasks; most updates
	// (STARTING, RUNNING) do not read them.
	var siblings []*state.Task
	if needsSiblings(task, to) {
		var err error
		if siblings, err = b.siblings(task.JobKey); err != nil {
			s.logger.Error("cannot read job tasks", "job", task.JobKey, "error", err)
			b.failed = true
			return
		}
	}
	if err := s.transition(&b.c, task, to, updateMessage(st), siblings); err != nil {
		if isIllegal(err) {
			if task.Status.Terminal() && (to == taskstate.Starting || to == taskstate.Running) {
				// Aurora kills a task it has given up on that shows up
				// alive again, such as one on an agent that was unreachable.
				s.logger.Warn("killing task reported alive after it ended", "task_id", id, "status", task.Status.String())
				b.strays = append(b.strays, id)
				return
			}
			s.logger.Debug("ignoring illegal transition", "task_id", id, "error", err)
			return
		}
		s.logger.Error("transition failed", "task_id", id, "error", err)
		b.failed = true
		return
	}
	for _, t := range b.c.save[savedFrom:] {
		if t.ID == id && data.Sandbox != "" {
			t.Sandbox = data.Sandbox
		}
	}
	b.record(savedFrom, deletedFrom)
	b.changed = append(b.changed, change{id: id, from: task.Status, to: to})
}

func (s *Scheduler) commit(ctx context.Context, c *changes) bool {
	if c.empty() {
		return true
	}
	if err := s.log.Apply(ctx, c.command()); err != nil {
		s.logger.Error("cannot commit task changes", "error", err)
		return false
	}
	return true
}

func (s *Scheduler) acknowledge(ctx context.Context, st mesos.TaskStatus) {
	if len(st.UUID) == 0 {
		return // master-generated updates are not acknowledged
	}
	agent := ""
	if st.AgentID != nil {
		agent = st.AgentID.Value
	}
	if err := s.mesos.Acknowledge(ctx, agent, st.TaskID.Value, st.UUID); err != nil {
		s.logger.Warn("acknowledge failed; Mesos will resend", "task_id", st.TaskID.Value, "error", err)
	}
}

// updateMessage is the event message for an update: its message, or its
// reason when it has none.
func updateMessage(st mesos.TaskStatus) string {
	msg := st.GetMessage()
	if st.Reason != nil {
		if msg == "" {
			return st.Reason.String()
		}
		return msg + " (" + st.Reason.String() + ")"
	}
	return msg
}
