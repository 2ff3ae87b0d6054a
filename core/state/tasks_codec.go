package state

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/aurora-go/aurora/core/spec"
)

// The tasks of one job share their configuration, and a SaveTasks of a
// thousand tasks would encode and decode the same job a thousand times.
// SaveTasks and CreateJob therefore list each distinct configuration once,
// in "configs", and each task refers to it by its 1-based position in
// "config_ref" (command version 2). Version 1 wrote every task with its
// whole configuration in "config"; those entries still decode, each
// distinct configuration once. Decoded tasks of one command share their
// configuration, as Copy already shares it (configurations are never
// changed in place).

// taskFields is Task without methods, for the default encoding.
type taskFields Task

// taskWire is a task on the wire. Its outer "config" field shadows the
// embedded one: version 1 wrote the configuration there, version 2 writes
// config_ref instead.
type taskWire struct {
	taskFields
	Config    json.RawMessage `json:"config,omitempty"`
	ConfigRef int             `json:"config_ref,omitempty"`
}

type saveTasksWire struct {
	Configs []*spec.Job `json:"configs,omitempty"`
	Tasks   []taskWire  `json:"tasks"`
}

type createJobWire struct {
	Job     *Job        `json:"job"`
	Configs []*spec.Job `json:"configs,omitempty"`
	Tasks   []taskWire  `json:"tasks"`
}

var jsonNull = []byte("null")

// MarshalJSON encodes each distinct configuration once.
func (c SaveTasks) MarshalJSON() ([]byte, error) {
	configs, tasks := encodeTasks(c.Tasks)
	return json.Marshal(saveTasksWire{Configs: configs, Tasks: tasks})
}

// UnmarshalJSON decodes each distinct configuration once.
func (c *SaveTasks) UnmarshalJSON(b []byte) error {
	var w saveTasksWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	tasks, err := decodeTasks(w.Configs, w.Tasks)
	c.Tasks = tasks
	return err
}

// MarshalJSON encodes each distinct configuration once.
func (c CreateJob) MarshalJSON() ([]byte, error) {
	configs, tasks := encodeTasks(c.Tasks)
	return json.Marshal(createJobWire{Job: c.Job, Configs: configs, Tasks: tasks})
}

// UnmarshalJSON decodes each distinct configuration once.
func (c *CreateJob) UnmarshalJSON(b []byte) error {
	var w createJobWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	tasks, err := decodeTasks(w.Configs, w.Tasks)
	c.Job, c.Tasks = w.Job, tasks
	return err
}

// encodeTasks lists each distinct configuration of tasks once and the
// tasks with references to it.
func encodeTasks(tasks []*Task) ([]*spec.Job, []taskWire) {
	if tasks == nil {
		return nil, nil
	}
	var configs []*spec.Job
	refs := map[*spec.Job]int{}
	out := make([]taskWire, len(tasks))
	for i, t := range tasks {
		out[i].taskFields = taskFields(*t)
		if t.Config == nil {
			continue
		}
		ref, ok := refs[t.Config]
		if !ok {
			configs = append(configs, t.Config)
			ref = len(configs)
			refs[t.Config] = ref
		}
		out[i].ConfigRef = ref
	}
	return configs, out
}

// decodeTasks resolves the configurations of wire tasks of either version.
func decodeTasks(configs []*spec.Job, wire []taskWire) ([]*Task, error) {
	if wire == nil {
		return nil, nil
	}
	var cache map[string]*spec.Job // version 1: one decode per distinct config
	out := make([]*Task, len(wire))
	for i := range wire {
		t := Task(wire[i].taskFields)
		t.Config = nil
		switch raw, ref := wire[i].Config, wire[i].ConfigRef; {
		case ref != 0:
			if ref < 0 || ref > len(configs) {
				return nil, fmt.Errorf("task %q refers to config %d of %d", t.ID, ref, len(configs))
			}
			t.Config = configs[ref-1]
		case len(raw) > 0 && !bytes.Equal(raw, jsonNull):
			job, ok := cache[string(raw)]
			if !ok {
				job = new(spec.Job)
				if err := json.Unmarshal(raw, job); err != nil {
					return nil, err
				}
				if cache == nil {
					cache = map[string]*spec.Job{}
				}
				cache[string(raw)] = job
			}
			t.Config = job
		}
		out[i] = &t
	}
	return out, nil
}
