package scheduling

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	mesos "github.com/mesos/mesos-go/api/v1/lib"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// badRequest is how the API recognises a refused request.
func isBadRequest(err error) bool {
	var br interface{ BadRequest() bool }
	return errors.As(err, &br) && br.BadRequest()
}

func TestRestartTasks(t *testing.T) {
	tests := []struct {
		name      string
		instances []int
		message   string
		want      []string // restarted task ids, sorted
		wantErr   string   // a fragment of a bad-request error
	}{
		{name: "every instance", want: []string{"asg-2", "run-0"}},
		{name: "some instances", instances: []int{0}, message: "new binary", want: []string{"run-0"}},
		{name: "a pending instance has nothing to restart", instances: []int{1}, want: nil},
		{name: "an instance that is not active", instances: []int{0, 7}, wantErr: "instances [7] of www-data/prod/hello are not active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, nil)
			job := testJob("hello", 3, true)
			putTask(t, h, job, "run-0", 0, taskstate.Running, 0)
			putTask(t, h, job, "pend-1", 1, taskstate.Pending, 0)
			putTask(t, h, job, "asg-2", 2, taskstate.Assigned, 0)
			putTask(t, h, job, "old-2", 2, taskstate.Killed, 0)

			got, err := h.s.RestartTasks(ctx, "www-data/prod/hello", tt.instances, tt.message)
			if tt.wantErr != "" {
				if !isBadRequest(err) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("RestartTasks error = %v, want a bad request containing %q", err, tt.wantErr)
				}
				if st := mustTask(t, h, "run-0").Status; st != taskstate.Running {
					t.Errorf("a refused restart changed run-0 to %s", st)
				}
				return
			}
			if err != nil {
				t.Fatalf("RestartTasks: %v", err)
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("restarted %v, want %v", got, tt.want)
			}
			wantMsg := tt.message
			if wantMsg == "" {
				wantMsg = "Restarted by user request"
			}
			for _, id := range tt.want {
				task := mustTask(t, h, id)
				if task.Status != taskstate.Restarting || task.LastEvent().Message != wantMsg {
					t.Errorf("%s = %s %q, want RESTARTING %q", id, task.Status, task.LastEvent().Message, wantMsg)
				}
			}
			if _, _, kills, _ := h.mesos.snapshot(); !sameSet(kills, tt.want) {
				t.Errorf("KILL sent for %v, want %v", kills, tt.want)
			}
			if st := mustTask(t, h, "pend-1").Status; st != taskstate.Pending {
				t.Errorf("the pending task became %s", st)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

// A restarted task is replaced once it has stopped, for a batch job too.
func TestRestartedTaskIsReplacedWhenKilled(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	putTask(t, h, testJob("batch", 1, false), "run-0", 0, taskstate.Running, 0)
	if _, err := h.s.RestartTasks(ctx, "www-data/prod/batch", nil, ""); err != nil {
		t.Fatal(err)
	}
	if n := len(tasksOf(t, h, "www-data/prod/batch")); n != 1 {
		t.Fatalf("a replacement exists before the old task stopped: %d tasks", n)
	}
	h.s.handleUpdate(ctx, update("run-0", mesos.TASK_KILLED, "u1"))
	tasks := tasksOf(t, h, "www-data/prod/batch")
	counts := statusCounts(tasks)
	if counts[taskstate.Killed] != 1 || counts[taskstate.Pending] != 1 || len(tasks) != 2 {
		t.Fatalf("after the restarted task was killed: %s", fmtTasks(tasks))
	}
	for _, task := range tasks {
		if task.Status == taskstate.Pending && (task.AncestorID != "run-0" || task.Instance != 0) {
			t.Errorf("replacement = %+v, want instance 0 descended from run-0", task)
		}
	}
}

func TestRestartTasksRefusals(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	if _, err := h.s.RestartTasks(ctx, "www-data/prod/nope", nil, ""); !errors.Is(err, ErrNoSuchJob) {
		t.Errorf("unknown job: %v, want ErrNoSuchJob", err)
	}
	putTask(t, h, testJob("done", 1, false), "fin-0", 0, taskstate.Finished, 0)
	if _, err := h.s.RestartTasks(ctx, "www-data/prod/done", nil, ""); !isBadRequest(err) {
		t.Errorf("a job without active tasks: %v, want a bad request", err)
	}
}

func TestAddInstances(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	job := testJob("web", 3, true)
	src := putTask(t, h, job, "run-0", 0, taskstate.Running, 0)
	putTask(t, h, job, "run-2", 2, taskstate.Running, 0)
	putTask(t, h, job, "dead-5", 5, taskstate.Killed, 0) // inactive: does not count

	added, ids, err := h.s.AddInstances(ctx, "www-data/prod/web", 0, 2)
	if err != nil {
		t.Fatalf("AddInstances: %v", err)
	}
	if !reflect.DeepEqual(added, []int{3, 4}) || len(ids) != 2 {
		t.Fatalf("added instances %v tasks %v, want [3 4] after the highest active id 2", added, ids)
	}
	if h.log.n != 1 {
		t.Errorf("AddInstances wrote %d log entries, want 1", h.log.n)
	}
	for i, id := range ids {
		task := mustTask(t, h, id)
		if task.Status != taskstate.Pending || task.Instance != added[i] || task.Config != src.Config {
			t.Errorf("new task %s = %s instance %d, want PENDING instance %d with the source's config", id, task.Status, task.Instance, added[i])
		}
	}
	if j, _ := h.store.Job("www-data/prod/web"); j == nil || j.Spec.Instances != 5 {
		t.Errorf("job after adding = %+v, want 5 instances", j)
	}
	if src.Config.Instances != 3 {
		t.Errorf("adding instances changed the source task's config to %d instances", src.Config.Instances)
	}
}

func TestAddInstancesRefusals(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	job := testJob("web", 1, true)
	putTask(t, h, job, "run-0", 0, taskstate.Running, 0)
	tests := []struct {
		name        string
		key         string
		from, count int
		check       func(error) bool
	}{
		{"unknown job", "www-data/prod/nope", 0, 1, func(err error) bool { return errors.Is(err, ErrNoSuchJob) }},
		{"no count", "www-data/prod/web", 0, 0, isBadRequest},
		{"inactive source", "www-data/prod/web", 4, 1, isBadRequest},
		{"too many", "www-data/prod/web", 0, 5000, isBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			added, _, err := h.s.AddInstances(ctx, tt.key, tt.from, tt.count)
			if !tt.check(err) || added != nil {
				t.Fatalf("AddInstances = %v, %v", added, err)
			}
		})
	}
	if n := len(tasksOf(t, h, "www-data/prod/web")); n != 1 {
		t.Errorf("refused requests left %d tasks, want 1", n)
	}
}

func TestPruneTasks(t *testing.T) {
	tests := []struct {
		name    string
		q       state.TaskQuery
		limit   int
		want    []string
		wantBad bool
	}{
		{name: "every terminal task", want: []string{"fail-a", "fin-b", "kill-a", "lost-c"}},
		{name: "by role", q: state.TaskQuery{Role: "db"}, want: []string{"lost-c"}},
		{name: "by job and state", q: state.TaskQuery{Role: "www-data", Environment: "prod", Name: "a",
			Statuses: []taskstate.Status{taskstate.Killed}}, want: []string{"kill-a"}},
		{name: "a limit prunes the oldest first", limit: 2, want: []string{"fail-a", "kill-a"}},
		{name: "an active state is refused", q: state.TaskQuery{Statuses: []taskstate.Status{taskstate.Running}}, wantBad: true},
		{name: "a negative limit is refused", limit: -1, wantBad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			base := time.Now().UTC()
			put := func(name, id string, st taskstate.Status, age time.Duration) {
				task := putTask(t, h, testJob(name, 1, true), id, 0, st, 0).Copy()
				task.Events[0].Time = base.Add(-age)
				if err := h.store.Apply(state.SaveTasks{Tasks: []*state.Task{task}}); err != nil {
					t.Fatal(err)
				}
			}
			put("a", "run-a", taskstate.Running, time.Hour)
			put("a", "kill-a", taskstate.Killed, 3*time.Hour)
			put("a", "fail-a", taskstate.Failed, 4*time.Hour)
			put("b", "fin-b", taskstate.Finished, 2*time.Hour)
			other := testJob("c", 1, true)
			other.Key.Role = "db"
			putTask(t, h, other, "lost-c", 0, taskstate.Lost, 0)

			got, err := h.s.PruneTasks(context.Background(), tt.q, tt.limit)
			if tt.wantBad {
				if !isBadRequest(err) {
					t.Fatalf("PruneTasks = %v, %v; want a bad request", got, err)
				}
				if all, _ := h.store.AllTasks(); len(all) != 5 {
					t.Errorf("a refused prune left %d of 5 tasks", len(all))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !sameSet(got, tt.want) {
				t.Fatalf("pruned %v, want %v", got, tt.want)
			}
			for _, id := range tt.want {
				if task, _ := h.store.Task(id); task != nil {
					t.Errorf("%s is still stored", id)
				}
			}
			if task, _ := h.store.Task("run-a"); task == nil {
				t.Error("the running task was pruned")
			}
		})
	}
}

func TestReconcile(t *testing.T) {
	tests := []struct {
		name     string
		explicit bool
		batch    int
		want     []int // tasks per Reconcile call
		wantN    int
	}{
		{name: "implicit asks for everything", want: []int{0}},
		{name: "explicit in one batch", explicit: true, want: []int{3}, wantN: 3},
		{name: "explicit in batches of 2", explicit: true, batch: 2, want: []int{2, 1}, wantN: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			job := testJob("web", 5, true)
			putTask(t, h, job, "run-0", 0, taskstate.Running, 0)
			putTask(t, h, job, "asg-1", 1, taskstate.Assigned, 0)
			putTask(t, h, job, "kill-2", 2, taskstate.Killing, 0)
			putTask(t, h, job, "pend-3", 3, taskstate.Pending, 0)
			putTask(t, h, job, "fin-4", 4, taskstate.Finished, 0)
			n, err := h.s.Reconcile(context.Background(), tt.explicit, tt.batch)
			if err != nil || n != tt.wantN {
				t.Fatalf("Reconcile = %d, %v; want %d", n, err, tt.wantN)
			}
			h.mesos.mu.Lock()
			calls := h.mesos.reconciles
			h.mesos.mu.Unlock()
			var sizes []int
			named := map[string]string{}
			for _, c := range calls {
				sizes = append(sizes, len(c))
				for id, agent := range c {
					named[id] = agent
				}
			}
			if !reflect.DeepEqual(sizes, tt.want) {
				t.Fatalf("Reconcile calls of sizes %v, want %v", sizes, tt.want)
			}
			if tt.explicit {
				want := map[string]string{"run-0": "agent-1", "asg-1": "agent-1", "kill-2": "agent-1"}
				if !reflect.DeepEqual(named, want) {
					t.Errorf("reconciled %v, want the tasks on agents %v", named, want)
				}
			}
		})
	}
}

func TestSetQuota(t *testing.T) {
	tests := []struct {
		name string
		q    state.Quota
		ok   bool
	}{
		{"a quota", state.Quota{Role: "www-data", CPU: 4, RAM: 4 << 30, Disk: 8 << 30}, true},
		{"zero is allowed", state.Quota{Role: "www-data"}, true},
		{"negative cpu", state.Quota{Role: "www-data", CPU: -1}, false},
		{"negative ram", state.Quota{Role: "www-data", RAM: -1}, false},
		{"bad role", state.Quota{Role: "www/data", CPU: 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			err := h.s.SetQuota(context.Background(), tt.q)
			got, _ := h.store.Quota(tt.q.Role)
			if tt.ok {
				if err != nil || got == nil || *got != tt.q {
					t.Fatalf("SetQuota = %v; stored %+v, want %+v", err, got, tt.q)
				}
				return
			}
			if !isBadRequest(err) || got != nil {
				t.Fatalf("SetQuota = %v, stored %+v; want a bad request and nothing stored", err, got)
			}
		})
	}
}
