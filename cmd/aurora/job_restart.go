package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/taskstate"
)

// JobRestartCommand is `aurora job restart`.
type JobRestartCommand struct {
	Meta *Meta
}

func (c *JobRestartCommand) Synopsis() string { return "Restart a job's instances, a batch at a time" }

func (c *JobRestartCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job restart [options] CLUSTER/ROLE/ENV/NAME[/INSTANCES]

  A rolling restart with the job's current configuration (Aurora's
  restartShards): for each batch of instances, their tasks go to
  RESTARTING and are killed, the scheduler starts a replacement of each,
  and the client waits until every replacement has been RUNNING for
  -watch-secs before it moves on to the next batch. Instances that are
  still PENDING have nothing to restart and are skipped. Interrupting the
  client stops the restart between batches.

Options:
  -batch-size N      Instances restarted at a time (default 1).
  -watch-secs N      How long a replacement must stay RUNNING (default 30).
  -message MSG       Audit message recorded in the tasks' events.
  -wait-timeout D    Give up on a batch after D (default 5m); exit code 9.
  -addr ADDR         Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job restart local/www-data/prod/hello -batch-size 2 -watch-secs 10
  aurora job restart local/www-data/prod/hello/0-1 -message 'pick up new certs'
`)
}

func (c *JobRestartCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job restart", true)
	batchSize := fs.Int("batch-size", 1, "")
	watch := fs.Int("watch-secs", 30, "")
	message := fs.String("message", "", "")
	timeout := fs.Duration("wait-timeout", 5*time.Minute, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return c.Meta.usage("aurora job restart [options] CLUSTER/ROLE/ENV/NAME[/INSTANCES]", "job restart")
	}
	if *batchSize < 1 || *watch < 0 {
		c.Meta.UI.Error("-batch-size must be at least 1 and -watch-secs at least 0")
		return exitInvalidParam
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
	if instances == nil {
		st, err := client.JobStatus(ctx, key.JobKey)
		if err != nil {
			return c.Meta.fail(err)
		}
		for _, t := range latestPerInstance(st.Tasks) {
			if t.Status.Active() {
				instances = append(instances, t.Instance)
			}
		}
		if len(instances) == 0 {
			c.Meta.UI.Error(fmt.Sprintf("%s has no active instances to restart; `aurora job status %s` shows its tasks", key, key))
			return exitCommandFailed
		}
	}
	sort.Ints(instances)
	total := 0
	for len(instances) > 0 {
		n := *batchSize
		if n > len(instances) {
			n = len(instances)
		}
		batch := instances[:n]
		instances = instances[n:]
		resp, err := client.Restart(ctx, key.JobKey, batch, *message)
		if err != nil {
			return c.Meta.fail(err)
		}
		if len(resp.Restarted) == 0 {
			c.Meta.UI.Output(fmt.Sprintf("Instances %s: nothing to restart (not yet on an agent, or already stopping).", formatInstances(batch)))
			continue
		}
		wctx, cancel := context.WithTimeout(ctx, *timeout)
		err = waitReplaced(wctx, client, key.JobKey, resp.Restarted, time.Duration(*watch)*time.Second)
		cancel()
		if err != nil {
			c.Meta.UI.Error(fmt.Sprintf("restarting instances %s of %s: %v; `aurora job status %s` shows why", formatInstances(batch), key, err, key))
			if errors.Is(err, context.DeadlineExceeded) {
				return exitTimeout
			}
			return exitFor(err)
		}
		total += len(resp.Restarted)
		c.Meta.UI.Output(fmt.Sprintf("Restarted instances %s.", formatInstances(batch)))
	}
	c.Meta.UI.Output(fmt.Sprintf("Job %s restarted: %d task(s) replaced.", key, total))
	return exitOK
}

// waitReplaced polls until each restarted task's instance runs a newer
// task that has been RUNNING for at least watch.
func waitReplaced(ctx context.Context, client *api.Client, key spec.JobKey, restarted []string, watch time.Duration) error {
	old := map[string]bool{}
	for _, id := range restarted {
		old[id] = true
	}
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		st, err := client.JobStatus(ctx, key)
		if err != nil {
			return err
		}
		instances := map[int]bool{}
		for _, task := range st.Tasks {
			if old[task.ID] {
				instances[task.Instance] = true
			}
		}
		done := true
		for _, task := range latestPerInstance(st.Tasks) {
			if !instances[task.Instance] {
				continue
			}
			if old[task.ID] || task.Status != taskstate.Running || time.Since(runningSince(task)) < watch {
				done = false
			}
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// runningSince is when the task last became RUNNING.
func runningSince(t api.TaskStatus) time.Time {
	for i := len(t.Events) - 1; i >= 0; i-- {
		if t.Events[i].Status == taskstate.Running {
			return t.Events[i].Time
		}
	}
	return time.Now()
}
