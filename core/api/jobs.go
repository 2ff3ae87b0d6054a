package api

import (
	"fmt"
	"net/http"
)

func (s *Server) restart(w http.ResponseWriter, r *http.Request) {
	var req RestartRequest
	if !decode(w, r, &req) {
		return
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
	ids, err := s.sched.RestartTasks(r.Context(), jobKey(r), req.Instances, req.Message)
	if err != nil {
		s.fail(w, "restart", err)
		return
	}
	if ids == nil {
		ids = []string{}
	}
	writeJSON(w, http.StatusOK, RestartResponse{Restarted: ids})
}

func (s *Server) addInstances(w http.ResponseWriter, r *http.Request) {
	req := AddInstancesRequest{From: -1}
	if !decode(w, r, &req) {
		return
	}
	switch {
	case req.From < 0:
		writeError(w, http.StatusBadRequest, Error{Error: `the body must name the instance to copy: {"from": N, "count": M}`})
		return
	case req.Count < 1:
		writeError(w, http.StatusBadRequest, Error{Error: fmt.Sprintf("count must be at least 1, not %d", req.Count)})
		return
	}
	if !s.requireLeader(w) {
		return
	}
	instances, ids, err := s.sched.AddInstances(r.Context(), jobKey(r), req.From, req.Count)
	if err != nil {
		s.fail(w, "add instances", err)
		return
	}
	writeJSON(w, http.StatusOK, AddInstancesResponse{Instances: instances, Tasks: ids})
}
