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
  prints them. ` + "`aurora job create`" + ` is the same with Aurora's
  -wait-until.

Options:
  -detach           Return as soon as the job is created.
  -wait-timeout D   Give up waiting after D (default 5m).
` + jobFileHelp + `
  -addr ADDR        Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job run examples/hello.hcl
`)
}

func (c *JobRunCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job run", true)
	detach := fs.Bool("detach", false, "")
	timeout := fs.Duration("wait-timeout", 5*time.Minute, "")
	var jf jobFileFlags
	jf.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) < 1 || len(pos) > 2 {
		return c.Meta.usage("aurora job run [options] FILE [CLUSTER/ROLE/ENV/NAME]", "job run")
	}
	until := waitRunning
	if *detach {
		until = waitPending
	}
	return createJob(c.Meta, pos[0], arg(pos, 1), &jf, until, *timeout, false)
}

// createJob parses the job file, creates the job and waits until its
// instances reach `until`, then prints them.
func createJob(m *Meta, file, key string, jf *jobFileFlags, until string, timeout time.Duration, refuseCron bool) int {
	job, code := loadJob(m, file, key, jf)
	if job == nil {
		return code
	}
	if refuseCron && job.IsCron() {
		m.UI.Error(fmt.Sprintf("%s/%s has a cron schedule: cron jobs are scheduled, not created; remove the cron block to run it now", job.Cluster, job.Key))
		return exitInvalidParam
	}
	client, err := m.client(job.Cluster)
	if err != nil {
		m.UI.Error(err.Error())
		return exitInvalidParam
	}
	ctx := context.Background()
	resp, err := client.CreateJob(ctx, job)
	if err != nil {
		if placed := placeFieldErrors(file, jf, job, err); placed != nil {
			// The scheduler refused fields (a placement block its plugin's
			// schema rejects, say): name them in the file, as parsing does.
			m.UI.Error("create " + job.Cluster + "/" + job.Key.String() + ": the scheduler refused the job:\n" + placed.Error())
			return exitInvalidConfig
		}
		m.UI.Error("create " + job.Cluster + "/" + job.Key.String() + ": " + err.Error())
		return exitFor(err)
	}
	full := job.Cluster + "/" + resp.Key
	m.UI.Output(fmt.Sprintf("Job %s created with %d instance(s): %s", full, len(resp.Tasks), jobURL(client, job.Key)))
	if until == waitPending {
		return exitOK
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	st, err := waitInstances(wctx, client, job.Key, seq(0, job.Instances), until)
	if err != nil {
		m.UI.Error(fmt.Sprintf("waiting for %s to be %s: %v; `aurora job status %s` shows why", full, until, err, full))
		if errors.Is(err, context.DeadlineExceeded) {
			return exitTimeout
		}
		return exitFor(err)
	}
	printTasks(m, latestPerInstance(st.Tasks))
	return exitOK
}

// loadJobs parses a job file with the variables and bindings of jf.
func loadJobs(m *Meta, path string, jf *jobFileFlags) ([]*spec.Job, int) {
	opts, err := jf.options()
	if err != nil {
		m.UI.Error(err.Error())
		return nil, exitInvalidParam
	}
	jobs, err := jobspec.ParseFile(path, opts)
	if err != nil {
		m.UI.Error(err.Error())
		if errors.Is(err, fs.ErrNotExist) {
			return nil, exitInvalidParam
		}
		return nil, exitInvalidConfig
	}
	return jobs, exitOK
}

// loadJob parses a job file and picks the job to act on: the one named by
// key, or the only one the file defines.
func loadJob(m *Meta, path, key string, jf *jobFileFlags) (*spec.Job, int) {
	jobs, code := loadJobs(m, path, jf)
	if jobs == nil {
		return nil, code
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
	m.UI.Error(fmt.Sprintf("%s defines no job %s; `aurora config list %s` lists the jobs it defines", path, key, path))
	return nil, exitInvalidParam
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// placeFieldErrors maps the field errors of an API answer back to where
// the fields were written in the job file; nil if err has none.
func placeFieldErrors(file string, jf *jobFileFlags, job *spec.Job, err error) error {
	var apiErr *api.APIError
	if !errors.As(err, &apiErr) || len(apiErr.Body.Details) == 0 {
		return nil
	}
	opts, oerr := jf.options()
	if oerr != nil {
		return nil
	}
	jobs, sources, perr := jobspec.ParseFileWithSources(file, opts)
	if perr != nil {
		return nil
	}
	for i, j := range jobs {
		if j.Cluster == job.Cluster && j.Key == job.Key {
			return sources[i].FieldErrors(spec.FieldErrors(apiErr.Body.Details))
		}
	}
	return nil
}
