package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

var errNoSuchJob = errors.New("no such job")

type killCall struct {
	key       string
	instances []int
	message   string
}

// fakeScheduler validates and commits jobs to a real store, as the real
// scheduler does, and records kills.
type fakeScheduler struct {
	store *state.Store

	mu      sync.Mutex
	creates int
	kills   []killCall
	reasons map[string]string
	killed  []string

	// The other writes record their arguments in ops and answer with
	// opErr, if set.
	ops   []string
	opErr error
}

func (f *fakeScheduler) op(format string, args ...interface{}) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = append(f.ops, fmt.Sprintf(format, args...))
	return f.opErr
}

func (f *fakeScheduler) RestartTasks(_ context.Context, key string, instances []int, message string) ([]string, error) {
	if err := f.op("restart %s %v %q", key, instances, message); err != nil {
		return nil, err
	}
	return []string{key + "-restarted"}, nil
}

func (f *fakeScheduler) AddInstances(_ context.Context, key string, from, count int) ([]int, []string, error) {
	if err := f.op("add %s from %d count %d", key, from, count); err != nil {
		return nil, nil, err
	}
	return []int{7}, []string{"t-7"}, nil
}

func (f *fakeScheduler) PruneTasks(_ context.Context, q state.TaskQuery, limit int) ([]string, error) {
	if err := f.op("prune %s/%s/%s %v limit %d", q.Role, q.Environment, q.Name, q.Statuses, limit); err != nil {
		return nil, err
	}
	return nil, nil
}

func (f *fakeScheduler) Reconcile(_ context.Context, explicit bool, batch int) (int, error) {
	if err := f.op("reconcile explicit=%v batch=%d", explicit, batch); err != nil {
		return 0, err
	}
	return 3, nil
}

func (f *fakeScheduler) SetQuota(_ context.Context, q state.Quota) error {
	if err := f.op("quota %s %g %d %d", q.Role, q.CPU, q.RAM, q.Disk); err != nil {
		return err
	}
	return f.store.Apply(state.SetQuota{Quota: &q})
}

func (f *fakeScheduler) opCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.ops...)
}

func (f *fakeScheduler) CreateJob(_ context.Context, job *spec.Job) ([]string, error) {
	f.mu.Lock()
	f.creates++
	f.mu.Unlock()
	job.ApplyDefaults()
	if err := job.Validate().Err(); err != nil {
		return nil, err
	}
	key := job.Key.String()
	cmd := state.CreateJob{Job: &state.Job{Key: key, Spec: job}}
	var ids []string
	for i := 0; i < job.Instances; i++ {
		id := fmt.Sprintf("%s-%s-%s-%d", job.Key.Role, job.Key.Environment, job.Key.Name, i)
		ids = append(ids, id)
		cmd.Tasks = append(cmd.Tasks, &state.Task{ID: id, JobKey: key, Instance: i, Status: taskstate.Pending, Config: job,
			Events: []state.Event{{Time: time.Unix(int64(100-i), 0), Status: taskstate.Pending}}})
	}
	if err := f.store.Apply(cmd); err != nil {
		return nil, err
	}
	return ids, nil
}

func (f *fakeScheduler) KillTasks(_ context.Context, key string, instances []int, message string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kills = append(f.kills, killCall{key: key, instances: instances, message: message})
	if j, _ := f.store.Job(key); j == nil {
		return nil, fmt.Errorf("%w: %s", errNoSuchJob, key)
	}
	return f.killed, nil
}

func (f *fakeScheduler) PendingReason(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reasons[id]
}

func (f *fakeScheduler) calls() (creates int, kills []killCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.creates, append([]killCall(nil), f.kills...)
}

type fixture struct {
	sched  *fakeScheduler
	store  *state.Store
	leader *atomic.Bool
	url    string
	client *Client
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	store, err := state.NewStore()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{sched: &fakeScheduler{store: store, reasons: map[string]string{}}, store: store, leader: &atomic.Bool{}}
	f.leader.Store(true)
	ts := httptest.NewServer(NewServer(f.sched, store, f.leader.Load, errNoSuchJob, nil))
	t.Cleanup(ts.Close)
	f.url = ts.URL
	f.client = NewClient(ts.URL + "/")
	return f
}

func validJob(name string, instances int) *spec.Job {
	return &spec.Job{
		Cluster:   "local",
		Key:       spec.JobKey{Role: "www-data", Environment: "prod", Name: name},
		Service:   true,
		Instances: instances,
		Task: spec.Task{
			Processes: []spec.Process{{Name: "hello", Cmdline: "echo hello"}},
			Resources: spec.Resources{CPU: 0.5, RAM: 64 * spec.MiB, Disk: 64 * spec.MiB},
		},
	}
}

// send makes a raw request and decodes an error body when there is one.
func send(t *testing.T, method, url, body string) (int, string, Error) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body = http.NoBody
		req.ContentLength = 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var e Error
	if resp.StatusCode/100 != 2 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("error body is not JSON: %q", raw)
		}
	}
	return resp.StatusCode, string(raw), e
}

func jobBody(t *testing.T, j *spec.Job) string {
	t.Helper()
	raw, err := json.Marshal(CreateJobRequest{Job: j})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestHealth(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name     string
		path     string
		leader   bool
		wantCode int
		wantBody string
	}{
		{"health as leader", "/health", true, 200, "OK"},
		{"health as follower", "/health", false, 200, "OK"},
		{"leaderhealth as leader", "/leaderhealth", true, 200, "OK"},
		{"leaderhealth as follower", "/leaderhealth", false, 503, "not the leader\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.leader.Store(tt.leader)
			code, body, _ := send(t, http.MethodGet, f.url+tt.path, "")
			if code != tt.wantCode || body != tt.wantBody {
				t.Errorf("GET %s = %d %q, want %d %q", tt.path, code, body, tt.wantCode, tt.wantBody)
			}
		})
	}
}

func TestCreateJobRejectsBadRequests(t *testing.T) {
	invalid := validJob("hello", 0)
	invalid.Task.Resources.CPU = 0
	tests := []struct {
		name        string
		body        string
		wantErr     string
		wantDetails []string // field paths
		wantCalled  bool
	}{
		{
			name:        "invalid job",
			body:        jobBody(t, invalid),
			wantErr:     "invalid job: ",
			wantDetails: []string{"instances", "task.resources.cpu"},
			wantCalled:  true,
		},
		{"unknown top-level field", `{"job":{},"bogus":1}`, `malformed request body: json: unknown field "bogus"`, nil, false},
		{"unknown job field", `{"job":{"instancez":2}}`, `malformed request body: json: unknown field "instancez"`, nil, false},
		{"not JSON", `job: hello`, "malformed request body: ", nil, false},
		{"no job", `{}`, `the request needs a "job"`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			code, raw, e := send(t, http.MethodPost, f.url+"/v1/jobs", tt.body)
			if code != http.StatusBadRequest {
				t.Fatalf("code = %d (%s), want 400", code, raw)
			}
			if !strings.HasPrefix(e.Error, tt.wantErr) {
				t.Errorf("error = %q, want prefix %q", e.Error, tt.wantErr)
			}
			var paths []string
			for _, d := range e.Details {
				paths = append(paths, d.Path)
				if d.Message == "" {
					t.Errorf("detail %q has no message", d.Path)
				}
			}
			if !reflect.DeepEqual(paths, tt.wantDetails) {
				t.Errorf("detail paths = %v, want %v", paths, tt.wantDetails)
			}
			if creates, _ := f.sched.calls(); (creates > 0) != tt.wantCalled {
				t.Errorf("scheduler CreateJob called %d times, want called=%v", creates, tt.wantCalled)
			}
			if jobs, _ := f.store.Jobs(""); len(jobs) != 0 {
				t.Errorf("a rejected request left %d jobs in the store", len(jobs))
			}
		})
	}
}

func TestCreateJobConflict(t *testing.T) {
	f := newFixture(t)
	body := jobBody(t, validJob("hello", 2))
	if code, raw, _ := send(t, http.MethodPost, f.url+"/v1/jobs", body); code != 200 {
		t.Fatalf("first create = %d %s, want 200", code, raw)
	}
	code, _, e := send(t, http.MethodPost, f.url+"/v1/jobs", body)
	if code != http.StatusConflict {
		t.Fatalf("second create = %d, want 409", code)
	}
	if !strings.Contains(e.Error, "www-data/prod/hello already exists") {
		t.Errorf("error = %q, want it to name the job", e.Error)
	}
	if tasks, _ := f.store.TasksOfJob("www-data/prod/hello"); len(tasks) != 2 {
		t.Errorf("job has %d tasks after a conflicting create, want 2", len(tasks))
	}
}

func TestUnknownJobIs404(t *testing.T) {
	f := newFixture(t)
	code, _, e := send(t, http.MethodGet, f.url+"/v1/jobs/www-data/prod/nope", "")
	if code != http.StatusNotFound || !strings.Contains(e.Error, "www-data/prod/nope") {
		t.Errorf("status of unknown job = %d %q, want 404 naming the job", code, e.Error)
	}
	code, _, e = send(t, http.MethodPost, f.url+"/v1/jobs/www-data/prod/nope/kill", "")
	if code != http.StatusNotFound || e.Error != "no such job: www-data/prod/nope" {
		t.Errorf("kill of unknown job = %d %q, want 404 with the scheduler's not-found error", code, e.Error)
	}
}

func TestWritesNeedTheLeader(t *testing.T) {
	tests := []struct {
		name, path, body string
	}{
		{"create", "/v1/jobs", jobBody(t, validJob("hello", 1))},
		{"kill", "/v1/jobs/www-data/prod/hello/kill", `{"instances":[0]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.leader.Store(false)
			code, _, e := send(t, http.MethodPost, f.url+tt.path, tt.body)
			if code != http.StatusServiceUnavailable || !strings.Contains(e.Error, "not the leader") {
				t.Errorf("POST %s as follower = %d %q, want 503 not the leader", tt.path, code, e.Error)
			}
			if creates, kills := f.sched.calls(); creates != 0 || len(kills) != 0 {
				t.Errorf("a follower called the scheduler: %d creates, %d kills", creates, len(kills))
			}
		})
	}
}

func TestKillRequestValidation(t *testing.T) {
	tests := []struct {
		name, body    string
		wantCode      int
		wantInstances []int
		wantMessage   string
	}{
		{"no body kills the job", "", 200, nil, ""},
		{"instances and message", `{"instances":[2,0],"message":"bye"}`, 200, []int{2, 0}, "bye"},
		{"negative instance", `{"instances":[-1]}`, 400, nil, ""},
		{"unknown field", `{"instance":[1]}`, 400, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if _, err := f.sched.CreateJob(context.Background(), validJob("hello", 3)); err != nil {
				t.Fatal(err)
			}
			code, raw, _ := send(t, http.MethodPost, f.url+"/v1/jobs/www-data/prod/hello/kill", tt.body)
			if code != tt.wantCode {
				t.Fatalf("code = %d (%s), want %d", code, raw, tt.wantCode)
			}
			_, kills := f.sched.calls()
			if tt.wantCode != 200 {
				if len(kills) != 0 {
					t.Errorf("a rejected kill reached the scheduler: %+v", kills)
				}
				return
			}
			want := []killCall{{key: "www-data/prod/hello", instances: tt.wantInstances, message: tt.wantMessage}}
			if !reflect.DeepEqual(kills, want) {
				t.Errorf("kills = %+v, want %+v", kills, want)
			}
			if raw != "{\n  \"killed\": []\n}\n" {
				t.Errorf("body = %q, want an empty killed list, not null", raw)
			}
		})
	}
}

func TestClientAgainstServer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	created, err := f.client.CreateJob(ctx, validJob("hello", 2))
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	wantIDs := []string{"www-data-prod-hello-0", "www-data-prod-hello-1"}
	if created.Key != "www-data/prod/hello" || !reflect.DeepEqual(created.Tasks, wantIDs) {
		t.Errorf("CreateJob = %+v, want key www-data/prod/hello and tasks %v", created, wantIDs)
	}
	if _, err := f.client.CreateJob(ctx, validJob("other", 1)); err != nil {
		t.Fatalf("CreateJob other: %v", err)
	}
	f.sched.mu.Lock()
	f.sched.reasons["www-data-prod-hello-1"] = "Insufficient resources: cpus"
	f.sched.mu.Unlock()

	st, err := f.client.JobStatus(ctx, spec.JobKey{Role: "www-data", Environment: "prod", Name: "hello"})
	if err != nil {
		t.Fatalf("JobStatus: %v", err)
	}
	if st.Key != "www-data/prod/hello" || st.Job == nil || st.Job.Instances != 2 {
		t.Fatalf("JobStatus = %+v, want the job with 2 instances", st)
	}
	if len(st.Tasks) != 2 || st.Tasks[0].Instance != 0 || st.Tasks[1].Instance != 1 {
		t.Fatalf("tasks = %+v, want instances 0 and 1 in order", st.Tasks)
	}
	if st.Tasks[0].Status != taskstate.Pending || st.Tasks[0].PendingReason != "" ||
		st.Tasks[1].PendingReason != "Insufficient resources: cpus" {
		t.Errorf("tasks = %+v, want PENDING with the scheduler's pending reasons", st.Tasks)
	}

	jobs, err := f.client.ListJobs(ctx, "www-data/prod/h*")
	if err != nil {
		t.Fatalf("ListJobs: %v", err)
	}
	wantJobs := []JobSummary{{Key: "www-data/prod/hello", Cluster: "local", Service: true, Instances: 2, Statuses: map[string]int{"PENDING": 2}}}
	if !reflect.DeepEqual(jobs, wantJobs) {
		t.Errorf("ListJobs = %+v, want %+v", jobs, wantJobs)
	}
	all, err := f.client.ListJobs(ctx, "")
	if err != nil || len(all) != 2 {
		t.Errorf("ListJobs(\"\") = %d jobs, %v; want 2", len(all), err)
	}

	f.sched.mu.Lock()
	f.sched.killed = []string{"www-data-prod-hello-1"}
	f.sched.mu.Unlock()
	kr, err := f.client.Kill(ctx, spec.JobKey{Role: "www-data", Environment: "prod", Name: "hello"}, []int{1}, "scale down")
	if err != nil {
		t.Fatalf("Kill: %v", err)
	}
	if !reflect.DeepEqual(kr.Killed, []string{"www-data-prod-hello-1"}) {
		t.Errorf("Kill = %+v", kr)
	}
	_, kills := f.sched.calls()
	if want := (killCall{key: "www-data/prod/hello", instances: []int{1}, message: "scale down"}); len(kills) != 1 || !reflect.DeepEqual(kills[0], want) {
		t.Errorf("scheduler saw kills %+v, want [%+v]", kills, want)
	}
}

func TestClientKillKeepsNilAndEmptyApart(t *testing.T) {
	// nil means the whole job; an empty list means no instance at all and
	// must not turn into a kill of every instance on the way.
	tests := []struct {
		name      string
		instances []int
		wantNil   bool
	}{
		{"nil kills the job", nil, true},
		{"empty kills nothing", []int{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			if _, err := f.client.CreateJob(ctx, validJob("hello", 1)); err != nil {
				t.Fatal(err)
			}
			if _, err := f.client.Kill(ctx, spec.JobKey{Role: "www-data", Environment: "prod", Name: "hello"}, tt.instances, ""); err != nil {
				t.Fatalf("Kill: %v", err)
			}
			_, kills := f.sched.calls()
			if len(kills) != 1 {
				t.Fatalf("scheduler saw %d kills, want 1", len(kills))
			}
			if got := kills[0].instances == nil; got != tt.wantNil {
				t.Errorf("scheduler got instances %#v; nil=%v, want nil=%v", kills[0].instances, got, tt.wantNil)
			}
		})
	}
}

func TestClientAPIErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	key := spec.JobKey{Role: "www-data", Environment: "prod", Name: "nope"}

	_, err := f.client.JobStatus(ctx, key)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 404 || !strings.Contains(apiErr.Body.Error, "no job www-data/prod/nope") {
		t.Errorf("JobStatus of unknown job: %v, want APIError 404", err)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "scheduler answered 404: no job") {
		t.Errorf("error text = %q", err.Error())
	}

	bad := validJob("bad", 1)
	bad.Key.Environment = "qa"
	_, err = f.client.CreateJob(ctx, bad)
	if !errors.As(err, &apiErr) || apiErr.Code != 400 {
		t.Fatalf("CreateJob invalid: %v, want APIError 400", err)
	}
	if len(apiErr.Body.Details) != 1 || apiErr.Body.Details[0].Path != "environment" {
		t.Errorf("details = %+v, want one for environment", apiErr.Body.Details)
	}

	f.leader.Store(false)
	f.client.ElectionWait = 0 // no election to wait out: answer at once
	_, err = f.client.Kill(ctx, key, nil, "")
	if !errors.As(err, &apiErr) || apiErr.Code != 503 {
		t.Errorf("Kill as follower: %v, want APIError 503", err)
	}
}

func TestClientWaitsOutAnElection(t *testing.T) {
	f := newFixture(t)
	f.leader.Store(false)
	f.client.ElectionWait = 10 * time.Second
	time.AfterFunc(150*time.Millisecond, func() { f.leader.Store(true) })
	start := time.Now()
	if _, err := f.client.CreateJob(context.Background(), validJob("hello", 1)); err != nil {
		t.Fatalf("CreateJob across an election: %v", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("CreateJob returned after %s, before there was a leader", d)
	}
	if creates, _ := f.sched.calls(); creates != 1 {
		t.Errorf("scheduler CreateJob called %d times, want once (503s are not carried out)", creates)
	}
}

func TestClientNonJSONErrorBody(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "upstream went away", http.StatusBadGateway)
	}))
	defer ts.Close()
	_, err := NewClient(ts.URL).ListJobs(context.Background(), "")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 502 || apiErr.Body.Error != "upstream went away" {
		t.Errorf("got %#v, want APIError 502 with the plain-text body", err)
	}
}

func TestClientUnreachable(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	_, err := NewClient(url).ListJobs(context.Background(), "")
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("got %v, want ErrUnreachable", err)
	}
}
