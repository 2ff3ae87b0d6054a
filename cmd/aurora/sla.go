package main

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/taskstate"
)

// live reports whether a task is in one of Aurora's LIVE_STATES, the tasks
// the client's SLA computations count.
func live(s taskstate.Status) bool {
	switch s {
	case taskstate.Running, taskstate.Killing, taskstate.Preempting, taskstate.Restarting,
		taskstate.Draining, taskstate.Partitioned:
		return true
	}
	return false
}

// uptimes returns each live instance's uptime at now, in whole seconds:
// the time since its task first became STARTING (or RUNNING, if it never
// reported STARTING), as Aurora's JobUpTimeSlaVector computes it.
func uptimes(tasks []api.TaskStatus, now time.Time) map[int]time.Duration {
	out := map[int]time.Duration{}
	for _, t := range tasks {
		if t.Task == nil || !live(t.Status) {
			continue
		}
		var since time.Time
		for _, e := range t.Events {
			if e.Status == taskstate.Starting {
				since = e.Time
				break
			}
		}
		if since.IsZero() {
			for _, e := range t.Events {
				if e.Status == taskstate.Running {
					since = e.Time
					break
				}
			}
		}
		if since.IsZero() {
			continue
		}
		out[t.Instance] = now.Sub(since).Truncate(time.Second)
	}
	return out
}

// taskUpCount is the percentage of live instances that have been up for
// at least d (Aurora's get_task_up_count).
func taskUpCount(up map[int]time.Duration, d time.Duration) float64 {
	if len(up) == 0 {
		return 0
	}
	n := 0
	for _, u := range up {
		if u >= d {
			n++
		}
	}
	return 100 * float64(n) / float64(len(up))
}

// jobUptime is the uptime at a percentile (Aurora's get_job_uptime): the
// uptime that the given percentage of instances exceed. The percentile
// must be in (0, 100).
func jobUptime(up map[int]time.Duration, percentile float64) (time.Duration, error) {
	if percentile <= 0 || percentile >= 100 {
		return 0, fmt.Errorf("percentile %g must be within (0, 100)", percentile)
	}
	sorted := make([]time.Duration, 0, len(up))
	for _, u := range up {
		sorted = append(sorted, u)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	total := len(sorted)
	index := total - int(math.Floor(percentile/100*float64(total))) - 1
	if index < 0 || index >= total {
		return 0, nil
	}
	return sorted[index], nil
}

// slaTasks reads the tasks of the job named by the first argument.
func slaTasks(m *Meta, keyArg string) ([]api.TaskStatus, string, int) {
	key, instances, err := parseInstanceKey(keyArg)
	if err == nil && instances != nil {
		err = fmt.Errorf("%q: SLA figures are per job; leave out the instances", keyArg)
	}
	if err != nil {
		m.UI.Error(err.Error())
		return nil, "", exitInvalidParam
	}
	client, err := m.client(key.Cluster)
	if err != nil {
		m.UI.Error(err.Error())
		return nil, "", exitInvalidParam
	}
	st, err := client.JobStatus(context.Background(), key.JobKey)
	if err != nil {
		return nil, "", m.fail(err)
	}
	return st.Tasks, key.String(), exitOK
}

// SLAUpCountCommand is `aurora sla get-task-up-count`.
type SLAUpCountCommand struct {
	Meta *Meta
}

func (c *SLAUpCountCommand) Synopsis() string {
	return "Percentage of a job's instances up for at least each duration"
}

func (c *SLAUpCountCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora sla get-task-up-count [options] CLUSTER/ROLE/ENV/NAME [DURATIONS]

  For each duration, prints the percentage of the job's live instances
  whose task has been up (since it started) for at least that long,
  computed from the tasks' events as Aurora's client does. DURATIONS is a
  comma-separated list such as 30s,10m,1h,7d (default 1m,10m,1h,12h,7d).

Options:
  -durations LIST  The durations, as an option instead of an argument.
  -json            Print {"duration": percentage, ...} as JSON.
  -addr ADDR       Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora sla get-task-up-count local/www-data/prod/hello 1m,1h
`)
}

func (c *SLAUpCountCommand) Run(args []string) int {
	fs := c.Meta.flagSet("sla get-task-up-count", true)
	durFlag := fs.String("durations", "1m,10m,1h,12h,7d", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) < 1 || len(pos) > 2 {
		return c.Meta.usage("aurora sla get-task-up-count [options] CLUSTER/ROLE/ENV/NAME [DURATIONS]", "sla get-task-up-count")
	}
	list := *durFlag
	if len(pos) == 2 {
		list = pos[1]
	}
	names := splitComma(list)
	durations := make([]time.Duration, len(names))
	for i, n := range names {
		if durations[i], err = parseDuration(n); err != nil {
			c.Meta.UI.Error(err.Error())
			return exitInvalidParam
		}
	}
	tasks, _, code := slaTasks(c.Meta, pos[0])
	if tasks == nil && code != exitOK {
		return code
	}
	up := uptimes(tasks, time.Now())
	out := map[string]float64{}
	var lines []string
	for i, d := range durations {
		pct := taskUpCount(up, d)
		out[names[i]] = math.Round(pct*100) / 100
		lines = append(lines, fmt.Sprintf("%s\t- %.2f %%", names[i], pct))
	}
	if *asJSON {
		return printJSON(out)
	}
	c.Meta.UI.Output(strings.Join(lines, "\n"))
	return exitOK
}

// SLAUptimeCommand is `aurora sla get-job-uptime`.
type SLAUptimeCommand struct {
	Meta *Meta
}

func (c *SLAUptimeCommand) Synopsis() string { return "A job's uptime at percentiles of its instances" }

func (c *SLAUptimeCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora sla get-job-uptime [options] CLUSTER/ROLE/ENV/NAME

  For each percentile P, prints the uptime in seconds that P percent of
  the job's live instances have reached, computed from the tasks' events
  as Aurora's client does.

Options:
  -percentiles LIST  Comma-separated percentiles in (0, 100)
                     (default 50,75,90,95,99).
  -json              Print {"percentile": seconds, ...} as JSON.
  -addr ADDR         Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora sla get-job-uptime local/www-data/prod/hello -percentiles 50,99
`)
}

func (c *SLAUptimeCommand) Run(args []string) int {
	fs := c.Meta.flagSet("sla get-job-uptime", true)
	pctFlag := fs.String("percentiles", "50,75,90,95,99", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return c.Meta.usage("aurora sla get-job-uptime [options] CLUSTER/ROLE/ENV/NAME", "sla get-job-uptime")
	}
	names := splitComma(*pctFlag)
	pcts := make([]float64, len(names))
	for i, n := range names {
		p, err := strconv.ParseFloat(n, 64)
		if err != nil || p <= 0 || p >= 100 {
			c.Meta.UI.Error(fmt.Sprintf("percentile %q must be a number within (0, 100)", n))
			return exitInvalidParam
		}
		pcts[i] = p
	}
	tasks, _, code := slaTasks(c.Meta, pos[0])
	if tasks == nil && code != exitOK {
		return code
	}
	up := uptimes(tasks, time.Now())
	out := map[string]int64{}
	var lines []string
	for i, p := range pcts {
		u, _ := jobUptime(up, p)
		out[names[i]] = int64(u / time.Second)
		lines = append(lines, fmt.Sprintf("%s percentile\t- %d seconds", names[i], int64(u/time.Second)))
	}
	if *asJSON {
		return printJSON(out)
	}
	c.Meta.UI.Output(strings.Join(lines, "\n"))
	return exitOK
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
