package spec

import (
	"fmt"
	"regexp"
)

// Aurora's defaults (reference aurora.md section 2).
const (
	DefaultTier             = "preferred"
	DefaultMaxTaskFailures  = 1
	DefaultMaxFailures      = 1
	DefaultMinDuration      = Duration(5_000_000_000)  // 5s
	DefaultFinalizationWait = Duration(30_000_000_000) // 30s

	// MaxInstances bounds a job's instance count, as Aurora's
	// -max_tasks_per_job does.
	MaxInstances = 4000
)

// Job is a job as submitted: its key, what kind of job it is and the task
// every instance runs.
type Job struct {
	Cluster         string            `json:"cluster"`
	Key             JobKey            `json:"key"`
	Service         bool              `json:"service"`
	Instances       int               `json:"instances"`
	Tier            string            `json:"tier"`
	Priority        int               `json:"priority"`
	MaxTaskFailures int               `json:"max_task_failures"`
	Contact         string            `json:"contact,omitempty"`
	Constraints     map[string]string `json:"constraints,omitempty"`
	Metadata        map[string]string `json:"metadata,omitempty"`
	Task            Task              `json:"task"`
}

// Task is what every instance of a job runs: processes and the resources
// they share.
type Task struct {
	Name             string    `json:"name"`
	Processes        []Process `json:"processes"`
	Resources        Resources `json:"resources"`
	MaxFailures      int       `json:"max_failures"`
	MaxConcurrency   int       `json:"max_concurrency"`
	FinalizationWait Duration  `json:"finalization_wait"`
	Sequential       bool      `json:"sequential,omitempty"`
}

// Process is one command line of a task, run by the executor under bash.
type Process struct {
	Name        string   `json:"name"`
	Cmdline     string   `json:"cmdline"`
	MaxFailures int      `json:"max_failures"`
	Daemon      bool     `json:"daemon,omitempty"`
	Ephemeral   bool     `json:"ephemeral,omitempty"`
	Final       bool     `json:"final,omitempty"`
	MinDuration Duration `json:"min_duration"`
	After       []string `json:"after,omitempty"`
}

// Resources a task asks for. RAM and disk are bytes.
type Resources struct {
	CPU   float64  `json:"cpu"`
	RAM   int64    `json:"ram"`
	Disk  int64    `json:"disk"`
	GPU   int      `json:"gpu,omitempty"`
	Ports []string `json:"ports,omitempty"`
}

// MiB is Aurora's MB: ram = 128*MB means 128 MiB.
const MiB = 1 << 20

// RAMMB is the RAM in the unit Mesos offers (MB = MiB).
func (r Resources) RAMMB() float64 { return float64(r.RAM) / MiB }

// DiskMB is the disk in the unit Mesos offers (MB = MiB).
func (r Resources) DiskMB() float64 { return float64(r.Disk) / MiB }

// ApplyDefaults fills every unset field with Aurora's default. It is called
// by every front end before validation.
func (j *Job) ApplyDefaults() {
	if j.Tier == "" {
		j.Tier = DefaultTier
	}
	if j.MaxTaskFailures == 0 {
		j.MaxTaskFailures = DefaultMaxTaskFailures
	}
	if j.Task.Name == "" {
		j.Task.Name = j.Key.Name
	}
	if j.Task.MaxFailures == 0 {
		j.Task.MaxFailures = DefaultMaxFailures
	}
	if j.Task.FinalizationWait == 0 {
		j.Task.FinalizationWait = DefaultFinalizationWait
	}
	for i := range j.Task.Processes {
		p := &j.Task.Processes[i]
		if p.MaxFailures == 0 {
			p.MaxFailures = DefaultMaxFailures
		}
		if p.MinDuration == 0 {
			p.MinDuration = DefaultMinDuration
		}
	}
}

var goodPortName = regexp.MustCompile(`^[\w\-]+$`)

// Validate checks the job against Aurora's client and server rules and
// returns every failure, each naming its field.
func (j *Job) Validate() FieldErrors {
	var errs FieldErrors
	errs = append(errs, j.Key.Validate()...)
	if j.Cluster == "" {
		errs.Add("cluster", "must not be empty")
	}
	switch {
	case j.Instances < 1:
		errs.Add("instances", fmt.Sprintf("must be at least 1, not %d", j.Instances))
	case j.Instances > MaxInstances:
		errs.Add("instances", fmt.Sprintf("%d exceeds the limit of %d instances per job", j.Instances, MaxInstances))
	}
	if j.MaxTaskFailures < -1 {
		errs.Add("max_task_failures", "must be -1 (unlimited) or at least 0")
	}
	switch j.Tier {
	case "preemptible", "preferred", "revocable":
	default:
		errs.Add("tier", fmt.Sprintf("%q is not a tier: use preemptible, preferred or revocable", j.Tier))
	}
	for name, value := range j.Constraints {
		if name == "" {
			errs.Add("constraints", "constraint attribute names must not be empty")
			continue
		}
		if _, err := ParseConstraint(name, value); err != nil {
			errs.Add("constraints."+name, err.Error())
		}
	}
	errs.Prefixed("task", j.Task.Validate())
	return errs
}

// Validate checks the task's processes and resources.
func (t *Task) Validate() FieldErrors {
	var errs FieldErrors
	if t.MaxFailures < 0 {
		errs.Add("max_failures", "must be at least 0")
	}
	if t.MaxConcurrency < 0 {
		errs.Add("max_concurrency", "must be at least 0")
	}
	errs.Prefixed("resources", t.Resources.Validate())
	if len(t.Processes) == 0 {
		errs.Add("process", "a task needs at least one process")
	}
	names := make(map[string]bool, len(t.Processes))
	for _, p := range t.Processes {
		if names[p.Name] {
			errs.Add(processPath(p.Name), "process names must be unique within a task")
		}
		names[p.Name] = true
	}
	for _, p := range t.Processes {
		path := processPath(p.Name)
		if !goodIdentifier.MatchString(p.Name) {
			errs.Add(path, fmt.Sprintf("process name %q may contain only letters, digits, '_', '-' and '.'", p.Name))
		}
		if p.Cmdline == "" {
			errs.Add(path+".cmdline", "must not be empty")
		}
		if p.MaxFailures < 0 {
			errs.Add(path+".max_failures", "must be at least 0")
		}
		if p.MinDuration < 0 {
			errs.Add(path+".min_duration", "must not be negative")
		}
		for _, dep := range p.After {
			if !names[dep] {
				errs.Add(path+".after", fmt.Sprintf("unknown process %q", dep))
			}
			if dep == p.Name {
				errs.Add(path+".after", "a process cannot wait for itself")
			}
		}
	}
	return errs
}

// processPath names a process block in field paths.
func processPath(name string) string { return "process[" + name + "]" }

// Validate checks resource amounts.
func (r *Resources) Validate() FieldErrors {
	var errs FieldErrors
	if r.CPU <= 0 {
		errs.Add("cpu", "must be greater than 0")
	}
	if r.RAM <= 0 {
		errs.Add("ram", "must be greater than 0")
	}
	if r.Disk <= 0 {
		errs.Add("disk", "must be greater than 0")
	}
	if r.GPU < 0 {
		errs.Add("gpu", "must not be negative")
	}
	seen := map[string]bool{}
	for _, p := range r.Ports {
		if !goodPortName.MatchString(p) {
			errs.Add("ports", fmt.Sprintf("port name %q may contain only letters, digits, '_' and '-'", p))
		}
		if seen[p] {
			errs.Add("ports", fmt.Sprintf("port %q is named twice", p))
		}
		seen[p] = true
	}
	return errs
}
