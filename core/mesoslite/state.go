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
	ID        string             `json:"id"`
	Hostname  string             `json:"hostname"`
	Endpoint  string             `json:"endpoint"` // ip:port of the executor API
	WorkDir   string             `json:"work_dir"`
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

// State returns a snapshot of the master and the agents.
func (c *Cluster) State(ctx context.Context) (State, error) {
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if !started {
		return State{}, errors.New("mesoslite: cluster not started")
	}
	st := State{MasterURL: c.MasterURL()}
	avail := map[string]string{}
	err := c.master.mb.call(ctx, func() {
		m := c.master
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
		}
	})
	if err != nil {
		return st, err
	}
	for _, a := range c.agents {
		as := AgentSnapshot{ID: a.id, Hostname: a.cfg.Hostname, Endpoint: a.endpoint, WorkDir: a.workDir,
			Resources: agentResources(a.cfg).String(), Available: avail[a.id]}
		err := a.mb.call(ctx, func() {
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
