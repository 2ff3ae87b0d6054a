package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aurora-go/aurora/core/spec"
)

// JobInspectCommand is `aurora job inspect`.
type JobInspectCommand struct {
	Meta *Meta
}

func (c *JobInspectCommand) Synopsis() string {
	return "Parse and validate a job file and show what it defines"
}

func (c *JobInspectCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job inspect [options] [CLUSTER/ROLE/ENV/NAME] FILE

  Parses FILE and validates it as the scheduler would, without contacting
  a scheduler, then prints the job (or every job of the file when no key
  is given): job, task and process settings with Aurora's defaults filled
  in. A problem is reported as FILE:LINE:COL with exit code 3.

Options:
  -json             Print the jobs as the JSON the scheduler receives.
` + jobFileHelp + `

Example:
  aurora job inspect examples/hello.hcl
  aurora job inspect local/www-data/prod/hello examples/hello.hcl -json
`)
}

func (c *JobInspectCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job inspect", false)
	asJSON := fs.Bool("json", false, "")
	var jf jobFileFlags
	jf.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) < 1 || len(pos) > 2 {
		return c.Meta.usage("aurora job inspect [options] [CLUSTER/ROLE/ENV/NAME] FILE", "job inspect")
	}
	key, file := keyAndFile(pos)
	var jobs []*spec.Job
	if key != "" {
		job, code := loadJob(c.Meta, file, key, &jf)
		if job == nil {
			return code
		}
		jobs = []*spec.Job{job}
	} else {
		var code int
		if jobs, code = loadJobs(c.Meta, file, &jf); jobs == nil {
			return code
		}
	}
	if *asJSON {
		if key != "" {
			return printJSON(jobs[0])
		}
		return printJSON(jobs)
	}
	for i, j := range jobs {
		if i > 0 {
			c.Meta.UI.Output("")
		}
		c.Meta.UI.Output(strings.TrimRight(describeJob(j), "\n"))
	}
	return exitOK
}

// describeJob renders a job as Aurora's inspect does: job, task and
// process information.
func describeJob(j *spec.Job) string {
	var b strings.Builder
	line := func(indent int, format string, args ...interface{}) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	line(0, "Job level information")
	line(1, "key:               %s/%s", j.Cluster, j.Key)
	kind := "batch job"
	switch {
	case j.Service:
		kind = "service"
	case j.IsCron():
		kind = fmt.Sprintf("cron job (schedule %q, collision policy %s)", j.Cron.Schedule, j.Cron.CollisionPolicy)
	}
	line(1, "kind:              %s", kind)
	line(1, "instances:         %d", j.Instances)
	line(1, "tier:              %s (production: %t)", j.Tier, j.Production)
	line(1, "priority:          %d", j.Priority)
	line(1, "max task failures: %d", j.MaxTaskFailures)
	if j.Contact != "" {
		line(1, "contact:           %s", j.Contact)
	}
	if j.Executor != "" {
		line(1, "executor:          %s", j.Executor)
	}
	for _, k := range sortedKeys(j.Constraints) {
		line(1, "constraint:        %s = %q", k, j.Constraints[k])
	}
	for _, p := range j.Placements {
		line(1, "placement:         %s", p.Name)
	}
	for _, k := range sortedKeys(j.Metadata) {
		line(1, "metadata:          %s = %q", k, j.Metadata[k])
	}
	if j.Announce != nil {
		line(1, "announce:          primary port %s", j.Announce.PrimaryPort)
	}
	if j.Container != nil {
		line(1, "container:         %s", containerKind(j.Container))
	}
	t := j.Task
	line(0, "Task level information")
	line(1, "name:              %s", t.Name)
	r := t.Resources
	line(1, "resources:         cpu %g, ram %s, disk %s%s", r.CPU, formatBytes(r.RAM), formatBytes(r.Disk), gpuText(r.GPU))
	if len(r.Ports) > 0 {
		line(1, "ports:             %s", strings.Join(r.Ports, ", "))
	}
	line(1, "max failures:      %d", t.MaxFailures)
	if t.MaxConcurrency > 0 {
		line(1, "max concurrency:   %d", t.MaxConcurrency)
	}
	line(1, "finalization wait: %s", t.FinalizationWait)
	if t.Sequential {
		line(1, "sequential:        true")
	}
	for _, p := range t.Processes {
		line(0, "Process '%s':", p.Name)
		line(1, "cmdline:")
		for _, l := range strings.Split(strings.TrimRight(p.Cmdline, "\n"), "\n") {
			line(2, "%s", l)
		}
		var flags []string
		for name, on := range map[string]bool{"daemon": p.Daemon, "ephemeral": p.Ephemeral, "final": p.Final} {
			if on {
				flags = append(flags, name)
			}
		}
		sort.Strings(flags)
		if len(flags) > 0 {
			line(1, "%s", strings.Join(flags, ", "))
		}
		line(1, "max failures: %d, min duration: %s", p.MaxFailures, p.MinDuration)
		if len(p.After) > 0 {
			line(1, "after: %s", strings.Join(p.After, ", "))
		}
	}
	return b.String()
}

func containerKind(c *spec.Container) string {
	switch {
	case c.Docker != nil:
		return "docker " + c.Docker.Image
	case c.Mesos != nil && c.Mesos.Image != nil:
		return "mesos " + c.Mesos.Image.Type + " image " + c.Mesos.Image.Name
	case c.Mesos != nil:
		return "mesos"
	}
	return "none"
}

func gpuText(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", gpu %d", n)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// formatBytes renders bytes in Aurora's 1024-based units.
func formatBytes(n int64) string {
	units := []struct {
		name string
		size int64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}}
	for _, u := range units {
		if n >= u.size {
			v := float64(n) / float64(u.size)
			if v == float64(int64(v)) {
				return fmt.Sprintf("%d%s", int64(v), u.name)
			}
			return fmt.Sprintf("%.2f%s", v, u.name)
		}
	}
	return fmt.Sprintf("%dB", n)
}
