package state

import (
	"bytes"
	"encoding/json"

	"github.com/aurora-go/aurora/core/spec"
)

// The tasks of one job share their configuration, and a SaveTasks of a
// thousand tasks would encode and decode the same job a thousand times.
// These methods encode each distinct configuration once and decode each
// distinct one once; the tasks decoded from one command then share it, as
// Copy already shares it (configurations are never changed in place). The
// bytes in the log are the same JSON as before, so old entries decode and
// new ones are read by older binaries.

// taskFields is Task without methods, for the default encoding.
type taskFields Task

// taskWire is a task with its configuration as raw JSON: the outer
// "config" field shadows the embedded one.
type taskWire struct {
	taskFields
	Config json.RawMessage `json:"config"`
}

type saveTasksWire struct {
	Tasks []taskWire `json:"tasks"`
}

type createJobWire struct {
	Job   *Job       `json:"job"`
	Tasks []taskWire `json:"tasks"`
}

var jsonNull = []byte("null")

// MarshalJSON encodes each distinct configuration once.
func (c SaveTasks) MarshalJSON() ([]byte, error) {
	tasks, err := encodeTasks(c.Tasks)
	if err != nil {
		return nil, err
	}
	return json.Marshal(saveTasksWire{Tasks: tasks})
}

// UnmarshalJSON decodes each distinct configuration once.
func (c *SaveTasks) UnmarshalJSON(b []byte) error {
	var w saveTasksWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	tasks, err := decodeTasks(w.Tasks)
	c.Tasks = tasks
	return err
}

// MarshalJSON encodes each distinct configuration once.
func (c CreateJob) MarshalJSON() ([]byte, error) {
	tasks, err := encodeTasks(c.Tasks)
	if err != nil {
		return nil, err
	}
	return json.Marshal(createJobWire{Job: c.Job, Tasks: tasks})
}

// UnmarshalJSON decodes each distinct configuration once.
func (c *CreateJob) UnmarshalJSON(b []byte) error {
	var w createJobWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	tasks, err := decodeTasks(w.Tasks)
	c.Job, c.Tasks = w.Job, tasks
	return err
}

func encodeTasks(tasks []*Task) ([]taskWire, error) {
	if tasks == nil {
		return nil, nil
	}
	cache := map[*spec.Job]json.RawMessage{}
	out := make([]taskWire, len(tasks))
	for i, t := range tasks {
		raw, ok := cache[t.Config]
		if !ok {
			b, err := json.Marshal(t.Config)
			if err != nil {
				return nil, err
			}
			raw = b
			cache[t.Config] = raw
		}
		out[i] = taskWire{taskFields: taskFields(*t), Config: raw}
	}
	return out, nil
}

func decodeTasks(wire []taskWire) ([]*Task, error) {
	if wire == nil {
		return nil, nil
	}
	cache := map[string]*spec.Job{}
	out := make([]*Task, len(wire))
	for i := range wire {
		t := Task(wire[i].taskFields)
		raw := wire[i].Config
		t.Config = nil
		if len(raw) > 0 && !bytes.Equal(raw, jsonNull) {
			job, ok := cache[string(raw)]
			if !ok {
				job = new(spec.Job)
				if err := json.Unmarshal(raw, job); err != nil {
					return nil, err
				}
				cache[string(raw)] = job
			}
			t.Config = job
		}
		out[i] = &t
	}
	return out, nil
}
