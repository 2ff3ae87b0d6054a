package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/jobspec"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
)

// JobRunCommand is `aurora job run`.
type JobRunCommand struct {
	Meta *Meta
}

func (c *JobRunCommand) Synopsis() string {
	return "Create a job from an HCL file and wait until it runs"
}

func (c *JobRunCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job run [options] FILE [CLUSTER/ROLE/ENV/NAME]

  Parses FILE, creates the job it defines (or the one named by the key when
  the file defines several), then waits until every instance is RUNNING and
  prints them.

Options:
  -detach          Return as soon as the job is created.
  -wait-timeout D  Give up waiting after D (default 5m).
  -var NAME=VALUE  Set an HCL variable (repeatable).
  -var-file FILE   Read HCL variables from FILE (repeatable).
  -addr ADDR       Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job run examples/hello.hcl
`)
}

func (c *JobRunCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job run", true)
	detach := fs.Bool("detach", false, "")
	timeout := fs.Duration("wait-timeout", 5*time.Minute, "")
	vars := multiFlag{}
	varFiles := multiFlag{}
	fs.Var(&vars, "var", "")
	fs.Var(&varFiles, "var-file", "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) < 1 || len(pos) > 2 {
		c.Meta.UI.Error("usage: aurora job run [options] FILE [CLUSTER/ROLE/ENV/NAME]; see `aurora job run -h`")
		return exitInvalidCommand
	}
	job, code := loadJob(c.Meta, pos[0], arg(pos, 1), vars, varFiles)
	if job == nil {
		return code
	}
	client, err := c.Meta.client(job.Cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	ctx := context.Background()
	resp, err := client.CreateJob(ctx, job)
	if err != nil {
		c.Meta.UI.Error("create " + job.Cluster + "/" + job.Key.String() + ": " + err.Error())
		return exitFor(err)
	}
	key := job.Cluster + "/" + resp.Key
	c.Meta.UI.Output(fmt.Sprintf("Job %s created with %d instance(s).", key, len(resp.Tasks)))
	if *detach {
		return exitOK
	}
	wctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	st, err := waitRunning(wctx, client, job.Key, job.Instances)
	if err != nil {
		c.Meta.UI.Error(fmt.Sprintf("waiting for %s: %v; `aurora job status %s` shows why", key, err, key))
		if errors.Is(err, context.DeadlineExceeded) {
			return exitTimeout
		}
		return exitFor(err)
	}
	printTasks(c.Meta, latestPerInstance(st.Tasks))
	return exitOK
}

// loadJob parses a job file and picks the job to act on.
func loadJob(m *Meta, path, key string, vars, varFiles multiFlag) (*spec.Job, int) {
	opts := jobspec.Options{Vars: map[string]string{}, VarFiles: varFiles}
	for _, kv := range vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			m.UI.Error(fmt.Sprintf("-var %q must be NAME=VALUE", kv))
			return nil, exitInvalidParam
		}
		opts.Vars[k] = v
	}
	jobs, err := jobspec.ParseFile(path, opts)
	if err != nil {
		m.UI.Error(err.Error())
		if errors.Is(err, fs.ErrNotExist) {
			return nil, exitInvalidParam
		}
		return nil, exitInvalidConfig
	}
	if key == "" {
		if len(jobs) > 1 {
			var keys []string
			for _, j := range jobs {
				keys = append(keys, j.Cluster+"/"+j.Key.String())
			}
			m.UI.Error(fmt.Sprintf("%s defines %d jobs; name one: %s", path, len(jobs), strings.Join(keys, ", ")))
			return nil, exitInvalidParam
		}
		return jobs[0], exitOK
	}
	want, err := spec.ParseClusterKey(key)
	if err != nil {
		m.UI.Error(err.Error())
		return nil, exitInvalidParam
	}
	for _, j := range jobs {
		if j.Cluster == want.Cluster && j.Key == want.JobKey {
			return j, exitOK
		}
	}
	m.UI.Error(fmt.Sprintf("%s defines no job %s", path, key))
	return nil, exitInvalidParam
}

// waitRunning polls until every instance's newest task is RUNNING.
func waitRunning(ctx context.Context, client *api.Client, key spec.JobKey, instances int) (*api.JobStatus, error) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		st, err := client.JobStatus(ctx, key)
		if err != nil {
			return nil, err
		}
		running := 0
		for _, task := range latestPerInstance(st.Tasks) {
			if task.Status == taskstate.Running {
				running++
			}
		}
		if running >= instances {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
