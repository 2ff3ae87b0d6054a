package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// refused is how the scheduler refuses a request.
type refused struct{ msg string }

func (r refused) Error() string    { return r.msg }
func (r refused) BadRequest() bool { return true }

func TestWriteEndpoints(t *testing.T) {
	tests := []struct {
		name, path, body string
		follower         bool
		opErr            error
		wantCode         int
		wantOp           string // "" means the scheduler must not be called
		wantBody         string // a fragment of the answer
	}{
		{name: "restart all", path: "/v1/jobs/www-data/prod/hello/restart", wantCode: 200,
			wantOp: `restart www-data/prod/hello [] ""`, wantBody: `"restarted": [`},
		{name: "restart some with a message", path: "/v1/jobs/www-data/prod/hello/restart", body: `{"instances":[1,0],"message":"new build"}`,
			wantCode: 200, wantOp: `restart www-data/prod/hello [1 0] "new build"`},
		{name: "restart a negative instance", path: "/v1/jobs/www-data/prod/hello/restart", body: `{"instances":[-1]}`,
			wantCode: 400, wantBody: "instance -1 is negative"},
		{name: "restart refused", path: "/v1/jobs/www-data/prod/hello/restart", opErr: refused{"instances [7] are not active"},
			wantCode: 400, wantOp: `restart www-data/prod/hello [] ""`, wantBody: "instances [7] are not active"},
		{name: "restart an unknown job", path: "/v1/jobs/www-data/prod/nope/restart", opErr: fmt.Errorf("%w: www-data/prod/nope", errNoSuchJob),
			wantCode: 404, wantOp: `restart www-data/prod/nope [] ""`, wantBody: "aurora job list"},
		{name: "restart fails inside", path: "/v1/jobs/www-data/prod/hello/restart", opErr: errors.New("log closed"),
			wantCode: 500, wantOp: `restart www-data/prod/hello [] ""`, wantBody: "log closed"},
		{name: "restart on a follower", path: "/v1/jobs/www-data/prod/hello/restart", follower: true, wantCode: 503},
		{name: "add instances", path: "/v1/jobs/www-data/prod/hello/instances", body: `{"from":0,"count":2}`,
			wantCode: 200, wantOp: "add www-data/prod/hello from 0 count 2", wantBody: `"instances": [`},
		{name: "add without a source", path: "/v1/jobs/www-data/prod/hello/instances", body: `{"count":2}`,
			wantCode: 400, wantBody: "name the instance to copy"},
		{name: "add zero", path: "/v1/jobs/www-data/prod/hello/instances", body: `{"from":0,"count":0}`,
			wantCode: 400, wantBody: "count must be at least 1"},
		{name: "add with a typo", path: "/v1/jobs/www-data/prod/hello/instances", body: `{"from":0,"cnt":2}`,
			wantCode: 400, wantBody: "unknown field"},
		{name: "set quota", path: "/v1/admin/quotas/www-data", body: `{"cpu":4,"ram":1024,"disk":2048}`,
			wantCode: 200, wantOp: "quota www-data 4 1024 2048"},
		{name: "set quota without a body", path: "/v1/admin/quotas/www-data", wantCode: 400, wantBody: `"cpu"`},
		{name: "set quota refused", path: "/v1/admin/quotas/www-data", body: `{"cpu":-1}`, opErr: refused{"must not be negative"},
			wantCode: 400, wantOp: "quota www-data -1 0 0", wantBody: "must not be negative"},
		{name: "prune", path: "/v1/admin/prune", body: `{"role":"www-data","statuses":["killed","FAILED"],"limit":5}`,
			wantCode: 200, wantOp: "prune www-data// [KILLED FAILED] limit 5", wantBody: `"pruned": []`},
		{name: "prune an unknown state", path: "/v1/admin/prune", body: `{"statuses":["GONE"]}`,
			wantCode: 400, wantBody: `unknown task status "GONE"`},
		{name: "reconcile by default is explicit", path: "/v1/admin/reconcile",
			wantCode: 200, wantOp: "reconcile explicit=true batch=0", wantBody: `"tasks": 3`},
		{name: "reconcile implicitly", path: "/v1/admin/reconcile", body: `{"type":"implicit"}`,
			wantCode: 200, wantOp: "reconcile explicit=false batch=0", wantBody: `"type": "implicit"`},
		{name: "reconcile of an unknown type", path: "/v1/admin/reconcile", body: `{"type":"full"}`,
			wantCode: 400, wantBody: "neither explicit nor implicit"},
		{name: "reconcile on a follower", path: "/v1/admin/reconcile", follower: true, wantCode: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.leader.Store(!tt.follower)
			f.sched.opErr = tt.opErr
			code, raw, e := send(t, http.MethodPost, f.url+tt.path, tt.body)
			if code != tt.wantCode || !(strings.Contains(raw, tt.wantBody) || strings.Contains(e.Error, tt.wantBody)) {
				t.Fatalf("POST %s = %d %s, want %d containing %q", tt.path, code, raw, tt.wantCode, tt.wantBody)
			}
			ops := f.sched.opCalls()
			switch {
			case tt.wantOp == "" && len(ops) != 0:
				t.Errorf("the scheduler was called: %v", ops)
			case tt.wantOp != "" && !reflect.DeepEqual(ops, []string{tt.wantOp}):
				t.Errorf("scheduler calls = %q, want [%q]", ops, tt.wantOp)
			}
		})
	}
}

func putTasks(t *testing.T, store *state.Store, tasks ...*state.Task) {
	t.Helper()
	if err := store.Apply(state.SaveTasks{Tasks: tasks}); err != nil {
		t.Fatal(err)
	}
}

func TestQueryTasksEndpoint(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.client.CreateJob(ctx, validJob("hello", 2)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.CreateJob(ctx, validJob("other", 1)); err != nil {
		t.Fatal(err)
	}
	run := &state.Task{ID: "www-data-prod-hello-1", JobKey: "www-data/prod/hello", Instance: 1, Status: taskstate.Running,
		Events: []state.Event{{Time: time.Unix(99, 0), Status: taskstate.Running}}}
	putTasks(t, f.store, run)
	tests := []struct {
		name  string
		query string
		want  []string
		code  int
	}{
		{"everything", "", []string{"www-data-prod-hello-0", "www-data-prod-hello-1", "www-data-prod-other-0"}, 200},
		{"a job", "role=www-data&env=prod&name=hello", []string{"www-data-prod-hello-0", "www-data-prod-hello-1"}, 200},
		{"a status", "status=running", []string{"www-data-prod-hello-1"}, 200},
		{"statuses and instances", "role=www-data&status=PENDING,RUNNING&instances=0", []string{"www-data-prod-hello-0", "www-data-prod-other-0"}, 200},
		{"an unknown status", "status=UP", nil, 400},
		{"a bad instance", "instances=x", nil, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, raw, _ := send(t, http.MethodGet, f.url+"/v1/tasks?"+tt.query, "")
			if code != tt.code {
				t.Fatalf("GET /v1/tasks?%s = %d %s, want %d", tt.query, code, raw, tt.code)
			}
			if code != 200 {
				return
			}
			q, err := parseTaskQuery(mustQuery(t, tt.query))
			if err != nil {
				t.Fatal(err)
			}
			list, err := f.client.QueryTasks(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, task := range list.Tasks {
				ids = append(ids, task.ID)
			}
			if !reflect.DeepEqual(ids, tt.want) {
				t.Errorf("tasks = %v, want %v", ids, tt.want)
			}
		})
	}
}

func TestQuotaEndpoint(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	info, err := f.client.Quota(ctx, "www-data")
	if err != nil || info.Quota != (Resources{}) || info.Consumption != (Consumption{}) {
		t.Fatalf("quota of a role with nothing = %+v, %v; want zeros", info, err)
	}
	if err := f.client.SetQuota(ctx, "www-data", Resources{CPU: 4, RAM: 4 << 30, Disk: 8 << 30}); err != nil {
		t.Fatal(err)
	}
	prod := validJob("prod", 2)
	prod.Tier = spec.TierPreferred
	if _, err := f.client.CreateJob(ctx, prod); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.CreateJob(ctx, validJob("best-effort", 1)); err != nil {
		t.Fatal(err)
	}
	info, err = f.client.Quota(ctx, "www-data")
	if err != nil {
		t.Fatal(err)
	}
	want := QuotaInfo{
		Role:  "www-data",
		Quota: Resources{CPU: 4, RAM: 4 << 30, Disk: 8 << 30},
		Consumption: Consumption{
			ProdShared:    Resources{CPU: 1, RAM: 128 * spec.MiB, Disk: 128 * spec.MiB},
			NonProdShared: Resources{CPU: 0.5, RAM: 64 * spec.MiB, Disk: 64 * spec.MiB},
		},
	}
	if !reflect.DeepEqual(*info, want) {
		t.Errorf("quota = %+v\nwant %+v", *info, want)
	}
}

func TestConsume(t *testing.T) {
	job := func(tier string, dedicated bool, cpu float64) *spec.Job {
		j := validJob("j", 1)
		j.Tier = tier
		j.Task.Resources = spec.Resources{CPU: cpu, RAM: int64(cpu * 1000), Disk: int64(cpu * 2000)}
		if dedicated {
			j.Constraints = map[string]string{spec.DedicatedAttribute: "www-data/db"}
		}
		return j
	}
	task := func(st taskstate.Status, cfg *spec.Job) *state.Task { return &state.Task{Status: st, Config: cfg} }
	tests := []struct {
		name  string
		tasks []*state.Task
		want  Consumption
	}{
		{"nothing", nil, Consumption{}},
		{"production shared counts every active state", []*state.Task{
			task(taskstate.Pending, job(spec.TierPreferred, false, 1)),
			task(taskstate.Running, job(spec.TierPreferred, false, 2)),
			task(taskstate.Killing, job(spec.TierPreferred, false, 4)),
		}, Consumption{ProdShared: Resources{CPU: 7, RAM: 7000, Disk: 14000}}},
		{"terminal tasks use nothing", []*state.Task{
			task(taskstate.Finished, job(spec.TierPreferred, false, 1)),
			task(taskstate.Killed, job(spec.TierPreemptible, false, 1)),
		}, Consumption{}},
		{"the four pools", []*state.Task{
			task(taskstate.Running, job(spec.TierPreferred, false, 1)),
			task(taskstate.Running, job(spec.TierPreferred, true, 2)),
			task(taskstate.Running, job(spec.TierPreemptible, false, 4)),
			task(taskstate.Running, job(spec.TierRevocable, true, 8)),
		}, Consumption{
			ProdShared:       Resources{CPU: 1, RAM: 1000, Disk: 2000},
			ProdDedicated:    Resources{CPU: 2, RAM: 2000, Disk: 4000},
			NonProdShared:    Resources{CPU: 4, RAM: 4000, Disk: 8000},
			NonProdDedicated: Resources{CPU: 8, RAM: 8000, Disk: 16000},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Consume(tt.tasks); got != tt.want {
				t.Errorf("Consume = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestClientWrites(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	key := spec.JobKey{Role: "www-data", Environment: "prod", Name: "hello"}
	if r, err := f.client.Restart(ctx, key, []int{0}, "m"); err != nil || !reflect.DeepEqual(r.Restarted, []string{"www-data/prod/hello-restarted"}) {
		t.Errorf("Restart = %+v, %v", r, err)
	}
	if r, err := f.client.AddInstances(ctx, key, 0, 1); err != nil || !reflect.DeepEqual(r.Instances, []int{7}) {
		t.Errorf("AddInstances = %+v, %v", r, err)
	}
	if r, err := f.client.Prune(ctx, PruneRequest{Role: "www-data"}); err != nil || r.Pruned == nil {
		t.Errorf("Prune = %+v, %v; want an empty list", r, err)
	}
	if r, err := f.client.Reconcile(ctx, ReconcileRequest{Type: "implicit"}); err != nil || r.Type != "implicit" {
		t.Errorf("Reconcile = %+v, %v", r, err)
	}
	want := []string{`restart www-data/prod/hello [0] "m"`, "add www-data/prod/hello from 0 count 1",
		"prune www-data// [] limit 0", "reconcile explicit=false batch=0"}
	if got := f.sched.opCalls(); !reflect.DeepEqual(got, want) {
		t.Errorf("scheduler calls = %q\nwant %q", got, want)
	}
}

func mustQuery(t *testing.T, raw string) map[string][]string {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
