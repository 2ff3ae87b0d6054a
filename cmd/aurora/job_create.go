package main

import (
	"strings"
	"time"
)

// JobCreateCommand is `aurora job create`.
type JobCreateCommand struct {
	Meta *Meta
}

func (c *JobCreateCommand) Synopsis() string {
	return "Create a job from an HCL file (Aurora's job create)"
}

func (c *JobCreateCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job create [options] [CLUSTER/ROLE/ENV/NAME] FILE

  Parses FILE and creates the job it defines (or the one named by the key
  when the file defines several), then waits until its instances reach the
  state given by -wait-until and prints the job's URL. Cron jobs are
  refused: they are scheduled, not created.

Options:
  -wait-until S     PENDING (the default: return once created), RUNNING
                    (every instance running; for a batch job, running or
                    already over) or FINISHED (every instance over).
  -wait-timeout D   Give up waiting after D (default 5m); exit code 9.
` + jobFileHelp + `
  -addr ADDR        Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job create local/www-data/prod/hello examples/hello.hcl -wait-until RUNNING
`)
}

func (c *JobCreateCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job create", true)
	untilFlag := fs.String("wait-until", waitPending, "")
	timeout := fs.Duration("wait-timeout", 5*time.Minute, "")
	var jf jobFileFlags
	jf.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) < 1 || len(pos) > 2 {
		return c.Meta.usage("aurora job create [options] [CLUSTER/ROLE/ENV/NAME] FILE", "job create")
	}
	until, err := checkWaitUntil(*untilFlag)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	key, file := keyAndFile(pos)
	return createJob(c.Meta, file, key, &jf, until, *timeout, true)
}
