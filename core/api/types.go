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
