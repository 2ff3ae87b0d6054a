package thermos

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// Aurora's defaults for unset fields.
const (
	defaultMaxFailures      = 1
	defaultMinDuration      = 5 * time.Second
	defaultFinalizationWait = 30 * time.Second
)

// duration reads a Go duration string ("5s") or a number of nanoseconds.
type duration time.Duration

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("invalid duration %q: %w", s, err)
		}
		*d = duration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New(`a duration must be a string such as "5s"`)
	}
	*d = duration(n)
	return nil
}

// taskJSON is the wire form of the task configuration; pointers tell unset
// fields (Aurora defaults) from zero values.
type taskJSON struct {
	Name             string        `json:"name"`
	Processes        []processJSON `json:"processes"`
	MaxFailures      *int          `json:"max_failures"`
	MaxConcurrency   int           `json:"max_concurrency"`
	FinalizationWait *duration     `json:"finalization_wait"`
	Sequential       bool          `json:"sequential"`
	// Job is the task's job identity, which the executor adds; its role
	// is the Unix user the processes run as when it exists.
	Job *struct {
		Role string `json:"role"`
	} `json:"job"`
}

type processJSON struct {
	Name        string      `json:"name"`
	Cmdline     string      `json:"cmdline"`
	MaxFailures *int        `json:"max_failures"`
	Daemon      bool        `json:"daemon"`
	Ephemeral   bool        `json:"ephemeral"`
	Final       bool        `json:"final"`
	MinDuration *duration   `json:"min_duration"`
	After       []string    `json:"after"`
	Logger      *loggerJSON `json:"logger"`
}

// loggerJSON is Aurora's process Logger.
type loggerJSON struct {
	Destination string `json:"destination"`
	Mode        string `json:"mode"`
	Rotate      *struct {
		LogSize int64 `json:"log_size"`
		Backups int   `json:"backups"`
	} `json:"rotate"`
}

// Aurora's logger defaults.
const (
	defaultLogSize    = 100 << 20
	defaultLogBackups = 5
)

// taskConfig is a validated task configuration with defaults applied.
type taskConfig struct {
	name             string
	processes        []processConfig // in the order written
	maxFailures      int
	maxConcurrency   int
	finalizationWait time.Duration
	role             string
}

type processConfig struct {
	name        string
	cmdline     string
	maxFailures int
	daemon      bool
	ephemeral   bool
	final       bool
	minDuration time.Duration
	// after holds the processes that must finish first, including the
	// implicit ones of a sequential task.
	after  []string
	logger logConfig
}

// logConfig says where a process's output goes (Aurora's Logger): to its
// files in the sandbox, to the executor's console (the sandbox's stdout
// and stderr, as Mesos shows them), both, or nowhere; files either grow
// or rotate at a size, keeping a number of backups.
type logConfig struct {
	toFile, toConsole bool
	rotate            bool
	logSize           int64
	backups           int
}

func parseLogger(name string, lj *loggerJSON) (logConfig, error) {
	lc := logConfig{toFile: true, logSize: defaultLogSize, backups: defaultLogBackups}
	if lj == nil {
		return lc, nil
	}
	switch lj.Destination {
	case "", "file":
	case "console":
		lc.toFile, lc.toConsole = false, true
	case "both":
		lc.toConsole = true
	case "none":
		lc.toFile = false
	default:
		return lc, fmt.Errorf("%w: process %q: logger destination %q is not file, console, both or none", sdk.ErrInvalidArgument, name, lj.Destination)
	}
	switch lj.Mode {
	case "", "standard":
	case "rotate":
		lc.rotate = true
		if lj.Rotate != nil {
			lc.logSize, lc.backups = lj.Rotate.LogSize, lj.Rotate.Backups
		}
		if lc.logSize <= 0 || lc.backups < 0 {
			return lc, fmt.Errorf("%w: process %q: rotation needs a positive log_size and backups >= 0", sdk.ErrInvalidArgument, name)
		}
	default:
		return lc, fmt.Errorf("%w: process %q: logger mode %q is not standard or rotate", sdk.ErrInvalidArgument, name, lj.Mode)
	}
	return lc, nil
}

// parseTaskConfig decodes, defaults and validates a task configuration.
// Errors wrap sdk.ErrInvalidArgument.
func parseTaskConfig(raw json.RawMessage) (*taskConfig, error) {
	var tj taskJSON
	if err := json.Unmarshal(raw, &tj); err != nil {
		return nil, fmt.Errorf("%w: thermos task config: %w", sdk.ErrInvalidArgument, err)
	}
	cfg := &taskConfig{
		name:             tj.Name,
		maxFailures:      intOr(tj.MaxFailures, defaultMaxFailures),
		maxConcurrency:   tj.MaxConcurrency,
		finalizationWait: durationOr(tj.FinalizationWait, defaultFinalizationWait),
	}
	if tj.Job != nil {
		cfg.role = tj.Job.Role
	}
	for _, pj := range tj.Processes {
		logger, err := parseLogger(pj.Name, pj.Logger)
		if err != nil {
			return nil, err
		}
		cfg.processes = append(cfg.processes, processConfig{
			name:        pj.Name,
			cmdline:     pj.Cmdline,
			maxFailures: intOr(pj.MaxFailures, defaultMaxFailures),
			daemon:      pj.Daemon,
			ephemeral:   pj.Ephemeral,
			final:       pj.Final,
			minDuration: durationOr(pj.MinDuration, defaultMinDuration),
			after:       append([]string(nil), pj.After...),
			logger:      logger,
		})
	}
	if cfg.name == "" && len(cfg.processes) > 0 {
		cfg.name = cfg.processes[0].name // Aurora: '{{processes[0].name}}'
	}
	if tj.Sequential {
		chainInOrder(cfg.processes)
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("%w: thermos task config: %w", sdk.ErrInvalidArgument, err)
	}
	return cfg, nil
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func durationOr(p *duration, def time.Duration) time.Duration {
	if p == nil {
		return def
	}
	return time.Duration(*p)
}

// chainInOrder makes each process wait for the previous one of the same
// stage (ordinary or final), as Aurora's SequentialTask does.
func chainInOrder(ps []processConfig) {
	prev := map[bool]string{}
	for i := range ps {
		if p, ok := prev[ps[i].final]; ok {
			ps[i].after = append(ps[i].after, p)
		}
		prev[ps[i].final] = ps[i].name
	}
}

func (c *taskConfig) validate() error {
	var errs []error
	if len(c.processes) == 0 {
		errs = append(errs, errors.New("a task needs at least one process"))
	}
	if c.maxFailures < 0 {
		errs = append(errs, errors.New("max_failures must not be negative"))
	}
	if c.maxConcurrency < 0 {
		errs = append(errs, errors.New("max_concurrency must not be negative"))
	}
	if c.finalizationWait < 0 {
		errs = append(errs, errors.New("finalization_wait must not be negative"))
	}
	byName := make(map[string]*processConfig, len(c.processes))
	for i := range c.processes {
		p := &c.processes[i]
		if err := validateProcessName(p.name); err != nil {
			errs = append(errs, fmt.Errorf("process %d: %w", i, err))
			continue
		}
		if _, dup := byName[p.name]; dup {
			errs = append(errs, fmt.Errorf("process %q is defined twice", p.name))
			continue
		}
		byName[p.name] = p
		if strings.TrimSpace(p.cmdline) == "" {
			errs = append(errs, fmt.Errorf("process %q: cmdline is required", p.name))
		}
		if p.maxFailures < 0 {
			errs = append(errs, fmt.Errorf("process %q: max_failures must not be negative", p.name))
		}
		if p.minDuration < 0 {
			errs = append(errs, fmt.Errorf("process %q: min_duration must not be negative", p.name))
		}
	}
	for _, p := range c.processes {
		for _, dep := range p.after {
			d, ok := byName[dep]
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("process %q: after names unknown process %q", p.name, dep))
			case dep == p.name:
				errs = append(errs, fmt.Errorf("process %q: cannot run after itself", p.name))
			case d.final != p.final:
				errs = append(errs, fmt.Errorf("process %q: final and ordinary processes cannot be ordered against each other (%q)", p.name, dep))
			case d.daemon:
				errs = append(errs, fmt.Errorf("process %q: may not depend upon daemon process %q", p.name, dep))
			case d.ephemeral && !p.ephemeral:
				errs = append(errs, fmt.Errorf("non-ephemeral process %q may not depend upon ephemeral process %q", p.name, dep))
			}
		}
	}
	if len(errs) == 0 {
		if cycle := findCycle(c.processes); cycle != nil {
			errs = append(errs, fmt.Errorf("process ordering has a cycle: %s", strings.Join(cycle, " -> ")))
		}
	}
	return errors.Join(errs...)
}

func validateProcessName(name string) error {
	switch {
	case name == "":
		return errors.New("name is required")
	case strings.ContainsAny(name, "/\x00"):
		return fmt.Errorf("name %q must not contain '/' or NUL", name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("name %q must not start with '.'", name)
	}
	return nil
}

// findCycle returns a dependency cycle among the processes, or nil.
func findCycle(ps []processConfig) []string {
	after := make(map[string][]string, len(ps))
	for _, p := range ps {
		after[p.name] = p.after
	}
	const (
		unvisited = iota
		visiting
		visited
	)
	state := make(map[string]int, len(ps))
	var stack []string
	var visit func(string) []string
	visit = func(n string) []string {
		state[n] = visiting
		stack = append(stack, n)
		for _, d := range after[n] {
			switch state[d] {
			case visiting:
				for i, s := range stack {
					if s == d {
						return append(append([]string(nil), stack[i:]...), d)
					}
				}
			case unvisited:
				if c := visit(d); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = visited
		return nil
	}
	for _, p := range ps {
		if state[p.name] == unvisited {
			if c := visit(p.name); c != nil {
				return c
			}
		}
	}
	return nil
}
