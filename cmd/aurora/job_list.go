package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// JobListCommand is `aurora job list`.
type JobListCommand struct {
	Meta *Meta
}

func (c *JobListCommand) Synopsis() string { return "List the jobs of a cluster" }

func (c *JobListCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job list [options] [CLUSTER[/ROLE[/ENV[/NAME]]]]

  Lists jobs whose key matches the pattern; ROLE, ENV and NAME may use
  globs (*, ?). The cluster defaults to "local".

Options:
  -json       Print the jobs as JSON.
  -addr ADDR  Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job list local/www-data
  aurora job list 'local/*/prod/hel*'
`)
}

func (c *JobListCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job list", true)
	asJSON := fs.Bool("json", false, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) > 1 {
		c.Meta.UI.Error("usage: aurora job list [options] [CLUSTER[/ROLE[/ENV[/NAME]]]]; see `aurora job list -h`")
		return exitInvalidCommand
	}
	parts := []string{"local", "*", "*", "*"}
	if len(pos) == 1 {
		given := strings.Split(pos[0], "/")
		if len(given) > 4 {
			c.Meta.UI.Error(fmt.Sprintf("pattern %q has more than CLUSTER/ROLE/ENV/NAME", pos[0]))
			return exitInvalidParam
		}
		copy(parts, given)
	}
	client, err := c.Meta.client(parts[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	jobs, err := client.ListJobs(context.Background(), strings.Join(parts[1:], "/"))
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitFor(err)
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].Key < jobs[j].Key })
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(jobs)
		return exitOK
	}
	for _, j := range jobs {
		c.Meta.UI.Output(j.Cluster + "/" + j.Key)
	}
	return exitOK
}
