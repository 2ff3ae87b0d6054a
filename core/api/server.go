package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
)

// Scheduler is what the API needs from the leader.
type Scheduler interface {
	CreateJob(ctx context.Context, job *spec.Job) ([]string, error)
	KillTasks(ctx context.Context, key string, instances []int, message string) ([]string, error)
	RestartTasks(ctx context.Context, key string, instances []int, message string) ([]string, error)
	AddInstances(ctx context.Context, key string, from, count int) (instances []int, taskIDs []string, err error)
	PruneTasks(ctx context.Context, q state.TaskQuery, limit int) ([]string, error)
	Reconcile(ctx context.Context, explicit bool, batchSize int) (int, error)
	SetQuota(ctx context.Context, q state.Quota) error
	PendingReason(taskID string) string
}

// badRequest is an error the scheduler returns for a request it refuses
// as it stands; it is answered with 400 and the error's text.
type badRequest interface {
	BadRequest() bool
}

// Store is what the API reads.
type Store interface {
	Job(key string) (*state.Job, error)
	Jobs(pattern string) ([]*state.Job, error)
	TasksOfJob(key string) ([]*state.Task, error)
	QueryTasks(q state.TaskQuery) ([]*state.Task, error)
	Quota(role string) (*state.Quota, error)
}

// Leadership reports whether this replica leads; nil means always.
type Leadership func() bool

// Server serves the API.
type Server struct {
	sched    Scheduler
	store    Store
	isLeader Leadership
	logger   hclog.Logger
	mux      *http.ServeMux
	notFound error
}

// NewServer builds the handler. notFound is the scheduler's "no such job"
// error, answered with 404.
func NewServer(sched Scheduler, store Store, isLeader Leadership, notFound error, logger hclog.Logger) *Server {
	if isLeader == nil {
		isLeader = func() bool { return true }
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	s := &Server{sched: sched, store: store, isLeader: isLeader, notFound: notFound, logger: logger.Named("api"), mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "OK") })
	s.mux.HandleFunc("GET /leaderhealth", s.leaderHealth)
	s.mux.HandleFunc("POST /v1/jobs", s.createJob)
	s.mux.HandleFunc("GET /v1/jobs", s.listJobs)
	s.mux.HandleFunc("GET /v1/jobs/{role}/{env}/{name}", s.jobStatus)
	s.mux.HandleFunc("POST /v1/jobs/{role}/{env}/{name}/kill", s.kill)
	s.mux.HandleFunc("POST /v1/jobs/{role}/{env}/{name}/restart", s.restart)
	s.mux.HandleFunc("POST /v1/jobs/{role}/{env}/{name}/instances", s.addInstances)
	s.mux.HandleFunc("GET /v1/tasks", s.queryTasks)
	s.mux.HandleFunc("GET /v1/quotas/{role}", s.getQuota)
	s.mux.HandleFunc("POST /v1/admin/quotas/{role}", s.setQuota)
	s.mux.HandleFunc("POST /v1/admin/prune", s.prune)
	s.mux.HandleFunc("POST /v1/admin/reconcile", s.reconcile)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) leaderHealth(w http.ResponseWriter, _ *http.Request) {
	if !s.isLeader() {
		http.Error(w, "not the leader", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprint(w, "OK")
}

func (s *Server) createJob(w http.ResponseWriter, r *http.Request) {
	var req CreateJobRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		err = dec.Decode(&req)
	}
	if err == nil {
		// spec's types decode over Aurora's defaults in their own
		// UnmarshalJSON, which DisallowUnknownFields does not reach.
		err = spec.CheckUnknownFields(body, &req)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, Error{Error: "malformed request body: " + err.Error()})
		return
	}
	if req.Job == nil {
		writeError(w, http.StatusBadRequest, Error{Error: `the request needs a "job"`})
		return
	}
	if !s.requireLeader(w) {
		return
	}
	ids, err := s.sched.CreateJob(r.Context(), req.Job)
	var fieldErrs spec.FieldErrors
	var br badRequest
	switch {
	case errors.As(err, &fieldErrs):
		writeError(w, http.StatusBadRequest, Error{Error: "invalid job: " + err.Error(), Details: fieldErrs})
	case errors.Is(err, state.ErrJobExists):
		writeError(w, http.StatusConflict, Error{Error: fmt.Sprintf("job %s already exists; kill it first or choose another name", req.Job.Key)})
	case errors.As(err, &br) && br.BadRequest():
		// Refused as it stands, e.g. over the role's quota.
		writeError(w, http.StatusBadRequest, Error{Error: err.Error()})
	case err != nil:
		s.internal(w, "create job", err)
	default:
		writeJSON(w, http.StatusOK, CreateJobResponse{Key: req.Job.Key.String(), Tasks: ids})
	}
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	jobs, err := s.store.Jobs(r.URL.Query().Get("pattern"))
	if err != nil {
		writeError(w, http.StatusBadRequest, Error{Error: err.Error()})
		return
	}
	out := make([]JobSummary, 0, len(jobs))
	for _, j := range jobs {
		tasks, err := s.store.TasksOfJob(j.Key)
		if err != nil {
			s.internal(w, "list tasks", err)
			return
		}
		sum := JobSummary{Key: j.Key, Cluster: j.Spec.Cluster, Service: j.Spec.Service, Instances: j.Spec.Instances, Statuses: map[string]int{}}
		for _, t := range tasks {
			sum.Statuses[t.Status.String()]++
		}
		out = append(out, sum)
	}
	writeJSON(w, http.StatusOK, out)
}

func jobKey(r *http.Request) string {
	return spec.JobKey{Role: r.PathValue("role"), Environment: r.PathValue("env"), Name: r.PathValue("name")}.String()
}

func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request) {
	key := jobKey(r)
	job, err := s.store.Job(key)
	if err != nil {
		s.internal(w, "read job", err)
		return
	}
	tasks, err := s.store.TasksOfJob(key)
	if err != nil {
		s.internal(w, "read tasks", err)
		return
	}
	if job == nil && len(tasks) == 0 {
		writeError(w, http.StatusNotFound, Error{Error: "no job " + key + "; `aurora job list` shows the jobs there are"})
		return
	}
	st := JobStatus{Key: key, Tasks: make([]TaskStatus, 0, len(tasks))}
	if job != nil {
		st.Job = job.Spec
	}
	for _, t := range tasks {
		st.Tasks = append(st.Tasks, TaskStatus{Task: t, PendingReason: s.sched.PendingReason(t.ID)})
	}
	sort.Slice(st.Tasks, func(i, j int) bool {
		a, b := st.Tasks[i], st.Tasks[j]
		if a.Instance != b.Instance {
			return a.Instance < b.Instance
		}
		return a.Created().Before(b.Created())
	})
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) kill(w http.ResponseWriter, r *http.Request) {
	var req KillRequest
	if r.ContentLength != 0 {
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, Error{Error: "malformed request body: " + err.Error()})
			return
		}
	}
	for _, i := range req.Instances {
		if i < 0 {
			writeError(w, http.StatusBadRequest, Error{Error: fmt.Sprintf("instance %d is negative", i)})
			return
		}
	}
	if !s.requireLeader(w) {
		return
	}
	killed, err := s.sched.KillTasks(r.Context(), jobKey(r), req.Instances, req.Message)
	switch {
	case err != nil && s.notFound != nil && errors.Is(err, s.notFound):
		writeError(w, http.StatusNotFound, Error{Error: err.Error()})
	case err != nil:
		s.internal(w, "kill", err)
	default:
		if killed == nil {
			killed = []string{}
		}
		writeJSON(w, http.StatusOK, KillResponse{Killed: killed})
	}
}

// fail answers an error of the scheduler: 404 for an unknown job, 400 for
// a refused request, 500 for anything else.
func (s *Server) fail(w http.ResponseWriter, what string, err error) {
	var br badRequest
	switch {
	case s.notFound != nil && errors.Is(err, s.notFound):
		writeError(w, http.StatusNotFound, Error{Error: err.Error() + "; `aurora job list` shows the jobs there are"})
	case errors.As(err, &br) && br.BadRequest():
		writeError(w, http.StatusBadRequest, Error{Error: err.Error()})
	default:
		s.internal(w, what, err)
	}
}

// decode reads a JSON body into v, refusing unknown fields. An empty body
// leaves v as it is. It answers 400 and returns false on a bad body.
func decode(w http.ResponseWriter, r *http.Request, v interface{}) bool {
	if r.ContentLength == 0 {
		return true
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, Error{Error: "malformed request body: " + err.Error()})
		return false
	}
	return true
}

func (s *Server) requireLeader(w http.ResponseWriter) bool {
	if s.isLeader() {
		return true
	}
	writeError(w, http.StatusServiceUnavailable, Error{Error: "this scheduler is not the leader; retry against the leader"})
	return false
}

func (s *Server) internal(w http.ResponseWriter, what string, err error) {
	s.logger.Error("request failed", "op", what, "error", err)
	writeError(w, http.StatusInternalServerError, Error{Error: what + ": " + err.Error()})
}

func writeJSON(w http.ResponseWriter, code int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, e Error) { writeJSON(w, code, e) }
