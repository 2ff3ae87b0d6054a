package api

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// queryTasks answers GET /v1/tasks?role=&env=&name=&status=A,B&instances=0,2
// (Aurora's getTasksStatus over a TaskQuery).
func (s *Server) queryTasks(w http.ResponseWriter, r *http.Request) {
	q, err := parseTaskQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, Error{Error: err.Error()})
		return
	}
	tasks, err := s.store.QueryTasks(q)
	if err != nil {
		s.internal(w, "query tasks", err)
		return
	}
	out := TaskList{Tasks: make([]TaskStatus, 0, len(tasks))}
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, TaskStatus{Task: t, PendingReason: s.sched.PendingReason(t.ID)})
	}
	sort.SliceStable(out.Tasks, func(i, j int) bool {
		a, b := out.Tasks[i], out.Tasks[j]
		if a.JobKey != b.JobKey {
			return a.JobKey < b.JobKey
		}
		if a.Instance != b.Instance {
			return a.Instance < b.Instance
		}
		return a.Created().Before(b.Created())
	})
	writeJSON(w, http.StatusOK, out)
}

// parseTaskQuery reads a task query from URL parameters.
func parseTaskQuery(v url.Values) (state.TaskQuery, error) {
	q := state.TaskQuery{Role: v.Get("role"), Environment: v.Get("env"), Name: v.Get("name")}
	q.TaskIDs = splitList(v.Get("task_id"))
	for _, name := range splitList(v.Get("status")) {
		st, err := taskstate.ParseStatus(strings.ToUpper(name))
		if err != nil {
			return q, fmt.Errorf("%w; use names such as RUNNING or PENDING", err)
		}
		q.Statuses = append(q.Statuses, st)
	}
	for _, s := range splitList(v.Get("instances")) {
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 {
			return q, fmt.Errorf("instance %q is not a number", s)
		}
		q.Instances = append(q.Instances, i)
	}
	return q, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
