package spec

import (
	"fmt"
	"strings"
)

// Task and process defaults (Aurora's Task and Process).
const (
	DefaultMaxFailures      = 1
	DefaultMinDuration      = Duration(5_000_000_000)  // 5s
	DefaultFinalizationWait = Duration(30_000_000_000) // 30s
)

// Task is what every instance of a job runs: processes and the resources
// they share. The JSON names of these fields are what the thermos executor
// plugin reads.
type Task struct {
	// Name defaults to the first process's name, as in Aurora.
	Name      string    `json:"name"`
	Processes []Process `json:"processes"`
	Resources Resources `json:"resources"`
	// MaxFailures is how many failed processes fail the task; 0 means
	// unlimited.
	MaxFailures int `json:"max_failures"`
	// MaxConcurrency bounds the processes running at once; 0 means
	// unlimited.
	MaxConcurrency int `json:"max_concurrency"`
	// FinalizationWait is the budget from the end of the task's active
	// stage to the end of its final processes.
	FinalizationWait Duration `json:"finalization_wait"`
	// Sequential runs the processes of each stage (ordinary, final) one
	// after another in the order written (Aurora's SequentialTask).
	Sequential bool `json:"sequential,omitempty"`
}

// NewTask returns a task with Aurora's defaults.
func NewTask() *Task {
	return &Task{MaxFailures: DefaultMaxFailures, FinalizationWait: DefaultFinalizationWait}
}

// Process is one command line of a task, run by the executor under bash.
type Process struct {
	Name    string `json:"name"`
	Cmdline string `json:"cmdline"`
	// MaxFailures is how many times the process may fail before it counts
	// as failed; 0 means retry forever.
	MaxFailures int `json:"max_failures"`
	// Daemon processes are run again even after a successful exit.
	Daemon bool `json:"daemon,omitempty"`
	// Ephemeral processes do not count when deciding whether the task is
	// complete.
	Ephemeral bool `json:"ephemeral,omitempty"`
	// Final processes run in the finalizing stage, after every ordinary
	// process has finished or the task is being killed.
	Final bool `json:"final,omitempty"`
	// MinDuration is the least time between two runs of the process.
	MinDuration Duration `json:"min_duration"`
	// After names the processes that must finish successfully first
	// (Aurora's order(...) constraints).
	After []string `json:"after,omitempty"`
	// Logger is where the process's output goes; nil is the executor's
	// default.
	Logger *Logger `json:"logger,omitempty"`
}

// NewProcess returns a process named name with Aurora's defaults.
func NewProcess(name string) *Process {
	return &Process{Name: name, MaxFailures: DefaultMaxFailures, MinDuration: DefaultMinDuration}
}

// Logger destinations and modes (Aurora's LoggerDestination, LoggerMode).
const (
	LogToFile    = "file"
	LogToConsole = "console"
	LogToBoth    = "both"
	LogToNone    = "none"

	LogModeStandard = "standard"
	LogModeRotate   = "rotate"

	DefaultLogSize    = 100 * MiB
	DefaultLogBackups = 5
)

// Logger says where a process's stdout and stderr go (Aurora's Logger).
type Logger struct {
	Destination string `json:"destination"`
	Mode        string `json:"mode"`
	// Rotate applies in mode "rotate"; nil there means Aurora's defaults.
	Rotate *RotatePolicy `json:"rotate,omitempty"`
}

// NewLogger returns Aurora's default logger: to files, unbounded.
func NewLogger() *Logger { return &Logger{Destination: LogToFile, Mode: LogModeStandard} }

// RotatePolicy bounds a rotated log (Aurora's RotatePolicy).
type RotatePolicy struct {
	// LogSize is the size in bytes at which a log is rotated.
	LogSize int64 `json:"log_size"`
	// Backups is how many rotated logs are kept.
	Backups int `json:"backups"`
}

// NewRotatePolicy returns Aurora's default rotation: 100 MiB, 5 backups.
func NewRotatePolicy() *RotatePolicy {
	return &RotatePolicy{LogSize: DefaultLogSize, Backups: DefaultLogBackups}
}

func (t *Task) applyDefaults() {
	if t.Name == "" && len(t.Processes) > 0 {
		t.Name = t.Processes[0].Name // Aurora: '{{processes[0].name}}'
	}
	for i := range t.Processes {
		if l := t.Processes[i].Logger; l != nil {
			l.applyDefaults()
		}
	}
}

func (l *Logger) applyDefaults() {
	if l.Destination == "" {
		l.Destination = LogToFile
	}
	if l.Mode == "" {
		l.Mode = LogModeStandard
	}
	if l.Mode == LogModeRotate && l.Rotate == nil {
		l.Rotate = NewRotatePolicy()
	}
}

// Validate checks the task's processes, their ordering and the resources.
func (t *Task) Validate() FieldErrors {
	var errs FieldErrors
	// A name taken from the first process is checked there.
	derived := len(t.Processes) > 0 && t.Name == t.Processes[0].Name
	if t.Name != "" && !derived && !goodIdentifier.MatchString(t.Name) {
		errs.Add("name", fmt.Sprintf("task name %q may contain only letters, digits, '_', '-' and '.'", t.Name))
	}
	if t.MaxFailures < 0 {
		errs.Add("max_failures", "must be at least 0 (0 means unlimited)")
	}
	if t.MaxConcurrency < 0 {
		errs.Add("max_concurrency", "must be at least 0 (0 means unlimited)")
	}
	if t.FinalizationWait < 0 {
		errs.Add("finalization_wait", "must not be negative")
	}
	errs.Prefixed("resources", t.Resources.Validate())
	if len(t.Processes) == 0 {
		errs.Add("process", "a task needs at least one process")
	}
	seen := make(map[string]bool, len(t.Processes))
	for _, p := range t.Processes {
		path := processPath(p.Name)
		if seen[p.Name] {
			errs.Add(path, "process names must be unique within a task")
		}
		seen[p.Name] = true
		errs.Prefixed(path, p.Validate())
	}
	errs = append(errs, t.validateOrdering()...)
	return errs
}

// Validate checks one process on its own; ordering is the task's.
func (p *Process) Validate() FieldErrors {
	var errs FieldErrors
	switch {
	case !goodIdentifier.MatchString(p.Name):
		errs.Add("", fmt.Sprintf("process name %q may contain only letters, digits, '_', '-' and '.'", p.Name))
	case strings.HasPrefix(p.Name, "."):
		errs.Add("", fmt.Sprintf("process name %q must not start with '.'", p.Name))
	}
	if strings.TrimSpace(p.Cmdline) == "" {
		errs.Add("cmdline", "must not be empty")
	}
	if p.MaxFailures < 0 {
		errs.Add("max_failures", "must be at least 0 (0 means retry forever)")
	}
	if p.MinDuration < 0 {
		errs.Add("min_duration", "must not be negative")
	}
	if p.Logger != nil {
		errs.Prefixed("logger", p.Logger.Validate())
	}
	return errs
}

// Validate checks a logger's destination, mode and rotation.
func (l *Logger) Validate() FieldErrors {
	var errs FieldErrors
	switch l.Destination {
	case LogToFile, LogToConsole, LogToBoth, LogToNone:
	default:
		errs.Add("destination", fmt.Sprintf("%q is not a log destination: use file, console, both or none", l.Destination))
	}
	switch l.Mode {
	case LogModeStandard:
		if l.Rotate != nil {
			errs.Add("rotate", `rotation applies only with mode = "rotate"`)
		}
	case LogModeRotate:
		if l.Destination == LogToConsole || l.Destination == LogToNone {
			errs.Add("mode", fmt.Sprintf("rotation needs log files, and destination %q writes none", l.Destination))
		}
	default:
		errs.Add("mode", fmt.Sprintf("%q is not a log mode: use standard or rotate", l.Mode))
	}
	if r := l.Rotate; r != nil {
		if r.LogSize <= 0 {
			errs.Add("rotate.log_size", "must be greater than 0")
		}
		if r.Backups < 0 {
			errs.Add("rotate.backups", "must be at least 0")
		}
	}
	return errs
}

// processPath names a process block in field paths.
func processPath(name string) string { return "process[" + name + "]" }

// dependency is one "runs after" edge of the process graph.
type dependency struct {
	on       string
	implicit bool // from the task's sequential setting, not after
}

// dependencies returns each process's edges: its after list, then, in a
// sequential task, the previous process of the same stage.
func (t *Task) dependencies() map[string][]dependency {
	deps := make(map[string][]dependency, len(t.Processes))
	prev := map[bool]string{} // by Final
	for _, p := range t.Processes {
		for _, a := range p.After {
			deps[p.Name] = append(deps[p.Name], dependency{on: a})
		}
		if t.Sequential {
			if before, ok := prev[p.Final]; ok {
				deps[p.Name] = append(deps[p.Name], dependency{on: before, implicit: true})
			}
			prev[p.Final] = p.Name
		}
	}
	return deps
}

// validateOrdering applies Thermos's planner rules (reference 2.3): known
// processes, no waiting on oneself, on a daemon, on an ephemeral process
// (unless ephemeral too), across the ordinary/final stages, and no cycles.
func (t *Task) validateOrdering() FieldErrors {
	var errs FieldErrors
	byName := make(map[string]*Process, len(t.Processes))
	for i := range t.Processes {
		if _, dup := byName[t.Processes[i].Name]; !dup {
			byName[t.Processes[i].Name] = &t.Processes[i]
		}
	}
	deps := t.dependencies()
	for _, p := range t.Processes {
		for _, dep := range deps[p.Name] {
			path := processPath(p.Name) + ".after"
			how := "cannot run after"
			if dep.implicit {
				path = "sequential"
				how = fmt.Sprintf("process %q cannot run after", p.Name)
			}
			d, ok := byName[dep.on]
			switch {
			case !ok:
				errs.Add(path, fmt.Sprintf("unknown process %q", dep.on))
			case dep.on == p.Name:
				errs.Add(path, "a process cannot wait for itself")
			case d.Daemon:
				errs.Add(path, fmt.Sprintf("%s daemon process %q: a daemon is run again whenever it exits, so no process may depend on one", how, dep.on))
			case d.Ephemeral && !p.Ephemeral:
				errs.Add(path, fmt.Sprintf("%s ephemeral process %q: only an ephemeral process may depend on an ephemeral one", how, dep.on))
			case p.Final && !d.Final:
				errs.Add(path, fmt.Sprintf("%s ordinary process %q: a final process may depend only on other final processes", how, dep.on))
			case !p.Final && d.Final:
				errs.Add(path, fmt.Sprintf("%s final process %q: final processes run after every ordinary process", how, dep.on))
			}
		}
	}
	if len(errs) > 0 {
		return errs // a cycle through a bad edge would report it twice
	}
	if cycle := findCycle(t.Processes, deps); cycle != nil {
		errs.Add(processPath(cycle[0])+".after", "process ordering has a cycle: "+strings.Join(cycle, " -> "))
	}
	return errs
}

// findCycle returns one cycle in the process graph, first process
// repeated at the end, or nil. Edges to unknown processes are ignored.
func findCycle(ps []Process, deps map[string][]dependency) []string {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[string]int, len(ps))
	for _, p := range ps {
		state[p.Name] = unvisited
	}
	var stack []string
	var visit func(string) []string
	visit = func(n string) []string {
		state[n] = visiting
		stack = append(stack, n)
		for _, d := range deps[n] {
			s, known := state[d.on]
			switch {
			case !known || d.on == n:
			case s == visiting:
				for i, name := range stack {
					if name == d.on {
						return append(append([]string(nil), stack[i:]...), d.on)
					}
				}
			case s == unvisited:
				if c := visit(d.on); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		return nil
	}
	for _, p := range ps {
		if state[p.Name] == unvisited {
			if c := visit(p.Name); c != nil {
				return c
			}
		}
	}
	return nil
}
