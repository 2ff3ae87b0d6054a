package mesoslite

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/gogo/protobuf/proto"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// The agent checkpoints what a restarted agent needs to re-attach to the
// executors of checkpointing frameworks (src/slave/paths.hpp, reduced):
//
//	<agent work dir>/meta/agent.json                                     id, hostname, port
//	<agent work dir>/meta/frameworks/<fid>/framework.json                FrameworkInfo
//	<agent work dir>/meta/frameworks/<fid>/executors/<eid>/executor.json ExecutorInfo, container,
//	    pid, state, and per task its TaskInfo, state and unacknowledged status updates
//
// Files are replaced atomically (write, then rename). An executor's file is
// written before the agent answers its UPDATE with ACKNOWLEDGED, and after
// every batch of messages that changed it.

// agentMeta identifies a checkpointed agent.
type agentMeta struct {
	ID       string `json:"id"`
	Hostname string `json:"hostname"`
	Port     int    `json:"port"`
}

type frameworkCheckpoint struct {
	Info []byte `json:"info"` // mesos.FrameworkInfo
}

type executorCheckpoint struct {
	Info        []byte           `json:"info"` // mesos.ExecutorInfo
	ContainerID string           `json:"container_id"`
	Directory   string           `json:"directory"`
	Grace       time.Duration    `json:"shutdown_grace_period"`
	PID         int              `json:"pid"`
	StartTime   uint64           `json:"start_time"` // of pid, in clock ticks after boot
	State       string           `json:"state"`
	Tasks       []taskCheckpoint `json:"tasks"`
}

type taskCheckpoint struct {
	Info    []byte   `json:"info"` // mesos.TaskInfo
	State   int32    `json:"state"`
	Queued  bool     `json:"queued,omitempty"`
	Pending [][]byte `json:"pending,omitempty"` // mesos.TaskStatus, head first
	Acked   [][]byte `json:"acked,omitempty"`   // uuids
}

func (a *Agent) frameworkMetaDir(fid string) string {
	return filepath.Join(a.metaDir, "frameworks", fid)
}

func (a *Agent) executorMetaFile(fid, eid string) string {
	return filepath.Join(a.frameworkMetaDir(fid), "executors", eid, "executor.json")
}

// writeJSON replaces path with v as JSON.
func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// writeAgentMeta records the agent's id and port.
func (a *Agent) writeAgentMeta() {
	port := 0
	if a.info.Port != nil {
		port = int(*a.info.Port)
	}
	if err := writeJSON(filepath.Join(a.metaDir, "agent.json"), agentMeta{ID: a.id, Hostname: a.cfg.Hostname, Port: port}); err != nil {
		a.log.Error("checkpointing the agent failed", "error", err)
	}
}

// readAgentMeta reads a checkpointed agent's identity, if there is one.
func readAgentMeta(workDir string) (agentMeta, bool) {
	var m agentMeta
	if err := readJSON(filepath.Join(workDir, "meta", "agent.json"), &m); err != nil || m.ID == "" {
		return agentMeta{}, false
	}
	return m, true
}

func (a *Agent) checkpointFramework(fw *agentFramework) {
	if !fw.info.GetCheckpoint() || a.crashed || a.down {
		return
	}
	b, err := proto.Marshal(&fw.info)
	if err == nil {
		err = writeJSON(filepath.Join(a.frameworkMetaDir(fw.id), "framework.json"), frameworkCheckpoint{Info: b})
	}
	if err != nil {
		a.log.Error("checkpointing a framework failed", "framework_id", fw.id, "error", err)
	}
}

func (a *Agent) removeFrameworkCheckpoint(fw *agentFramework) {
	if !fw.info.GetCheckpoint() || a.crashed {
		return
	}
	if err := os.RemoveAll(a.frameworkMetaDir(fw.id)); err != nil {
		a.log.Warn("removing a framework checkpoint failed", "framework_id", fw.id, "error", err)
	}
}

// markDirty has the executor's checkpoint written after this batch.
func (a *Agent) markDirty(ex *agentExecutor) {
	if ex.simulated {
		return // nothing to recover
	}
	a.dirty[ex] = struct{}{}
}

// flushCheckpoints writes (or removes) the checkpoint of every dirty
// executor of a checkpointing framework.
func (a *Agent) flushCheckpoints() {
	if a.crashed || len(a.dirty) == 0 {
		return
	}
	dirty := a.dirty
	a.dirty = map[*agentExecutor]struct{}{}
	if a.down {
		return
	}
	for ex := range dirty {
		fw := a.frameworks[ex.frameworkID]
		if fw == nil {
			continue
		}
		if !fw.info.GetCheckpoint() {
			continue
		}
		path := a.executorMetaFile(fw.id, ex.id)
		if cur := fw.executors[ex.id]; cur != ex {
			if cur != nil {
				continue // a newer executor with the same id owns the file
			}
			if err := os.RemoveAll(filepath.Dir(path)); err != nil {
				a.log.Warn("removing an executor checkpoint failed", "executor_id", ex.id, "error", err)
			}
			continue
		}
		if err := writeJSON(path, a.executorCheckpoint(ex)); err != nil {
			a.log.Error("checkpointing an executor failed", "framework_id", fw.id, "executor_id", ex.id, "error", err)
		}
	}
}

func (a *Agent) executorCheckpoint(ex *agentExecutor) executorCheckpoint {
	info, _ := proto.Marshal(&ex.info)
	cp := executorCheckpoint{
		Info:        info,
		ContainerID: ex.containerID,
		Directory:   ex.directory,
		Grace:       ex.grace,
		PID:         ex.pid,
		StartTime:   ex.start,
		State:       ex.state.String(),
	}
	for _, t := range ex.orderedTasks() {
		ti, _ := proto.Marshal(&t.info)
		tc := taskCheckpoint{Info: ti, State: int32(t.state), Queued: t.queued}
		if s := a.tsum.stream(ex.frameworkID, t.info.TaskID.Value); s != nil {
			for _, u := range s.pending {
				b, _ := proto.Marshal(&u.status)
				tc.Pending = append(tc.Pending, b)
			}
			for u := range s.acked {
				tc.Acked = append(tc.Acked, []byte(u))
			}
			sort.Slice(tc.Acked, func(i, j int) bool { return string(tc.Acked[i]) < string(tc.Acked[j]) })
		}
		cp.Tasks = append(cp.Tasks, tc)
	}
	return cp
}

// checkpointedFramework is a framework read back from the checkpoint.
type checkpointedFramework struct {
	info      mesos.FrameworkInfo
	executors []executorCheckpoint
}

// readCheckpoint reads every checkpointed framework and executor.
func (a *Agent) readCheckpoint() (map[string]*checkpointedFramework, error) {
	out := map[string]*checkpointedFramework{}
	entries, err := os.ReadDir(filepath.Join(a.metaDir, "frameworks"))
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading checkpointed frameworks: %w", err)
	}
	for _, e := range entries {
		fid := e.Name()
		var fc frameworkCheckpoint
		if err := readJSON(filepath.Join(a.frameworkMetaDir(fid), "framework.json"), &fc); err != nil {
			a.log.Warn("skipping a framework without a readable checkpoint", "framework_id", fid, "error", err)
			continue
		}
		cf := &checkpointedFramework{}
		if err := proto.Unmarshal(fc.Info, &cf.info); err != nil {
			return nil, fmt.Errorf("framework %s: %w", fid, err)
		}
		execs, err := os.ReadDir(filepath.Join(a.frameworkMetaDir(fid), "executors"))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("framework %s executors: %w", fid, err)
		}
		for _, x := range execs {
			var ec executorCheckpoint
			if err := readJSON(a.executorMetaFile(fid, x.Name()), &ec); err != nil {
				a.log.Warn("skipping an executor without a readable checkpoint", "framework_id", fid,
					"executor_id", x.Name(), "error", err)
				continue
			}
			cf.executors = append(cf.executors, ec)
		}
		out[fid] = cf
	}
	return out, nil
}
