package state

import (
	"strings"

	"github.com/aurora-go/aurora/core/taskstate"
)

// Quota is the resources a role may use for production tasks (Aurora's
// ResourceAggregate). RAM and disk are bytes, as in spec.Resources.
type Quota struct {
	Role string  `json:"role"`
	CPU  float64 `json:"cpu"`
	RAM  int64   `json:"ram"`
	Disk int64   `json:"disk"`
}

// TaskQuery selects tasks (Aurora's TaskQuery). Empty fields match
// everything; Statuses and Instances match any of their values.
type TaskQuery struct {
	Role        string             `json:"role,omitempty"`
	Environment string             `json:"environment,omitempty"`
	Name        string             `json:"name,omitempty"`
	Statuses    []taskstate.Status `json:"statuses,omitempty"`
	Instances   []int              `json:"instances,omitempty"`
	TaskIDs     []string           `json:"task_ids,omitempty"`
}

// Match reports whether t is selected by q.
func (q TaskQuery) Match(t *Task) bool {
	role, rest, _ := strings.Cut(t.JobKey, "/")
	env, name, _ := strings.Cut(rest, "/")
	if (q.Role != "" && q.Role != role) || (q.Environment != "" && q.Environment != env) || (q.Name != "" && q.Name != name) {
		return false
	}
	if len(q.Statuses) > 0 && !containsStatus(q.Statuses, t.Status) {
		return false
	}
	if len(q.Instances) > 0 && !containsInt(q.Instances, t.Instance) {
		return false
	}
	if len(q.TaskIDs) > 0 && !containsString(q.TaskIDs, t.ID) {
		return false
	}
	return true
}

func containsStatus(list []taskstate.Status, s taskstate.Status) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsInt(list []int, i int) bool {
	for _, x := range list {
		if x == i {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
