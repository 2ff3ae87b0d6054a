package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/spec"
)

// JobStatusCommand is `aurora job status`.
type JobStatusCommand struct {
	Meta *Meta
}

func (c *JobStatusCommand) Synopsis() string { return "Show a job's tasks and their states" }

func (c *JobStatusCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job status [options] CLUSTER/ROLE/ENV/NAME[/INSTANCES]
       aurora job status [options] PATTERN

  Shows every task of the job the scheduler holds: instance, status, host,
  task id, sandbox, and why a pending task is not placed. A partial key
  (CLUSTER/ROLE, CLUSTER/ROLE/ENV) or a key with globs (*, ?) shows every
  matching job.

Options:
  -json       Print the job and its tasks as JSON: one object for a full
              key, a list of them for a pattern.
  -addr ADDR  Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job status local/www-data/prod/hello -json
  aurora job status 'local/*/prod/hel*'
`)
}

func (c *JobStatusCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job status", true)
	asJSON := fs.Bool("json", false, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return c.Meta.usage("aurora job status [-json] CLUSTER/ROLE/ENV/NAME[/INSTANCES] or PATTERN", "job status")
	}
	if isPattern(pos[0]) {
		return c.runPattern(pos[0], *asJSON)
	}
	key, instances, err := parseInstanceKey(pos[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	client, err := c.Meta.client(key.Cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	st, err := client.JobStatus(context.Background(), key.JobKey)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitFor(err)
	}
	if instances != nil {
		want := map[int]bool{}
		for _, i := range instances {
			want[i] = true
		}
		var kept []api.TaskStatus
		for _, t := range st.Tasks {
			if want[t.Instance] {
				kept = append(kept, t)
			}
		}
		st.Tasks = kept
	}
	if *asJSON {
		return printJSON(st)
	}
	c.printStatus(key.Cluster, st)
	return exitOK
}

// isPattern reports whether a job status argument is a partial key or a
// glob rather than CLUSTER/ROLE/ENV/NAME[/INSTANCES].
func isPattern(s string) bool {
	return strings.ContainsAny(s, "*?[") || strings.Count(s, "/") < 3
}

// runPattern shows every job matching a partial key or glob.
func (c *JobStatusCommand) runPattern(pattern string, asJSON bool) int {
	parts := []string{"local", "*", "*", "*"}
	given := strings.Split(pattern, "/")
	if len(given) > 4 {
		c.Meta.UI.Error(fmt.Sprintf("pattern %q has more than CLUSTER/ROLE/ENV/NAME; instances go with a full key only", pattern))
		return exitInvalidParam
	}
	copy(parts, given)
	if strings.ContainsAny(parts[0], "*?[") {
		c.Meta.UI.Error(fmt.Sprintf("pattern %q: the cluster cannot be a glob; name one", pattern))
		return exitInvalidParam
	}
	client, err := c.Meta.client(parts[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	ctx := context.Background()
	jobs, err := client.ListJobs(ctx, strings.Join(parts[1:], "/"))
	if err != nil {
		return c.Meta.fail(err)
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].Key < jobs[j].Key })
	out := make([]*api.JobStatus, 0, len(jobs))
	for _, j := range jobs {
		role, rest, _ := strings.Cut(j.Key, "/")
		env, name, _ := strings.Cut(rest, "/")
		st, err := client.JobStatus(ctx, spec.JobKey{Role: role, Environment: env, Name: name})
		if err != nil {
			return c.Meta.fail(err)
		}
		out = append(out, st)
	}
	if asJSON {
		return printJSON(out)
	}
	if len(out) == 0 {
		c.Meta.UI.Error(fmt.Sprintf("no job matches %s; `aurora job list %s` lists the jobs there are", pattern, parts[0]))
		return exitInvalidParam
	}
	for i, st := range out {
		if i > 0 {
			c.Meta.UI.Output("")
		}
		c.printStatus(parts[0], st)
	}
	return exitOK
}

func (c *JobStatusCommand) printStatus(cluster string, st *api.JobStatus) {
	state := "active"
	if st.Job == nil {
		state = "killed (tasks shown until pruned)"
	}
	c.Meta.UI.Output(fmt.Sprintf("Job %s/%s: %s", cluster, st.Key, state))
	printTasks(c.Meta, st.Tasks)
}

// printTasks prints tasks as a table.
func printTasks(m *Meta, tasks []api.TaskStatus) {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "INSTANCE\tSTATUS\tHOST\tTASK ID\tDETAIL")
	for _, t := range tasks {
		detail := t.PendingReason
		if detail == "" {
			detail = t.LastEvent().Message
		}
		if t.Sandbox != "" && t.Status.OnAgent() {
			detail = "sandbox " + t.Sandbox
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", t.Instance, t.Status, t.Host, t.ID, detail)
	}
	w.Flush()
	m.UI.Output(strings.TrimRight(b.String(), "\n"))
}

// latestPerInstance keeps each instance's newest task.
func latestPerInstance(tasks []api.TaskStatus) []api.TaskStatus {
	latest := map[int]api.TaskStatus{}
	for _, t := range tasks {
		cur, ok := latest[t.Instance]
		if !ok || cur.Created().Before(t.Created()) {
			latest[t.Instance] = t
		}
	}
	out := make([]api.TaskStatus, 0, len(latest))
	for _, t := range latest {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Instance < out[j].Instance })
	return out
}
