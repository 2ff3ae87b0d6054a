package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// getQuota answers GET /v1/quotas/{role} (Aurora's getQuota).
func (s *Server) getQuota(w http.ResponseWriter, r *http.Request) {
	role := r.PathValue("role")
	q, err := s.store.Quota(role)
	if err != nil {
		s.internal(w, "read quota", err)
		return
	}
	tasks, err := s.store.QueryTasks(state.TaskQuery{Role: role})
	if err != nil {
		s.internal(w, "read tasks", err)
		return
	}
	out := QuotaInfo{Role: role, Consumption: Consume(tasks)}
	if q != nil {
		out.Quota = Resources{CPU: q.CPU, RAM: q.RAM, Disk: q.Disk}
	}
	writeJSON(w, http.StatusOK, out)
}

// setQuota answers POST /v1/admin/quotas/{role} (Aurora's setQuota).
func (s *Server) setQuota(w http.ResponseWriter, r *http.Request) {
	var req Resources
	if r.ContentLength == 0 {
		writeError(w, http.StatusBadRequest, Error{Error: `the body must be {"cpu": N, "ram": BYTES, "disk": BYTES}`})
		return
	}
	if !decode(w, r, &req) {
		return
	}
	if !s.requireLeader(w) {
		return
	}
	q := state.Quota{Role: r.PathValue("role"), CPU: req.CPU, RAM: req.RAM, Disk: req.Disk}
	if err := s.sched.SetQuota(r.Context(), q); err != nil {
		s.fail(w, "set quota", err)
		return
	}
	writeJSON(w, http.StatusOK, req)
}

// prune answers POST /v1/admin/prune (Aurora's pruneTasks).
func (s *Server) prune(w http.ResponseWriter, r *http.Request) {
	var req PruneRequest
	if !decode(w, r, &req) {
		return
	}
	q := state.TaskQuery{Role: req.Role, Environment: req.Environment, Name: req.Name}
	for _, name := range req.Statuses {
		st, err := taskstate.ParseStatus(strings.ToUpper(name))
		if err != nil {
			writeError(w, http.StatusBadRequest, Error{Error: err.Error() + "; use FINISHED, FAILED, KILLED or LOST"})
			return
		}
		q.Statuses = append(q.Statuses, st)
	}
	if !s.requireLeader(w) {
		return
	}
	ids, err := s.sched.PruneTasks(r.Context(), q, req.Limit)
	if err != nil {
		s.fail(w, "prune", err)
		return
	}
	if ids == nil {
		ids = []string{}
	}
	writeJSON(w, http.StatusOK, PruneResponse{Pruned: ids})
}

// reconcile answers POST /v1/admin/reconcile (Aurora's
// triggerExplicitTaskReconciliation and triggerImplicitTaskReconciliation).
func (s *Server) reconcile(w http.ResponseWriter, r *http.Request) {
	var req ReconcileRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Type == "" {
		req.Type = "explicit"
	}
	if req.Type != "explicit" && req.Type != "implicit" {
		writeError(w, http.StatusBadRequest, Error{Error: fmt.Sprintf("reconciliation type %q is neither explicit nor implicit", req.Type)})
		return
	}
	if !s.requireLeader(w) {
		return
	}
	n, err := s.sched.Reconcile(r.Context(), req.Type == "explicit", req.BatchSize)
	if err != nil {
		s.fail(w, "reconcile", err)
		return
	}
	writeJSON(w, http.StatusOK, ReconcileResponse{Type: req.Type, Tasks: n})
}
