package main

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/core/taskstate"
)

// parseStatuses reads a comma-separated list of task states.
func parseStatuses(list string) ([]taskstate.Status, error) {
	var out []taskstate.Status
	for _, name := range splitComma(list) {
		st, err := taskstate.ParseStatus(strings.ToUpper(name))
		if err != nil {
			return nil, fmt.Errorf("%w; valid states are PENDING, THROTTLED, ASSIGNED, STARTING, RUNNING, KILLING, "+
				"PREEMPTING, RESTARTING, DRAINING, PARTITIONED, FINISHED, FAILED, KILLED, LOST", err)
		}
		out = append(out, st)
	}
	return out, nil
}

// AdminQueryCommand is `aurora admin query`.
type AdminQueryCommand struct {
	Meta *Meta
}

func (c *AdminQueryCommand) Synopsis() string { return "Print the tasks that match a query" }

func (c *AdminQueryCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora admin query [options] CLUSTER [ROLE [JOB]]

  Prints one line per task matching the query, in the -l format. As in
  Aurora, a query without a role or a job, or for states outside the
  active ones, is expensive and needs -force.

Options:
  -l FORMAT     Line format (default "%role%/%jobName%/%instanceId% %status%").
                Fields: %taskId%, %role%, %environment%, %jobName% (or
                %name%), %instanceId%, %status%, %host% (or %slaveHost%),
                %agentId%, %failureCount%, %ancestorId%, %sandbox%,
                %cluster%.
  -states LIST  Task states to match (default RUNNING).
  -shards LIST  Instances to match, such as 0,2.
  -env ENV      Environment to match.
  -force        Run an expensive query.
  -json         Print the matching tasks as JSON.
  -addr ADDR    Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora admin query -states RUNNING,PENDING local www-data hello
`)
}

var formatField = regexp.MustCompile(`%(\w+)%`)

func (c *AdminQueryCommand) Run(args []string) int {
	fs := c.Meta.flagSet("admin query", true)
	format := fs.String("l", "%role%/%jobName%/%instanceId% %status%", "")
	states := fs.String("states", "RUNNING", "")
	shards := fs.String("shards", "", "")
	env := fs.String("env", "", "")
	force := fs.Bool("force", false, "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) < 1 || len(pos) > 3 {
		return c.Meta.usage("aurora admin query [options] CLUSTER [ROLE [JOB]]", "admin query")
	}
	q := state.TaskQuery{Role: arg(pos, 1), Environment: *env, Name: arg(pos, 2)}
	if q.Statuses, err = parseStatuses(*states); err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	if *shards != "" {
		if q.Instances, err = parseInstances(*shards); err != nil {
			c.Meta.UI.Error("-shards: " + err.Error())
			return exitInvalidParam
		}
	}
	if !*force {
		expensive := ""
		switch {
		case q.Role == "":
			expensive = "no role specified"
		case q.Name == "":
			expensive = "no job specified"
		}
		for _, st := range q.Statuses {
			if !st.Active() {
				expensive = "states outside the active ones"
			}
		}
		if expensive != "" {
			c.Meta.UI.Error("-force is required for expensive queries (" + expensive + ")")
			return exitInvalidParam
		}
	}
	for _, m := range formatField.FindAllStringSubmatch(*format, -1) {
		if _, ok := taskFields(api.TaskStatus{Task: &state.Task{}}, "")[m[1]]; !ok {
			c.Meta.UI.Error(fmt.Sprintf("unknown field %%%s%% in -l; see `aurora admin query -h` for the fields", m[1]))
			return exitInvalidParam
		}
	}
	client, err := c.Meta.client(pos[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	list, err := client.QueryTasks(context.Background(), q)
	if err != nil {
		return c.Meta.fail(err)
	}
	if *asJSON {
		return printJSON(list.Tasks)
	}
	for _, t := range list.Tasks {
		fields := taskFields(t, pos[0])
		c.Meta.UI.Output(formatField.ReplaceAllStringFunc(*format, func(m string) string {
			return fields[m[1:len(m)-1]]
		}))
	}
	return exitOK
}

// taskFields flattens a task for -l formats, with Aurora's names.
func taskFields(t api.TaskStatus, cluster string) map[string]string {
	role, rest, _ := strings.Cut(t.JobKey, "/")
	env, name, _ := strings.Cut(rest, "/")
	return map[string]string{
		"taskId": t.ID, "role": role, "environment": env, "jobName": name, "name": name,
		"instanceId": strconv.Itoa(t.Instance), "status": t.Status.String(),
		"host": t.Host, "slaveHost": t.Host, "agentId": t.AgentID,
		"failureCount": strconv.Itoa(t.FailureCount), "ancestorId": t.AncestorID,
		"sandbox": t.Sandbox, "cluster": cluster,
	}
}

// AdminPruneCommand is `aurora admin prune_tasks`.
type AdminPruneCommand struct {
	Meta *Meta
}

func (c *AdminPruneCommand) Synopsis() string { return "Delete terminal tasks from the scheduler" }

func (c *AdminPruneCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora admin prune_tasks [options] CLUSTER

  Deletes terminal tasks (FINISHED, FAILED, KILLED, LOST) that match, the
  oldest first (Aurora's pruneTasks). Active tasks are never pruned.

Options:
  -states LIST  Terminal states to prune (default: all of them).
  -role ROLE    Only this role's tasks.
  -env ENV      Only tasks of this environment.
  -job NAME     Only tasks of jobs with this name.
  -limit N      Prune at most N tasks (default: no limit).
  -json         Print the pruned task ids as JSON.
  -addr ADDR    Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora admin prune_tasks -role www-data -states KILLED,FAILED -limit 100 local
`)
}

func (c *AdminPruneCommand) Run(args []string) int {
	fs := c.Meta.flagSet("admin prune_tasks", true)
	states := fs.String("states", "", "")
	role := fs.String("role", "", "")
	env := fs.String("env", "", "")
	job := fs.String("job", "", "")
	limit := fs.Int("limit", 0, "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return c.Meta.usage("aurora admin prune_tasks [options] CLUSTER", "admin prune_tasks")
	}
	sts, err := parseStatuses(*states)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	req := api.PruneRequest{Role: *role, Environment: *env, Name: *job, Limit: *limit}
	for _, st := range sts {
		req.Statuses = append(req.Statuses, st.String())
	}
	client, err := c.Meta.client(pos[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	resp, err := client.Prune(context.Background(), req)
	if err != nil {
		return c.Meta.fail(err)
	}
	if *asJSON {
		return printJSON(resp)
	}
	sort.Strings(resp.Pruned)
	c.Meta.UI.Output(fmt.Sprintf("Pruned %d task(s).", len(resp.Pruned)))
	return exitOK
}

// AdminQuotaCommand is `aurora admin set_quota` and, with increase,
// `aurora admin increase_quota`.
type AdminQuotaCommand struct {
	Meta     *Meta
	increase bool
}

func (c *AdminQuotaCommand) name() string {
	if c.increase {
		return "increase_quota"
	}
	return "set_quota"
}

func (c *AdminQuotaCommand) Synopsis() string {
	if c.increase {
		return "Add to a role's quota"
	}
	return "Set a role's quota"
}

func (c *AdminQuotaCommand) Help() string {
	what := "Sets the role's production quota to CPU cpus, RAM and DISK (Aurora's setQuota)."
	if c.increase {
		what = "Adds CPU cpus, RAM and DISK to the role's production quota."
	}
	return strings.TrimSpace(fmt.Sprintf(`
Usage: aurora admin %s [options] CLUSTER ROLE CPU RAM DISK

  %s
  RAM and DISK take units as aurora_admin does: 512MB, 4GB, 1TB (1024-based);
  a number without a unit is MB.

Options:
  -addr ADDR  Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora admin %s local www-data 4 4GB 10GB
`, c.name(), what, c.name()))
}

func (c *AdminQuotaCommand) Run(args []string) int {
	fs := c.Meta.flagSet("admin "+c.name(), true)
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 5 {
		return c.Meta.usage("aurora admin "+c.name()+" [options] CLUSTER ROLE CPU RAM DISK", "admin "+c.name())
	}
	cpu, err := strconv.ParseFloat(pos[2], 64)
	if err != nil {
		c.Meta.UI.Error(fmt.Sprintf("CPU %q is not a number", pos[2]))
		return exitInvalidParam
	}
	ram, err := parseData(pos[3])
	if err != nil {
		c.Meta.UI.Error("RAM: " + err.Error())
		return exitInvalidParam
	}
	disk, err := parseData(pos[4])
	if err != nil {
		c.Meta.UI.Error("DISK: " + err.Error())
		return exitInvalidParam
	}
	client, err := c.Meta.client(pos[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	ctx := context.Background()
	want := api.Resources{CPU: cpu, RAM: ram, Disk: disk}
	if c.increase {
		cur, err := client.Quota(ctx, pos[1])
		if err != nil {
			return c.Meta.fail(err)
		}
		c.Meta.UI.Output(fmt.Sprintf("Current quota of %s: cpu %s, ram %s, disk %s", pos[1], formatCPU(cur.Quota.CPU), formatBytes(cur.Quota.RAM), formatBytes(cur.Quota.Disk)))
		want = cur.Quota.Add(want)
	}
	if err := client.SetQuota(ctx, pos[1], want); err != nil {
		return c.Meta.fail(err)
	}
	c.Meta.UI.Output(fmt.Sprintf("Quota of %s set to cpu %s, ram %s, disk %s.", pos[1], formatCPU(want.CPU), formatBytes(want.RAM), formatBytes(want.Disk)))
	return exitOK
}

// AdminReconcileCommand is `aurora admin reconcile_tasks`.
type AdminReconcileCommand struct {
	Meta *Meta
}

func (c *AdminReconcileCommand) Synopsis() string {
	return "Reconcile the scheduler's tasks with Mesos now"
}

func (c *AdminReconcileCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora admin reconcile_tasks [options] CLUSTER

  Asks the leading scheduler to reconcile tasks with Mesos now. Explicit
  reconciliation names every task the scheduler believes is on an agent,
  in batches; implicit asks Mesos for every task it knows. The answers
  come back as status updates.

Options:
  -type T, -t T  explicit (the default) or implicit.
  -batch-size N  Tasks per explicit reconciliation call (default 1000);
                 -b N for short.
  -addr ADDR     Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora admin reconcile_tasks -type implicit local
`)
}

func (c *AdminReconcileCommand) Run(args []string) int {
	fs := c.Meta.flagSet("admin reconcile_tasks", true)
	typ := fs.String("type", "explicit", "")
	fs.StringVar(typ, "t", "explicit", "")
	batch := fs.Int("batch-size", 0, "")
	fs.IntVar(batch, "b", 0, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return c.Meta.usage("aurora admin reconcile_tasks [options] CLUSTER", "admin reconcile_tasks")
	}
	if *typ != "explicit" && *typ != "implicit" {
		c.Meta.UI.Error(fmt.Sprintf("-type %q must be explicit or implicit", *typ))
		return exitInvalidParam
	}
	client, err := c.Meta.client(pos[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	resp, err := client.Reconcile(context.Background(), api.ReconcileRequest{Type: *typ, BatchSize: *batch})
	if err != nil {
		return c.Meta.fail(err)
	}
	if resp.Type == "implicit" {
		c.Meta.UI.Output("Implicit reconciliation requested: Mesos reports every task it knows.")
	} else {
		c.Meta.UI.Output(fmt.Sprintf("Explicit reconciliation requested for %d task(s).", resp.Tasks))
	}
	return exitOK
}
