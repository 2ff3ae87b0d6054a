package spec

import (
	"reflect"
	"testing"
)

func TestBindTemplates(t *testing.T) {
	t.Parallel()
	j := validJob()
	j.Task.Processes[0].Cmdline = "run --v={{profile.version}} --x={{ x }} --i={{mesos.instance}} --keep={{other}}"
	j.HealthCheck = NewHealthCheck()
	j.HealthCheck.Shell = &ShellHealthChecker{Command: "check {{profile.version}}"}
	j.Container = &Container{Docker: &DockerContainer{Image: "app:{{profile.version}}",
		Parameters: []DockerParameter{{Name: "label", Value: "role={{role}}"}}}}
	j.Announce = &Announce{PrimaryPort: "http", ZKPath: "/aurora/{{cluster}}/{{name}}"}
	j.BindTemplates(map[string]string{"profile.version": "1.2", "x": "X", "mesos.instance": "7"})
	j.ApplyDefaults()
	got := []string{j.Task.Processes[0].Cmdline, j.HealthCheck.Shell.Command, j.Container.Docker.Image,
		j.Container.Docker.Parameters[0].Value, j.Announce.ZKPath}
	want := []string{"run --v=1.2 --x=X --i=7 --keep={{other}}", "check 1.2", "app:1.2", "role=www-data", "/aurora/local/hello"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("bound fields = %q, want %q", got, want)
	}
}

func TestTemplateFields(t *testing.T) {
	t.Parallel()
	j := fullJob()
	j.HealthCheck = &HealthCheck{Shell: &ShellHealthChecker{}}
	j.SLAPolicy = &SLAPolicy{Type: SLACoordinator}
	var got []string
	for _, f := range j.TemplateFields() {
		if f.Runtime {
			got = append(got, f.Path+" (runtime)")
		} else {
			got = append(got, f.Path)
		}
	}
	want := []string{
		"task.process[setup].cmdline (runtime)", "task.process[serve].cmdline (runtime)", "task.process[cleanup].cmdline (runtime)",
		"health_check.shell.command (runtime)", "announce.zk_path", "container.docker.image", "container.docker.parameter[0].value",
		"container.docker.volume[0].container_path", "container.docker.volume[0].host_path", "sla_policy.coordinator_url",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("template fields = %q\nwant %q", got, want)
	}
}

// TestEffective checks what a job that leaves parts unwritten runs with.
func TestEffective(t *testing.T) {
	t.Parallel()
	plain := validJob()
	withHealth := validJob()
	withHealth.Task.Processes[0].Cmdline = "serve {{thermos.ports[health]}}"
	withHealth.ApplyDefaults()
	disabled := validJob()
	disabled.Lifecycle = &Lifecycle{}
	legacyBatch := NewUpdateConfig()
	legacyBatch.BatchSize, legacyBatch.WaitForBatchCompletion = 3, true
	strategy := NewUpdateConfig()
	strategy.Strategy = &UpdateStrategy{Type: StrategyVariableBatch, BatchSizes: []int{1, 2}}

	defaultCheck := NewHealthCheck()
	defaultCheck.HTTP = NewHTTPHealthChecker()
	tests := []struct {
		name      string
		got, want any
	}{
		{"health check without a health port", plain.EffectiveHealthCheck(), (*HealthCheck)(nil)},
		{"health check with a health port", withHealth.EffectiveHealthCheck(), defaultCheck},
		{"lifecycle without a health port", plain.EffectiveLifecycle(), (*HTTPLifecycle)(nil)},
		{"lifecycle with a health port", withHealth.EffectiveLifecycle(), NewHTTPLifecycle()},
		{"disabled lifecycle", disabled.EffectiveLifecycle(), (*HTTPLifecycle)(nil)},
		{"default strategy", NewUpdateConfig().EffectiveStrategy(), UpdateStrategy{Type: "queue", BatchSize: 1}},
		{"legacy batch strategy", legacyBatch.EffectiveStrategy(), UpdateStrategy{Type: "batch", BatchSize: 3}},
		{"explicit strategy", strategy.EffectiveStrategy(), UpdateStrategy{Type: "variable_batch", BatchSizes: []int{1, 2}}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %s, want %s", tt.name, dump(tt.got), dump(tt.want))
		}
	}
}
