package spec

// AssignedTask is what the scheduler hands the executor in TaskInfo.data:
// the task's identity, where it was placed and the job configuration it
// runs (Aurora's AssignedTask).
type AssignedTask struct {
	TaskID   string            `json:"task_id"`
	Instance int               `json:"instance"`
	AgentID  string            `json:"agent_id"`
	Host     string            `json:"host"`
	Ports    map[string]uint64 `json:"ports,omitempty"`
	Job      *Job              `json:"job"`
}
