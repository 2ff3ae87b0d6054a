package state

import (
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
)

// Job is a job as the scheduler stores it.
type Job struct {
	Key       string    `json:"key"` // role/environment/name
	Spec      *spec.Job `json:"spec"`
	CreatedAt time.Time `json:"created_at"`
}

// Task is one scheduled task: an instance of a job, from PENDING until it
// is pruned.
type Task struct {
	ID           string            `json:"id"`
	JobKey       string            `json:"job_key"`
	Instance     int               `json:"instance"`
	Status       taskstate.Status  `json:"status"`
	FailureCount int               `json:"failure_count"`
	AncestorID   string            `json:"ancestor_id,omitempty"`
	AgentID      string            `json:"agent_id,omitempty"`
	Host         string            `json:"host,omitempty"`
	Ports        map[string]uint64 `json:"ports,omitempty"`
	Sandbox      string            `json:"sandbox,omitempty"`
	// PenaltyUntil is when a THROTTLED task may become PENDING.
	PenaltyUntil time.Time `json:"penalty_until,omitempty"`
	Events       []Event   `json:"events"`
	Config       *spec.Job `json:"config"`
}

// Event is one recorded transition of a task.
type Event struct {
	Time    time.Time        `json:"time"`
	Status  taskstate.Status `json:"status"`
	Message string           `json:"message,omitempty"`
}

// Copy returns a copy of t that may be changed without touching t, which
// memdb may still hand to readers.
func (t *Task) Copy() *Task {
	c := *t
	c.Events = append([]Event(nil), t.Events...)
	if t.Ports != nil {
		c.Ports = make(map[string]uint64, len(t.Ports))
		for k, v := range t.Ports {
			c.Ports[k] = v
		}
	}
	return &c
}

// EverIn reports whether the task ever had status s.
func (t *Task) EverIn(s taskstate.Status) bool {
	for _, e := range t.Events {
		if e.Status == s {
			return true
		}
	}
	return false
}

// Created is when the task was created: the time of its first event.
func (t *Task) Created() time.Time {
	if len(t.Events) == 0 {
		return time.Time{}
	}
	return t.Events[0].Time
}

// LastEvent is the newest event, or a zero Event.
func (t *Task) LastEvent() Event {
	if len(t.Events) == 0 {
		return Event{}
	}
	return t.Events[len(t.Events)-1]
}

// Meta keys.
const (
	MetaFrameworkID = "mesos.framework_id"
)

// meta is a key/value row.
type meta struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}
