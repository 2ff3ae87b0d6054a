package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// JobAddCommand is `aurora job add`.
type JobAddCommand struct {
	Meta *Meta
}

func (c *JobAddCommand) Synopsis() string {
	return "Add instances to a job, copying an active instance's configuration"
}

func (c *JobAddCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job add [options] CLUSTER/ROLE/ENV/NAME/INSTANCE COUNT

  Adds COUNT instances to the job, each running the configuration of the
  active instance INSTANCE (Aurora's addInstances). The new instance ids
  follow the highest active one.

Options:
  -wait-until S     PENDING (the default), RUNNING or FINISHED: wait until
                    the new instances reach it.
  -wait-timeout D   Give up waiting after D (default 5m); exit code 9.
  -addr ADDR        Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job add local/www-data/prod/hello/0 2 -wait-until RUNNING
`)
}

func (c *JobAddCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job add", true)
	untilFlag := fs.String("wait-until", waitPending, "")
	timeout := fs.Duration("wait-timeout", 5*time.Minute, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 2 {
		return c.Meta.usage("aurora job add [options] CLUSTER/ROLE/ENV/NAME/INSTANCE COUNT", "job add")
	}
	until, err := checkWaitUntil(*untilFlag)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	key, instances, err := parseInstanceKey(pos[0])
	if err != nil || len(instances) != 1 {
		if err == nil {
			err = fmt.Errorf("%q must name exactly one instance to copy, such as %s/0", pos[0], strings.TrimSuffix(pos[0], "/"))
		}
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	count, err := strconv.Atoi(pos[1])
	if err != nil || count < 1 {
		c.Meta.UI.Error(fmt.Sprintf("COUNT %q must be a positive number of instances", pos[1]))
		return exitInvalidParam
	}
	client, err := c.Meta.client(key.Cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	ctx := context.Background()
	resp, err := client.AddInstances(ctx, key.JobKey, instances[0], count)
	if err != nil {
		return c.Meta.fail(err)
	}
	noun := "instances"
	if len(resp.Instances) == 1 {
		noun = "instance"
	}
	c.Meta.UI.Output(fmt.Sprintf("Added %s %s to %s as copies of instance %d.", noun, formatInstances(resp.Instances), key, instances[0]))
	if until == waitPending {
		return exitOK
	}
	wctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	st, err := waitInstances(wctx, client, key.JobKey, resp.Instances, until)
	if err != nil {
		c.Meta.UI.Error(fmt.Sprintf("waiting for instances %s of %s to be %s: %v", formatInstances(resp.Instances), key, until, err))
		if errors.Is(err, context.DeadlineExceeded) {
			return exitTimeout
		}
		return exitFor(err)
	}
	printTasks(c.Meta, latestPerInstance(st.Tasks))
	return exitOK
}
