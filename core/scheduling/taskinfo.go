package scheduling

import (
	"encoding/json"
	"fmt"
	"maps"
	"sort"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
)

// taskInfo builds the Mesos TaskInfo for an assigned task: its resources
// (with the chosen ports), the executor that runs it, and the assigned task
// as JSON in data.
func (s *Scheduler) taskInfo(t *state.Task, frameworkID string) (mesos.TaskInfo, error) {
	job := t.Config
	data, err := json.Marshal(&spec.AssignedTask{
		TaskID: t.ID, Instance: t.Instance, AgentID: t.AgentID, Host: t.Host, Ports: t.Ports, Job: job,
		ExecutorPlugin: s.executorPlugin(t),
	})
	if err != nil {
		return mesos.TaskInfo{}, fmt.Errorf("encode assigned task %s: %w", t.ID, err)
	}
	res := job.Task.Resources
	resources := []mesos.Resource{
		scalar("cpus", res.CPU), scalar("mem", res.RAMMB()), scalar("disk", res.DiskMB()),
	}
	if len(t.Ports) > 0 {
		var ports []uint64
		for _, p := range t.Ports {
			ports = append(ports, p)
		}
		sort.Slice(ports, func(i, j int) bool { return ports[i] < ports[j] })
		var ranges []mesos.Value_Range
		for _, p := range ports {
			ranges = append(ranges, mesos.Value_Range{Begin: p, End: p})
		}
		resources = append(resources, mesos.Resource{
			Name: "ports", Type: mesos.RANGES.Enum(), Ranges: &mesos.Value_Ranges{Range: ranges},
		})
	}
	shell := true
	execName := "AuroraExecutor"
	source := fmt.Sprintf("%s.%s.%s.%d", job.Key.Role, job.Key.Environment, job.Key.Name, t.Instance)
	return mesos.TaskInfo{
		Name:      job.Key.String(),
		TaskID:    mesos.TaskID{Value: t.ID},
		AgentID:   mesos.AgentID{Value: t.AgentID},
		Resources: resources,
		Data:      data,
		Labels: &mesos.Labels{Labels: []mesos.Label{
			{Key: "org.apache.aurora.tier", Value: &job.Tier},
		}},
		Executor: &mesos.ExecutorInfo{
			ExecutorID:  mesos.ExecutorID{Value: executorID(t.ID)},
			FrameworkID: &mesos.FrameworkID{Value: frameworkID},
			Name:        &execName,
			Source:      &source,
			Command:     &mesos.CommandInfo{Value: &s.cfg.Executor.Command, Shell: &shell, Environment: executorEnv(s.executorEnv())},
			Resources: []mesos.Resource{
				scalar("cpus", s.cfg.Executor.CPUs), scalar("mem", s.cfg.Executor.MemMB),
			},
		},
	}, nil
}

// executorPlugin is the catalog plugin that runs t's executor, or nil when
// the executor is built in. A catalog executor that no longer resolves (it
// was disabled since the job was created) is launched without one: the
// executor then fails the task naming the plugin, which the task's
// failure policy handles, rather than the launch failing over and over.
func (s *Scheduler) executorPlugin(t *state.Task) *spec.CatalogPlugin {
	if s.cfg.Executor.Plugins == nil || t.Config.Executor == "" {
		return nil
	}
	p, err := s.cfg.Executor.Plugins.ExecutorPlugin(t.Config.Executor)
	if err != nil {
		s.logger.Warn("cannot resolve the job's executor plugin; the executor will fail the task", "task_id", t.ID, "executor", t.Config.Executor, "error", err)
		return nil
	}
	return p
}

// executorEnv is the executor's environment: the configured one plus
// what the catalog adds.
func (s *Scheduler) executorEnv() map[string]string {
	if s.cfg.Executor.Plugins == nil {
		return s.cfg.Executor.Env
	}
	extra := s.cfg.Executor.Plugins.ExecutorEnv()
	if len(extra) == 0 {
		return s.cfg.Executor.Env
	}
	env := make(map[string]string, len(s.cfg.Executor.Env)+len(extra))
	maps.Copy(env, s.cfg.Executor.Env)
	maps.Copy(env, extra)
	return env
}

func scalar(name string, v float64) mesos.Resource {
	return mesos.Resource{Name: name, Type: mesos.SCALAR.Enum(), Scalar: &mesos.Value_Scalar{Value: v}}
}

// executorEnv is the executor's CommandInfo.environment, sorted by name.
func executorEnv(env map[string]string) *mesos.Environment {
	if len(env) == 0 {
		return nil
	}
	names := make([]string, 0, len(env))
	for name := range env {
		names = append(names, name)
	}
	sort.Strings(names)
	out := &mesos.Environment{}
	for _, name := range names {
		value := env[name]
		out.Variables = append(out.Variables, mesos.Environment_Variable{Name: name, Value: &value})
	}
	return out
}
