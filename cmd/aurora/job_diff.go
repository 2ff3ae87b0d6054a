package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aurora-go/aurora/core/spec"
)

// JobDiffCommand is `aurora job diff`.
type JobDiffCommand struct {
	Meta *Meta
}

func (c *JobDiffCommand) Synopsis() string {
	return "Show how a job file differs from what the job runs, per instance"
}

func (c *JobDiffCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job diff [options] [CLUSTER/ROLE/ENV/NAME] FILE

  Compares the job in FILE with the configuration each active instance of
  the running job has, field by field, and shows which instances would
  change (with every changed field, running -> local), which would be
  added and which removed. Instances with the same changes are grouped.

Options:
  -json             Print the per-instance diff as JSON.
` + jobFileHelp + `
  -addr ADDR        Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job diff local/www-data/prod/hello examples/hello.hcl
`)
}

func (c *JobDiffCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job diff", true)
	asJSON := fs.Bool("json", false, "")
	var jf jobFileFlags
	jf.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) < 1 || len(pos) > 2 {
		return c.Meta.usage("aurora job diff [options] [CLUSTER/ROLE/ENV/NAME] FILE", "job diff")
	}
	key, file := keyAndFile(pos)
	local, code := loadJob(c.Meta, file, key, &jf)
	if local == nil {
		return code
	}
	client, err := c.Meta.client(local.Cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	full := local.Cluster + "/" + local.Key.String()
	st, err := client.JobStatus(context.Background(), local.Key)
	if err != nil {
		c.Meta.UI.Error(fmt.Sprintf("read %s: %v; `aurora job create %s %s` creates it", full, err, full, file))
		return exitFor(err)
	}
	running := map[int]*spec.Job{}
	for _, t := range latestPerInstance(st.Tasks) {
		if t.Status.Active() && t.Config != nil {
			running[t.Instance] = t.Config
		}
	}
	diffs, err := diffJob(local, running)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitUnknownError
	}
	if *asJSON {
		return printJSON(map[string]interface{}{"job": full, "instances": diffs})
	}
	c.Meta.UI.Output(fmt.Sprintf("Job %s: %s compared with %d active instance(s)", full, file, len(running)))
	c.Meta.UI.Output(strings.TrimRight(renderDiff(diffs), "\n"))
	return exitOK
}
