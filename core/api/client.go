package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
)

// Client talks to a scheduler's API.
type Client struct {
	// Addr is the scheduler's base URL, such as http://127.0.0.1:8081.
	Addr string
	HTTP *http.Client
	// ElectionWait is how long a request retries while the scheduler
	// answers 503 (no leader yet, as during a failover). A 503 means the
	// request was not carried out, so retrying a write is safe.
	ElectionWait time.Duration
}

// NewClient returns a client for addr.
func NewClient(addr string) *Client {
	return &Client{Addr: strings.TrimRight(addr, "/"), HTTP: &http.Client{Timeout: 30 * time.Second}, ElectionWait: 30 * time.Second}
}

// APIError is a non-2xx answer.
type APIError struct {
	Code int
	Body Error
}

func (e *APIError) Error() string {
	return fmt.Sprintf("scheduler answered %d: %s", e.Code, e.Body.Error)
}

// ErrUnreachable wraps a failure to reach the scheduler at all.
var ErrUnreachable = errors.New("scheduler unreachable")

func (c *Client) do(ctx context.Context, method, path string, in, out interface{}) error {
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = b
	}
	return c.retry(ctx, method, path, "application/json", body, out)
}

// retry sends body (of contentType) until it is answered with something
// other than 503 or ElectionWait has passed.
func (c *Client) retry(ctx context.Context, method, path, contentType string, body []byte, out interface{}) error {
	deadline := time.Now().Add(c.ElectionWait)
	wait := 100 * time.Millisecond
	for {
		err := c.once(ctx, method, path, contentType, body, out)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != http.StatusServiceUnavailable || time.Now().Add(wait).After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		if wait *= 2; wait > 2*time.Second {
			wait = 2 * time.Second
		}
	}
}

func (c *Client) once(ctx context.Context, method, path, contentType string, body []byte, out interface{}) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Addr+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%w at %s (is `aurora dev` running? set -addr or AURORA_ADDR): %w", ErrUnreachable, c.Addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		e := &APIError{Code: resp.StatusCode}
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if json.Unmarshal(raw, &e.Body) != nil || e.Body.Error == "" {
			e.Body.Error = strings.TrimSpace(string(raw))
		}
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("read scheduler answer: %w", err)
	}
	return nil
}

// CreateJob submits a job.
func (c *Client) CreateJob(ctx context.Context, job *spec.Job) (*CreateJobResponse, error) {
	var out CreateJobResponse
	return &out, c.do(ctx, http.MethodPost, "/v1/jobs", CreateJobRequest{Job: job}, &out)
}

// JobStatus reads a job and its tasks.
func (c *Client) JobStatus(ctx context.Context, key spec.JobKey) (*JobStatus, error) {
	var out JobStatus
	return &out, c.do(ctx, http.MethodGet, jobPath(key), nil, &out)
}

// ListJobs lists jobs whose role/env/name matches the glob pattern.
func (c *Client) ListJobs(ctx context.Context, pattern string) ([]JobSummary, error) {
	var out []JobSummary
	return out, c.do(ctx, http.MethodGet, "/v1/jobs?pattern="+url.QueryEscape(pattern), nil, &out)
}

// Kill kills instances of a job (nil: all of it).
func (c *Client) Kill(ctx context.Context, key spec.JobKey, instances []int, message string) (*KillResponse, error) {
	var out KillResponse
	return &out, c.do(ctx, http.MethodPost, jobPath(key)+"/kill", KillRequest{Instances: instances, Message: message}, &out)
}

func jobPath(key spec.JobKey) string {
	return "/v1/jobs/" + url.PathEscape(key.Role) + "/" + url.PathEscape(key.Environment) + "/" + url.PathEscape(key.Name)
}

// Restart restarts instances of a job (nil: all of them).
func (c *Client) Restart(ctx context.Context, key spec.JobKey, instances []int, message string) (*RestartResponse, error) {
	var out RestartResponse
	return &out, c.do(ctx, http.MethodPost, jobPath(key)+"/restart", RestartRequest{Instances: instances, Message: message}, &out)
}

// AddInstances adds count instances that run active instance from's
// configuration.
func (c *Client) AddInstances(ctx context.Context, key spec.JobKey, from, count int) (*AddInstancesResponse, error) {
	var out AddInstancesResponse
	return &out, c.do(ctx, http.MethodPost, jobPath(key)+"/instances", AddInstancesRequest{From: from, Count: count}, &out)
}

// QueryTasks lists the tasks a query matches.
func (c *Client) QueryTasks(ctx context.Context, q state.TaskQuery) (*TaskList, error) {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("role", q.Role)
	set("env", q.Environment)
	set("name", q.Name)
	var statuses, instances []string
	for _, st := range q.Statuses {
		statuses = append(statuses, st.String())
	}
	for _, i := range q.Instances {
		instances = append(instances, strconv.Itoa(i))
	}
	set("status", strings.Join(statuses, ","))
	set("instances", strings.Join(instances, ","))
	set("task_id", strings.Join(q.TaskIDs, ","))
	var out TaskList
	return &out, c.do(ctx, http.MethodGet, "/v1/tasks?"+v.Encode(), nil, &out)
}

// Quota reads a role's quota and consumption.
func (c *Client) Quota(ctx context.Context, role string) (*QuotaInfo, error) {
	var out QuotaInfo
	return &out, c.do(ctx, http.MethodGet, "/v1/quotas/"+url.PathEscape(role), nil, &out)
}

// SetQuota sets a role's quota.
func (c *Client) SetQuota(ctx context.Context, role string, r Resources) error {
	return c.do(ctx, http.MethodPost, "/v1/admin/quotas/"+url.PathEscape(role), r, nil)
}

// Prune deletes terminal tasks.
func (c *Client) Prune(ctx context.Context, req PruneRequest) (*PruneResponse, error) {
	var out PruneResponse
	return &out, c.do(ctx, http.MethodPost, "/v1/admin/prune", req, &out)
}

// Reconcile asks the leader to reconcile tasks with Mesos now.
func (c *Client) Reconcile(ctx context.Context, req ReconcileRequest) (*ReconcileResponse, error) {
	var out ReconcileResponse
	return &out, c.do(ctx, http.MethodPost, "/v1/admin/reconcile", req, &out)
}

// Backup asks the leader to write a backup now.
func (c *Client) Backup(ctx context.Context) (*BackupResponse, error) {
	var out BackupResponse
	return &out, c.do(ctx, http.MethodPost, "/v1/admin/backups", nil, &out)
}

// ListBackups lists the backup ids, oldest first.
func (c *Client) ListBackups(ctx context.Context) (*BackupList, error) {
	var out BackupList
	return &out, c.do(ctx, http.MethodGet, "/v1/admin/backups", nil, &out)
}

// Snapshot asks the leader to snapshot its log now.
func (c *Client) Snapshot(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/v1/admin/snapshot", nil, nil)
}

// StageRecovery loads a backup into the leader's recovery staging area.
func (c *Client) StageRecovery(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodPost, "/v1/admin/recovery/stage", StageRecoveryRequest{ID: id}, nil)
}

// RecoveryTasks lists the active tasks of the staged recovery.
func (c *Client) RecoveryTasks(ctx context.Context) (*RecoveryTasks, error) {
	var out RecoveryTasks
	return &out, c.do(ctx, http.MethodPost, "/v1/admin/recovery/tasks", struct{}{}, &out)
}

// DeleteRecoveryTasks drops tasks from the staged recovery.
func (c *Client) DeleteRecoveryTasks(ctx context.Context, ids []string) error {
	return c.do(ctx, http.MethodPost, "/v1/admin/recovery/delete", DeleteRecoveryTasksRequest{IDs: ids}, nil)
}

// CommitRecovery replaces the live state with the staged recovery.
func (c *Client) CommitRecovery(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/v1/admin/recovery/commit", struct{}{}, nil)
}

// UnloadRecovery discards the staged recovery.
func (c *Client) UnloadRecovery(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/v1/admin/recovery/unload", struct{}{}, nil)
}

// Scheduler says which replica leads.
func (c *Client) Scheduler(ctx context.Context) (*SchedulerInfo, error) {
	var out SchedulerInfo
	return &out, c.do(ctx, http.MethodGet, "/v1/admin/scheduler", nil, &out)
}
