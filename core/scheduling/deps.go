package scheduling

import (
	"context"
	"time"

	"github.com/aurora-go/aurora/sdk"
	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// Log commits commands; Apply returns once the command is applied.
type Log interface {
	Apply(ctx context.Context, cmd state.Command) error
}

// Store reads the replicated state.
type Store interface {
	Job(key string) (*state.Job, error)
	Jobs(pattern string) ([]*state.Job, error)
	Task(id string) (*state.Task, error)
	TasksOfJob(key string) ([]*state.Task, error)
	TasksInStatus(s taskstate.Status) ([]*state.Task, error)
	AllTasks() ([]*state.Task, error)
	QueryTasks(q state.TaskQuery) ([]*state.Task, error)
}

// Mesos sends calls to the master.
type Mesos interface {
	Accept(ctx context.Context, offerID string, tasks []mesos.TaskInfo, refuse time.Duration) error
	Decline(ctx context.Context, offerIDs []string, refuse time.Duration) error
	Kill(ctx context.Context, taskID string) error
	Acknowledge(ctx context.Context, agentID, taskID string, uuid []byte) error
	Reconcile(ctx context.Context, tasks map[string]string) error
	// Revive clears the framework's offer filters (REVIVE for every role).
	Revive(ctx context.Context) error
}

// Constraints is the constraint plugin: one Filter call per task group.
type Constraints interface {
	Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error)
}

// Scorer is implemented by Constraints whose plugins may rank hosts (the
// optional Score of the constraint kind). Among the hosts no plugin
// vetoed, placement tries higher scores first; sdk.ErrUnimplemented (no
// plugin scores) or a failure keeps the offer order.
type Scorer interface {
	Score(ctx context.Context, req *sdk.ScoreRequest) (*sdk.ScoreResponse, error)
}
