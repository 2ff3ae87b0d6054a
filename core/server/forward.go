package server

import (
	"context"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
)

// forwardWrites sends API writes that reach a follower to the leader, so
// clients may talk to any replica. Reads are served locally once the
// replica has replayed its log.
func (s *Server) forwardWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.node.Replayed() {
			http.Error(w, `{"error": "this scheduler is still replaying its log; retry in a few seconds"}`, http.StatusServiceUnavailable)
			return
		}
		read := r.Method == http.MethodGet || r.Method == http.MethodHead
		if !read && s.node.IsLeader() && s.scheduler() == nil && !strings.HasPrefix(r.URL.Path, "/v1/plugins") {
			// Elected, but still starting its plugins and scheduler: a 503
			// is retried by clients, and nothing was changed.
			http.Error(w, `{"error": "this scheduler was just elected and is still starting; retry in a moment"}`, http.StatusServiceUnavailable)
			return
		}
		if read || s.node.IsLeader() {
			next.ServeHTTP(w, r)
			return
		}
		target, ok := s.leaderHTTP()
		if !ok {
			http.Error(w, `{"error": "no leader is elected yet; retry in a few seconds"}`, http.StatusServiceUnavailable)
			return
		}
		proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
		proxy.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, err error) {
			s.logger.Warn("forwarding to the leader failed", "leader", target, "error", err)
			http.Error(w, `{"error": "the leader at `+target+` did not answer; retry"}`, http.StatusBadGateway)
		}
		r.Header.Set("X-Aurora-Forwarded-By", s.cfg.Raft.NodeID)
		proxy.ServeHTTP(w, r)
	})
}

// leaderHTTP is the API address of the current raft leader, if the leader
// has recorded it in the log.
func (s *Server) leaderHTTP() (string, bool) {
	id, _ := s.node.Leader()
	if id == "" {
		return "", false
	}
	recorded, _ := s.store.Meta(metaLeaderID)
	addr, _ := s.store.Meta(metaLeaderHTTP)
	if recorded != id || addr == "" {
		return "", false // the new leader has not recorded itself yet
	}
	return addr, true
}

func (l leaderScheduler) CreateJob(ctx context.Context, job *spec.Job) ([]string, error) {
	sc, err := l.sched()
	if err != nil {
		return nil, err
	}
	return sc.CreateJob(ctx, job)
}

func (l leaderScheduler) KillTasks(ctx context.Context, key string, instances []int, message string) ([]string, error) {
	sc, err := l.sched()
	if err != nil {
		return nil, err
	}
	return sc.KillTasks(ctx, key, instances, message)
}

func (l leaderScheduler) RestartTasks(ctx context.Context, key string, instances []int, message string) ([]string, error) {
	sc, err := l.sched()
	if err != nil {
		return nil, err
	}
	return sc.RestartTasks(ctx, key, instances, message)
}

func (l leaderScheduler) AddInstances(ctx context.Context, key string, from, count int) ([]int, []string, error) {
	sc, err := l.sched()
	if err != nil {
		return nil, nil, err
	}
	return sc.AddInstances(ctx, key, from, count)
}

func (l leaderScheduler) PruneTasks(ctx context.Context, q state.TaskQuery, limit int) ([]string, error) {
	sc, err := l.sched()
	if err != nil {
		return nil, err
	}
	return sc.PruneTasks(ctx, q, limit)
}

func (l leaderScheduler) Reconcile(ctx context.Context, explicit bool, batchSize int) (int, error) {
	sc, err := l.sched()
	if err != nil {
		return 0, err
	}
	return sc.Reconcile(ctx, explicit, batchSize)
}

func (l leaderScheduler) SetQuota(ctx context.Context, q state.Quota) error {
	sc, err := l.sched()
	if err != nil {
		return err
	}
	return sc.SetQuota(ctx, q)
}

func (l leaderScheduler) PendingReason(taskID string) string {
	if sc := l.s.scheduler(); sc != nil {
		return sc.PendingReason(taskID)
	}
	return ""
}
