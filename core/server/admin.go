package server

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/state"
)

// adminRoutes mounts Aurora's admin verbs. Every write is leader-only and
// reaches the leader through forwardWrites.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	leaderOnly := func(h http.HandlerFunc) http.Handler {
		return s.forwardWrites(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !s.node.IsLeader() {
				writeErr(w, http.StatusServiceUnavailable, "this scheduler is not the leader; retry against the leader")
				return
			}
			h(w, r)
		}))
	}
	mux.HandleFunc("GET /v1/admin/scheduler", s.getScheduler)
	mux.Handle("POST /v1/admin/snapshot", leaderOnly(func(w http.ResponseWriter, r *http.Request) {
		if err := s.node.Snapshot(); err != nil {
			writeErr(w, http.StatusInternalServerError, err.Error())
			return
		}
		writeJSON(w, map[string]string{"result": "snapshot taken"})
	}))
	mux.Handle("POST /v1/admin/backups", leaderOnly(func(w http.ResponseWriter, r *http.Request) {
		id, err := s.backups.Backup()
		if err != nil {
			writeErr(w, http.StatusInternalServerError, err.Error())
			return
		}
		writeJSON(w, api.BackupResponse{ID: id})
	}))
	mux.HandleFunc("GET /v1/admin/backups", func(w http.ResponseWriter, r *http.Request) {
		ids, err := s.backups.List()
		if err != nil {
			writeErr(w, http.StatusInternalServerError, err.Error())
			return
		}
		writeJSON(w, api.BackupList{Backups: append([]string{}, ids...)})
	})
	mux.Handle("POST /v1/admin/recovery/stage", leaderOnly(s.stageRecovery))
	mux.Handle("POST /v1/admin/recovery/tasks", leaderOnly(s.recoveryTasks))
	mux.Handle("POST /v1/admin/recovery/delete", leaderOnly(s.deleteRecoveryTasks))
	mux.Handle("POST /v1/admin/recovery/commit", leaderOnly(s.commitRecovery))
	mux.Handle("POST /v1/admin/recovery/unload", leaderOnly(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.recovery = nil
		s.mu.Unlock()
		writeJSON(w, map[string]string{"result": "recovery unloaded"})
	}))
}

func (s *Server) getScheduler(w http.ResponseWriter, _ *http.Request) {
	id, _ := s.node.Leader()
	addr, _ := s.leaderHTTP()
	writeJSON(w, api.SchedulerInfo{LeaderID: id, LeaderHTTP: addr, ThisNode: s.cfg.Raft.NodeID, Leading: s.node.IsLeader() && s.scheduler() != nil})
}

func (s *Server) stageRecovery(w http.ResponseWriter, r *http.Request) {
	var req api.StageRecoveryRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.ID == "" {
		writeErr(w, http.StatusBadRequest, `the body must be {"id": "<backup id>"}; scheduler_list_backups lists them`)
		return
	}
	staged, err := s.backups.Load(req.ID)
	if err != nil {
		writeErr(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	s.recovery = staged
	s.mu.Unlock()
	writeJSON(w, map[string]string{"result": "staged " + req.ID})
}

// staged returns the staged recovery or answers 409.
func (s *Server) staged(w http.ResponseWriter) *state.Store {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recovery == nil {
		writeErr(w, http.StatusConflict, "no recovery is staged; run scheduler_stage_recovery first")
	}
	return s.recovery
}

func (s *Server) recoveryTasks(w http.ResponseWriter, _ *http.Request) {
	staged := s.staged(w)
	if staged == nil {
		return
	}
	tasks, err := staged.AllTasks()
	if err != nil {
		writeErr(w, http.StatusInternalServerError, err.Error())
		return
	}
	out := api.RecoveryTasks{Tasks: []*state.Task{}}
	for _, t := range tasks {
		if t.Status.Active() {
			out.Tasks = append(out.Tasks, t)
		}
	}
	sort.Slice(out.Tasks, func(i, j int) bool { return out.Tasks[i].ID < out.Tasks[j].ID })
	writeJSON(w, out)
}

func (s *Server) deleteRecoveryTasks(w http.ResponseWriter, r *http.Request) {
	var req api.DeleteRecoveryTasksRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.IDs) == 0 {
		writeErr(w, http.StatusBadRequest, `the body must be {"ids": ["<task id>", ...]}`)
		return
	}
	staged := s.staged(w)
	if staged == nil {
		return
	}
	if err := staged.Apply(state.DeleteTasks{IDs: req.IDs}); err != nil {
		writeErr(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, map[string]int{"deleted": len(req.IDs)})
}

func (s *Server) commitRecovery(w http.ResponseWriter, r *http.Request) {
	staged := s.staged(w)
	if staged == nil {
		return
	}
	if err := s.node.Restore(r.Context(), staged); err != nil {
		writeErr(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.mu.Lock()
	s.recovery = nil
	s.mu.Unlock()
	// The backup may name an older leader; record this one again.
	if err := s.recordLeadership(r.Context()); err != nil {
		s.logger.Warn("cannot record leadership after recovery", "error", err)
	}
	s.logger.Warn("live state replaced by a staged recovery")
	writeJSON(w, map[string]string{"result": "recovery committed"})
}

func writeJSON(w http.ResponseWriter, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeErr(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
