package scheduling

import (
	"context"
	"encoding/json"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// StatusData is what the executor puts in TaskStatus.data: facts only the
// agent side knows, such as where the sandbox is.
type StatusData struct {
	Sandbox string `json:"sandbox,omitempty"`
}

// handleUpdate applies one Mesos status update: map it through the state
// machine, commit the result, carry out kills, and only then acknowledge.
func (s *Scheduler) handleUpdate(ctx context.Context, st mesos.TaskStatus) {
	id := st.TaskID.Value
	to, known := taskstate.FromMesos(st.GetState())
	if !known {
		s.logger.Warn("status update with a state Aurora does not know", "task_id", id, "state", st.GetState().String())
		s.acknowledge(ctx, st)
		return
	}
	committed, kills := s.applyUpdate(ctx, st, to)
	if !committed {
		return // not durable: no ACK, so Mesos sends the update again
	}
	s.sendKills(ctx, kills)
	s.acknowledge(ctx, st)
}

// applyUpdate commits the transition an update asks for. It reports false
// only when the commit failed.
func (s *Scheduler) applyUpdate(ctx context.Context, st mesos.TaskStatus, to taskstate.Status) (committed bool, kills []string) {
	id := st.TaskID.Value
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	task, err := s.store.Task(id)
	if err != nil {
		s.logger.Error("cannot read task", "task_id", id, "error", err)
		return false, nil
	}
	if task == nil {
		// A task we do not know that is alive on an agent is a stray: kill it.
		if to == taskstate.Starting || to == taskstate.Running {
			s.logger.Warn("killing unknown task reported alive", "task_id", id)
			return true, []string{id}
		}
		return true, nil
	}
	var data StatusData
	if len(st.Data) > 0 {
		if err := json.Unmarshal(st.Data, &data); err != nil {
			s.logger.Debug("status data is not ours", "task_id", id, "error", err)
		}
	}
	if to == task.Status {
		if data.Sandbox == "" || data.Sandbox == task.Sandbox {
			return true, nil // a duplicate: already recorded
		}
		next := task.Copy()
		next.Sandbox = data.Sandbox
		return s.commit(ctx, &changes{save: []*state.Task{next}}), nil
	}
	siblings, err := s.store.TasksOfJob(task.JobKey)
	if err != nil {
		s.logger.Error("cannot read job tasks", "job", task.JobKey, "error", err)
		return false, nil
	}
	var c changes
	if err := s.transition(&c, task, to, updateMessage(st), siblings); err != nil {
		if isIllegal(err) {
			s.logger.Debug("ignoring illegal transition", "task_id", id, "error", err)
			return true, nil
		}
		s.logger.Error("transition failed", "task_id", id, "error", err)
		return false, nil
	}
	for _, t := range c.save {
		if t.ID == id && data.Sandbox != "" {
			t.Sandbox = data.Sandbox
		}
	}
	if !s.commit(ctx, &c) {
		return false, nil
	}
	s.logger.Info("task state changed", "task_id", id, "from", task.Status.String(), "to", to.String())
	return true, c.kill
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
