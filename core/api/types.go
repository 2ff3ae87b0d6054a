package api

import (
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
)

// CreateJobRequest is the body of POST /v1/jobs.
type CreateJobRequest struct {
	Job *spec.Job `json:"job"`
}

// CreateJobResponse answers a created job.
type CreateJobResponse struct {
	Key   string   `json:"key"`
	Tasks []string `json:"tasks"`
}

// KillRequest is the body of POST /v1/jobs/{role}/{env}/{name}/kill.
// Instances nil (absent or null) kills the whole job; an empty list kills
// nothing, so it is sent as [] rather than omitted.
type KillRequest struct {
	Instances []int  `json:"instances"`
	Message   string `json:"message,omitempty"`
}

// KillResponse lists the tasks asked to stop.
type KillResponse struct {
	Killed []string `json:"killed"`
}

// JobSummary is one row of GET /v1/jobs.
type JobSummary struct {
	Key       string         `json:"key"`
	Cluster   string         `json:"cluster"`
	Service   bool           `json:"service"`
	Instances int            `json:"instances"`
	Statuses  map[string]int `json:"statuses"`
}

// JobStatus is GET /v1/jobs/{role}/{env}/{name}: the job's configuration
// (nil once killed) and every task the scheduler still holds, ordered by
// instance and, within an instance, oldest first.
type JobStatus struct {
	Key   string       `json:"key"`
	Job   *spec.Job    `json:"job,omitempty"`
	Tasks []TaskStatus `json:"tasks"`
}

// TaskStatus is a task with why it is pending, if it is.
type TaskStatus struct {
	*state.Task
	PendingReason string `json:"pending_reason,omitempty"`
}

// Error is the body of every 4xx and 5xx answer.
type Error struct {
	Error   string             `json:"error"`
	Details []*spec.FieldError `json:"details,omitempty"`
}

// Admin API bodies (Aurora's admin verbs).
type (
	// BackupResponse names a backup.
	BackupResponse struct {
		ID string `json:"id"`
	}
	// BackupList lists backups, oldest first.
	BackupList struct {
		Backups []string `json:"backups"`
	}
	// StageRecoveryRequest names the backup to stage.
	StageRecoveryRequest struct {
		ID string `json:"id"`
	}
	// DeleteRecoveryTasksRequest names staged tasks to drop.
	DeleteRecoveryTasksRequest struct {
		IDs []string `json:"ids"`
	}
	// RecoveryTasks lists the staged recovery's active tasks.
	RecoveryTasks struct {
		Tasks []*state.Task `json:"tasks"`
	}
	// SchedulerInfo says which replica leads.
	SchedulerInfo struct {
		LeaderID   string `json:"leader_id"`
		LeaderHTTP string `json:"leader_http"`
		ThisNode   string `json:"this_node"`
		Leading    bool   `json:"leading"`
	}
)

// RestartRequest is the body of POST /v1/jobs/{role}/{env}/{name}/restart.
// Instances nil restarts every instance.
type RestartRequest struct {
	Instances []int  `json:"instances"`
	Message   string `json:"message,omitempty"`
}

// RestartResponse lists the tasks asked to restart.
type RestartResponse struct {
	Restarted []string `json:"restarted"`
}

// AddInstancesRequest is the body of POST
// /v1/jobs/{role}/{env}/{name}/instances: add Count instances that run the
// configuration of active instance From.
type AddInstancesRequest struct {
	From  int `json:"from"`
	Count int `json:"count"`
}

// AddInstancesResponse names the new instances and their tasks.
type AddInstancesResponse struct {
	Instances []int    `json:"instances"`
	Tasks     []string `json:"tasks"`
}

// TaskList is GET /v1/tasks: the tasks a query matches, ordered by job,
// instance and creation.
type TaskList struct {
	Tasks []TaskStatus `json:"tasks"`
}

// Resources is an amount of cpus, RAM and disk (bytes), as in quotas.
type Resources struct {
	CPU  float64 `json:"cpu"`
	RAM  int64   `json:"ram"`
	Disk int64   `json:"disk"`
}

// Add returns r plus o.
func (r Resources) Add(o Resources) Resources {
	return Resources{CPU: r.CPU + o.CPU, RAM: r.RAM + o.RAM, Disk: r.Disk + o.Disk}
}

// Consumption is what a role's active tasks use, split as Aurora's
// getQuota splits it. Only production, non-dedicated tasks count against
// the quota (ProdShared).
type Consumption struct {
	ProdShared       Resources `json:"prod_shared"`
	ProdDedicated    Resources `json:"prod_dedicated"`
	NonProdShared    Resources `json:"non_prod_shared"`
	NonProdDedicated Resources `json:"non_prod_dedicated"`
}

// QuotaInfo is GET /v1/quotas/{role}: the role's quota (zero if none was
// set) and its consumption.
type QuotaInfo struct {
	Role        string      `json:"role"`
	Quota       Resources   `json:"quota"`
	Consumption Consumption `json:"consumption"`
}

// PruneRequest is the body of POST /v1/admin/prune: which terminal tasks
// to delete (empty fields match everything) and at most how many (0: all).
type PruneRequest struct {
	Role        string   `json:"role,omitempty"`
	Environment string   `json:"environment,omitempty"`
	Name        string   `json:"name,omitempty"`
	Statuses    []string `json:"statuses,omitempty"`
	Limit       int      `json:"limit,omitempty"`
}

// PruneResponse lists the deleted tasks.
type PruneResponse struct {
	Pruned []string `json:"pruned"`
}

// ReconcileRequest is the body of POST /v1/admin/reconcile. Type is
// "explicit" (the default) or "implicit".
type ReconcileRequest struct {
	Type      string `json:"type,omitempty"`
	BatchSize int    `json:"batch_size,omitempty"`
}

// ReconcileResponse says what was asked of Mesos.
type ReconcileResponse struct {
	Type  string `json:"type"`
	Tasks int    `json:"tasks"`
}
