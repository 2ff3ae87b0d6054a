package mesoslite

import (
	"context"
	"errors"
	"sort"
)

// State is a debugging snapshot of the cluster, also served as JSON by
// GET /state on the master and every agent.
type State struct {
	MasterID   string              `json:"master_id"`
	MasterURL  string              `json:"master_url"`
	Frameworks []FrameworkSnapshot `json:"frameworks"`
	Agents     []AgentSnapshot     `json:"agents"`
}

// FrameworkSnapshot is a framework as the master sees it.
type FrameworkSnapshot struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Connected bool           `json:"connected"`
	Offers    []string       `json:"offers"`
	Tasks     []TaskSnapshot `json:"tasks"`
}

// TaskSnapshot is a task as the master sees it.
type TaskSnapshot struct {
	ID                string `json:"id"`
	AgentID           string `json:"agent_id"`
	ExecutorID        string `json:"executor_id"`
	State             string `json:"state"`
	StatusUpdateState string `json:"status_update_state,omitempty"`
}

// AgentSnapshot is an agent and its executors.
type AgentSnapshot struct {
	ID       string `json:"id"`
	Hostname string `json:"hostname"`
	Endpoint string `json:"endpoint"` // ip:port of the executor API
	WorkDir  string `json:"work_dir"`
	// Status is the leading master's view: "registered", "disconnected"
	// (its connection broke), "recovering" (not re-registered since a master
	// failover), "unreachable", "gone", "removed" (its machine is DOWN) or
	// "unknown".
	Status    string             `json:"status"`
	Resources string             `json:"resources"`
	Available string             `json:"available"`
	Executors []ExecutorSnapshot `json:"executors"`
}

// ExecutorSnapshot is an executor as its agent sees it.
type ExecutorSnapshot struct {
	FrameworkID string   `json:"framework_id"`
	ID          string   `json:"id"`
	ContainerID string   `json:"container_id"`
	Directory   string   `json:"directory"`
	State       string   `json:"state"`
	PID         int      `json:"pid,omitempty"`
	Tasks       []string `json:"tasks"`
}

// State returns a snapshot of the leading master and the agents.
func (c *Cluster) State(ctx context.Context) (State, error) {
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if !started {
		return State{}, errors.New("mesoslite: cluster not started")
	}
	m := c.leaderMaster()
	if m == nil {
		return State{}, errors.New("mesoslite: no leading master")
	}
	st := State{MasterURL: c.MasterURL()}
	avail := map[string]string{}
	status := map[string]string{}
	err := m.mb.call(ctx, func() {
		st.MasterID = m.id
		for _, fw := range m.sortedFrameworks() {
			fs := FrameworkSnapshot{ID: fw.id, Name: fw.info.Name, Connected: fw.connected()}
			for id := range fw.offers {
				fs.Offers = append(fs.Offers, id)
			}
			sort.Strings(fs.Offers)
			for _, t := range fw.tasks {
				ts := TaskSnapshot{ID: t.id, AgentID: t.agentID, ExecutorID: t.executorID, State: t.state.String()}
				if t.statusUpdateState != nil {
					ts.StatusUpdateState = t.statusUpdateState.String()
				}
				fs.Tasks = append(fs.Tasks, ts)
			}
			sort.Slice(fs.Tasks, func(i, j int) bool { return fs.Tasks[i].ID < fs.Tasks[j].ID })
			st.Frameworks = append(st.Frameworks, fs)
		}
		for id, a := range m.agents {
			avail[id] = m.available(a).String()
			status[id] = "registered"
			if !a.connected {
				status[id] = "disconnected"
			}
		}
		for id := range m.recovered {
			status[id] = "recovering"
		}
		for id := range m.unreachable {
			status[id] = "unreachable"
		}
		for id := range m.gone {
			status[id] = "gone"
		}
		for id := range m.removed {
			status[id] = "removed"
		}
	})
	if err != nil {
		return st, err
	}
	for _, slot := range c.agents {
		as := AgentSnapshot{ID: slot.agentID(), Hostname: slot.cfg.Hostname, Endpoint: slot.addr.String(),
			WorkDir: slot.workDir, Resources: agentResources(slot.cfg).String()}
		if a := slot.current(); a != nil {
			err := a.mb.call(ctx, func() {
				as.ID, as.Endpoint = a.id, a.endpoint
				for _, fid := range sortedKeys(a.frameworks) {
					fw := a.frameworks[fid]
					for _, ex := range fw.sortedExecutors() {
						es := ExecutorSnapshot{FrameworkID: fid, ID: ex.id, ContainerID: ex.containerID,
							Directory: ex.directory, State: ex.state.String(), PID: ex.pid}
						if ex.state == executorTerminated {
							es.PID = 0
						}
						for _, t := range ex.orderedTasks() {
							es.Tasks = append(es.Tasks, t.info.TaskID.Value)
						}
						as.Executors = append(as.Executors, es)
					}
				}
			})
			if err != nil {
				return st, err
			}
		}
		as.Available = avail[as.ID]
		as.Status = status[as.ID]
		if as.Status == "" {
			as.Status = "unknown"
		}
		st.Agents = append(st.Agents, as)
	}
	return st, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
