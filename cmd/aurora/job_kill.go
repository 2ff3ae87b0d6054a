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
)

// JobKillCommand is `aurora job kill` and, with all, `aurora job killall`.
type JobKillCommand struct {
	Meta *Meta
	all  bool
}

func (c *JobKillCommand) name() string {
	if c.all {
		return "job killall"
	}
	return "job kill"
}

func (c *JobKillCommand) Synopsis() string {
	if c.all {
		return "Kill every instance of a job and remove it"
	}
	return "Kill a job or some of its instances"
}

func (c *JobKillCommand) Help() string {
	usage, what, example := "CLUSTER/ROLE/ENV/NAME[/INSTANCES]",
		`Kills the job's active tasks (all of them, or the instances given as a
  list such as 0-2,5) and waits until they have stopped. Killing every
  instance removes the job.`,
		"aurora job kill local/www-data/prod/hello/0-2 -message 'scale down'"
	if c.all {
		usage, what, example = "CLUSTER/ROLE/ENV/NAME",
			`Kills every active task of the job, waits until they have stopped, and
  removes the job.`,
			"aurora job killall local/www-data/prod/hello"
	}
	return strings.TrimSpace(fmt.Sprintf(`
Usage: aurora %s [options] %s

  %s

Options:
  -message MSG     Audit message recorded in the tasks' events.
  -batch-size N    Kill N instances at a time, waiting for each batch to
                   stop (Aurora's batching); 0, the default, kills them all
                   at once.
  -wait-timeout D  Give up waiting after D (default 2m); exit code 9.
  -addr ADDR       Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  %s
`, c.name(), usage, what, example))
}

func (c *JobKillCommand) Run(args []string) int {
	fs := c.Meta.flagSet(c.name(), true)
	message := fs.String("message", "", "")
	batch := fs.Int("batch-size", 0, "")
	timeout := fs.Duration("wait-timeout", 2*time.Minute, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 || *batch < 0 {
		return c.Meta.usage(strings.SplitN(strings.TrimPrefix(c.Help(), "Usage: "), "\n", 2)[0], c.name())
	}
	key, instances, err := parseInstanceKey(pos[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	if c.all && instances != nil {
		c.Meta.UI.Error("job killall kills every instance; to kill some, use `aurora job kill " + pos[0] + "`")
		return exitInvalidParam
	}
	client, err := c.Meta.client(key.Cluster)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	batches := [][]int{instances}
	if *batch > 0 {
		if batches, err = killBatches(ctx, client, key.JobKey, instances, *batch); err != nil {
			return c.Meta.fail(err)
		}
	}
	total := 0
	for _, b := range batches {
		resp, err := client.Kill(ctx, key.JobKey, b, *message)
		if err != nil {
			return c.Meta.fail(err)
		}
		if err := waitStopped(ctx, client, key.JobKey, resp.Killed); err != nil {
			c.Meta.UI.Error(fmt.Sprintf("waiting for %d task(s) of %s to stop: %v", len(resp.Killed), key, err))
			if errors.Is(err, context.DeadlineExceeded) {
				return exitTimeout
			}
			return exitFor(err)
		}
		if len(batches) > 1 && b != nil {
			c.Meta.UI.Output(fmt.Sprintf("Killed instances %s.", formatInstances(b)))
		}
		total += len(resp.Killed)
	}
	c.Meta.UI.Output(fmt.Sprintf("Killed %d task(s) of %s.", total, key))
	return exitOK
}

// killBatches splits the instances to kill (nil: every active one) into
// batches of size n. Killing a whole job ends with a nil batch, which
// removes the job once its instances are gone.
func killBatches(ctx context.Context, client *api.Client, key spec.JobKey, instances []int, n int) ([][]int, error) {
	whole := instances == nil
	if whole {
		st, err := client.JobStatus(ctx, key)
		if err != nil {
			return nil, err
		}
		seen := map[int]bool{}
		for _, t := range st.Tasks {
			if t.Status.Active() && !seen[t.Instance] {
				seen[t.Instance] = true
				instances = append(instances, t.Instance)
			}
		}
		sort.Ints(instances)
	}
	var out [][]int
	for len(instances) > 0 {
		k := n
		if k > len(instances) {
			k = len(instances)
		}
		out = append(out, instances[:k])
		instances = instances[k:]
	}
	if whole {
		out = append(out, nil)
	}
	return out, nil
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
