package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/aurora-go/aurora/core/api"
)

// JobStatusCommand is `aurora job status`.
type JobStatusCommand struct {
	Meta *Meta
}

func (c *JobStatusCommand) Synopsis() string { return "Show a job's tasks and their states" }

func (c *JobStatusCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job status [options] CLUSTER/ROLE/ENV/NAME[/INSTANCES]

  Shows every task of the job the scheduler holds: instance, status, host,
  task id, sandbox, and why a pending task is not placed.

Options:
  -json       Print the job and its tasks as JSON.
  -addr ADDR  Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job status local/www-data/prod/hello -json
`)
}

func (c *JobStatusCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job status", true)
	asJSON := fs.Bool("json", false, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		c.Meta.UI.Error("usage: aurora job status [-json] CLUSTER/ROLE/ENV/NAME; see `aurora job status -h`")
		return exitInvalidCommand
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
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(st); err != nil {
			c.Meta.UI.Error(err.Error())
			return exitUnknownError
		}
		return exitOK
	}
	state := "active"
	if st.Job == nil {
		state = "killed (tasks shown until pruned)"
	}
	c.Meta.UI.Output(fmt.Sprintf("Job %s/%s: %s", key.Cluster, st.Key, state))
	printTasks(c.Meta, st.Tasks)
	return exitOK
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
