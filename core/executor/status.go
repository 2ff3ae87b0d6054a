package executor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// StatusDir and StatusFile are where the executor keeps the state of its
// task in the sandbox, for the observer: <sandbox>/.aurora/task.json.
const (
	StatusDir  = ".aurora"
	StatusFile = "task.json"
)

// TaskStatusFile is the content of the status file. The observer reads it;
// it is rewritten (atomically) whenever something changes.
type TaskStatusFile struct {
	TaskID   string            `json:"task_id"`
	Job      string            `json:"job"` // cluster/role/env/name
	Instance int               `json:"instance"`
	Host     string            `json:"host"`
	Plugin   string            `json:"plugin"`
	Ports    map[string]uint64 `json:"ports,omitempty"`
	// State is the Mesos state last reported (TASK_STARTING, ...).
	State   string `json:"state"`
	Message string `json:"message,omitempty"`
	// Health is "", "starting", "healthy" or "unhealthy".
	Health    string `json:"health,omitempty"`
	Announced string `json:"announced,omitempty"`
	// TaskState and Processes are what the executor plugin last reported
	// (Inspect).
	TaskState string              `json:"task_state,omitempty"`
	Processes []sdk.ProcessStatus `json:"processes,omitempty"`
	Started   time.Time           `json:"started"`
	Updated   time.Time           `json:"updated"`
}

// StatusPath is the status file of the task in sandbox.
func StatusPath(sandbox string) string {
	return filepath.Join(sandbox, StatusDir, StatusFile)
}

// writeStatus replaces the status file atomically.
func writeStatus(sandbox string, st *TaskStatusFile) error {
	dir := filepath.Join(sandbox, StatusDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	st.Updated = time.Now().UTC()
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".task-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), StatusPath(sandbox))
}

// ReadStatus reads a task's status file.
func ReadStatus(sandbox string) (*TaskStatusFile, error) {
	b, err := os.ReadFile(StatusPath(sandbox))
	if err != nil {
		return nil, err
	}
	var st TaskStatusFile
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, err
	}
	return &st, nil
}
