package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/spec"
)

// JobKillCommand is `aurora job kill`.
type JobKillCommand struct {
	Meta *Meta
}

func (c *JobKillCommand) Synopsis() string { return "Kill a job or some of its instances" }

func (c *JobKillCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job kill [options] CLUSTER/ROLE/ENV/NAME[/INSTANCES]

  Kills the job's active tasks (all of them, or the instances given as a
  list such as 0-2,5) and waits until they have stopped. Killing every
  instance removes the job.

Options:
  -message MSG     Audit message recorded with the kill.
  -wait-timeout D  Give up waiting after D (default 2m).
  -addr ADDR       Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job kill local/www-data/prod/hello
  aurora job kill local/www-data/prod/hello/0-2
`)
}

func (c *JobKillCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job kill", true)
	message := fs.String("message", "", "")
	timeout := fs.Duration("wait-timeout", 2*time.Minute, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		c.Meta.UI.Error("usage: aurora job kill [options] CLUSTER/ROLE/ENV/NAME[/INSTANCES]; see `aurora job kill -h`")
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
	ctx := context.Background()
	resp, err := client.Kill(ctx, key.JobKey, instances, *message)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitFor(err)
	}
	wctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := waitStopped(wctx, client, key.JobKey, resp.Killed); err != nil {
		c.Meta.UI.Error(fmt.Sprintf("waiting for %d task(s) to stop: %v", len(resp.Killed), err))
		if errors.Is(err, context.DeadlineExceeded) {
			return exitTimeout
		}
		return exitFor(err)
	}
	c.Meta.UI.Output(fmt.Sprintf("Killed %d task(s) of %s.", len(resp.Killed), key))
	return exitOK
}

// waitStopped polls until none of the tasks is active.
func waitStopped(ctx context.Context, client *api.Client, key spec.JobKey, ids []string) error {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for len(want) > 0 {
		st, err := client.JobStatus(ctx, key)
		var apiErr *api.APIError
		if errors.As(err, &apiErr) && apiErr.Code == 404 {
			return nil // pruned: nothing left running
		}
		if err != nil {
			return err
		}
		live := false
		for _, task := range st.Tasks {
			if want[task.ID] && task.Status.Active() {
				live = true
			}
		}
		if !live {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
