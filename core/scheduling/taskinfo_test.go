package scheduling

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
)

func TestCreateJobValidatesExecutor(t *testing.T) {
	h := newHarness(t, nil)
	h.s.SetAdmission(newQuotaAdmission(t, `{"default":{"cpus":100}}`))
	job := testJob("web", 1, true)
	job.Executor = "nosuch"
	_, err := h.s.CreateJob(context.Background(), job)
	var fe spec.FieldErrors
	if !errors.As(err, &fe) || len(fe) != 1 || fe[0].Path != "executor" {
		t.Fatalf("an unknown executor is a field error on executor, got %v", err)
	}
	if jobs, _ := h.store.Jobs(""); len(jobs) != 0 {
		t.Fatalf("a refused job was stored: %v", jobs)
	}
	job = testJob("web", 1, true)
	job.Executor = "customexec"
	if _, err := h.s.CreateJob(context.Background(), job); err != nil {
		t.Fatalf("an enabled catalog executor is accepted: %v", err)
	}
	// Adding instances checks the executor again: it may have been
	// disabled since.
	h.s.SetAdmission(&disabledExecutors{newQuotaAdmission(t, `{"default":{"cpus":100}}`)})
	if _, _, err := h.s.AddInstances(context.Background(), job.Key.String(), 0, 1); !errors.As(err, &fe) || fe[0].Path != "executor" {
		t.Fatalf("adding instances of a job whose executor is disabled: %v", err)
	}
}

// disabledExecutors refuses every executor.
type disabledExecutors struct{ *fakeAdmission }

func (disabledExecutors) ValidateExecutor(_ context.Context, name string) spec.FieldErrors {
	var errs spec.FieldErrors
	errs.Add("executor", name+" is disabled")
	return errs
}

// fakeExecutorPlugins resolves customexec to a catalog plugin.
type fakeExecutorPlugins struct{ err error }

func (f fakeExecutorPlugins) ExecutorPlugin(name string) (*spec.CatalogPlugin, error) {
	if name == "thermos" {
		return nil, nil
	}
	if f.err != nil {
		return nil, f.err
	}
	return &spec.CatalogPlugin{Kind: "executor", Name: name, Version: "0.2.0", SHA256: "ab",
		Config: json.RawMessage(`{"wrapper":["nice"]}`), BlobURLs: []string{"http://sched:8081/v1/plugins/blobs/ab"}}, nil
}

func (f fakeExecutorPlugins) ExecutorEnv() map[string]string {
	return map[string]string{"AURORA_DISCOVERY_PLUGIN": `{"kind":"discovery"}`}
}

func assignedOf(t *testing.T, h *harness, job *spec.Job) *spec.AssignedTask {
	t.Helper()
	job.ApplyDefaults()
	info, err := h.s.taskInfo(&state.Task{ID: "t-1", Config: job, AgentID: "agent-1", Host: "agent-1"}, testFramework)
	if err != nil {
		t.Fatal(err)
	}
	var a spec.AssignedTask
	if err := json.Unmarshal(info.Data, &a); err != nil {
		t.Fatal(err)
	}
	return &a
}

// The TaskInfo of a task whose executor is a catalog plugin carries the
// resolved entry and where to fetch its binary; built-in executors carry
// none.
func TestTaskInfoCarriesTheCatalogExecutor(t *testing.T) {
	h := newHarness(t, nil)
	if a := assignedOf(t, h, testJob("plain", 1, true)); a.ExecutorPlugin != nil {
		t.Fatalf("no resolver: ExecutorPlugin = %+v", a.ExecutorPlugin)
	}
	h.s.cfg.Executor.Plugins = fakeExecutorPlugins{}
	if a := assignedOf(t, h, testJob("plain", 1, true)); a.ExecutorPlugin != nil {
		t.Fatalf("thermos: ExecutorPlugin = %+v", a.ExecutorPlugin)
	}
	job := testJob("custom", 1, true)
	job.Executor = "customexec"
	a := assignedOf(t, h, job)
	info, _ := h.s.taskInfo(&state.Task{ID: "t-2", Config: job}, testFramework)
	env := map[string]string{}
	for _, v := range info.Executor.Command.Environment.GetVariables() {
		env[v.Name] = v.GetValue()
	}
	if env["AURORA_DISCOVERY_PLUGIN"] != `{"kind":"discovery"}` {
		t.Fatalf("executor environment %v lacks the catalog's additions", env)
	}
	p := a.ExecutorPlugin
	if p == nil || p.Name != "customexec" || p.Version != "0.2.0" || p.SHA256 != "ab" || string(p.Config) != `{"wrapper":["nice"]}` ||
		len(p.BlobURLs) != 1 || p.BlobURLs[0] != "http://sched:8081/v1/plugins/blobs/ab" {
		t.Fatalf("ExecutorPlugin = %+v", p)
	}
	// A plugin disabled since the job was created still launches, without
	// an entry: the executor fails the task naming the executor.
	h.s.cfg.Executor.Plugins = fakeExecutorPlugins{err: errors.New("not enabled")}
	if a := assignedOf(t, h, job); a.ExecutorPlugin != nil || a.Job.Executor != "customexec" {
		t.Fatalf("unresolvable: %+v", a)
	}
}
