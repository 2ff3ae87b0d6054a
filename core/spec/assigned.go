package spec

import (
	"encoding/json"
	"time"
)

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
	// ExecutorPlugin is set when the job's executor is a plugin of the
	// cluster's catalog rather than one built into the aurora binary: the
	// resolved catalog entry (the pinned version if enabled, else the
	// highest enabled one) and where to fetch its binary.
	ExecutorPlugin *CatalogPlugin `json:"executor_plugin,omitempty"`
}

// CatalogPlugin is what a worker needs to run one release of a plugin of
// the cluster's catalog: the entry's identity, checksum and how to start
// it, and the addresses that serve its binary.
type CatalogPlugin struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Version string `json:"version"`
	// SHA256 is the hex checksum of the binary; the worker verifies it
	// while downloading and before every start.
	SHA256 string          `json:"sha256"`
	Args   []string        `json:"args,omitempty"`
	Env    []string        `json:"env,omitempty"`
	Config json.RawMessage `json:"config,omitempty"`
	// Timeout bounds each call of the plugin (0: the host's default).
	Timeout time.Duration `json:"timeout,omitempty"`
	// BlobURLs each serve the binary (GET /v1/plugins/blobs/{sha256} of a
	// scheduler replica); the worker tries them in order.
	BlobURLs []string `json:"blob_urls"`
}

// ID is KIND/NAME@VERSION.
func (p *CatalogPlugin) ID() string { return p.Kind + "/" + p.Name + "@" + p.Version }
