package docker

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aurora-go/aurora/sdk"
)

// Defaults.
const (
	DefaultSocket            = "/var/run/docker.sock"
	DefaultSandboxMountPoint = "/mnt/mesos/sandbox" // Aurora's --sandbox-mount-point
	DefaultNetwork           = "host"
	defaultMaxFailures       = 1
	defaultMinDuration       = 5 * time.Second
)

// pluginConfig is the plugin's own configuration (Configure).
type pluginConfig struct {
	// Socket is dockerd's unix socket; empty means the task's DOCKER_HOST,
	// else /var/run/docker.sock.
	Socket string `json:"socket,omitempty"`
	// SandboxMountPoint is where the sandbox appears in the container.
	SandboxMountPoint string `json:"sandbox_mount_point,omitempty"`
	// Network is the default network mode (host, as Mesos runs Docker
	// tasks).
	Network string `json:"network,omitempty"`
}

// taskJSON is what the executor sends (StartRequest.Config): the task,
// its container and its assigned ports.
type taskJSON struct {
	Name      string        `json:"name"`
	Processes []processJSON `json:"processes"`
	Resources struct {
		CPU float64 `json:"cpu"`
		RAM int64   `json:"ram"`
	} `json:"resources"`
	Sequential bool `json:"sequential"`
	Container  *struct {
		Docker *struct {
			Image      string `json:"image"`
			Parameters []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"parameters"`
			Volumes []struct {
				ContainerPath string `json:"container_path"`
				HostPath      string `json:"host_path"`
				Mode          string `json:"mode"`
			} `json:"volumes"`
		} `json:"docker"`
	} `json:"container"`
	Ports map[string]uint64 `json:"ports"`
}

type processJSON struct {
	Name        string          `json:"name"`
	Cmdline     string          `json:"cmdline"`
	MaxFailures *int            `json:"max_failures"`
	Daemon      bool            `json:"daemon"`
	Ephemeral   bool            `json:"ephemeral"`
	Final       bool            `json:"final"`
	MinDuration json.RawMessage `json:"min_duration"`
	After       []string        `json:"after"`
}

// process is one process as the runner script runs it.
type process struct {
	name        string
	cmdline     string
	maxFailures int
	daemon      bool
	ephemeral   bool
	final       bool
	minDuration time.Duration
	after       []string
}

// containerSpec is a validated task: the image, the create request's
// parts, and the processes in the order they run.
type containerSpec struct {
	image      string
	env        []string
	binds      []string
	network    string
	user       string
	workdir    string
	hostname   string
	labels     map[string]string
	extraHosts []string
	capAdd     []string
	publish    map[string]string // container port/proto -> host port
	ports      map[string]uint64
	memory     int64
	nanoCPUs   int64
	processes  []process // ordinary ones in dependency order, then final ones
}

// parseTask decodes and validates the task configuration.
func parseTask(raw json.RawMessage, sandbox string, pc pluginConfig) (*containerSpec, error) {
	var tj taskJSON
	if err := json.Unmarshal(raw, &tj); err != nil {
		return nil, fmt.Errorf("%w: docker task config: %w", sdk.ErrInvalidArgument, err)
	}
	if tj.Container == nil || tj.Container.Docker == nil || strings.TrimSpace(tj.Container.Docker.Image) == "" {
		return nil, fmt.Errorf("%w: docker task config: container.docker.image is required", sdk.ErrInvalidArgument)
	}
	d := tj.Container.Docker
	mount := pc.SandboxMountPoint
	cs := &containerSpec{
		image:   d.Image,
		network: pc.Network,
		workdir: mount,
		binds:   []string{sandbox + ":" + mount + ":rw"},
		labels:  map[string]string{},
		publish: map[string]string{},
		ports:   tj.Ports,
		memory:  tj.Resources.RAM,
	}
	if tj.Resources.CPU > 0 {
		cs.nanoCPUs = int64(tj.Resources.CPU * 1e9)
	}
	var errs []error
	for _, v := range d.Volumes {
		mode := "ro"
		if strings.EqualFold(v.Mode, "RW") {
			mode = "rw"
		}
		if !path.IsAbs(v.HostPath) || !path.IsAbs(v.ContainerPath) {
			errs = append(errs, fmt.Errorf("volume %s:%s: both paths must be absolute", v.HostPath, v.ContainerPath))
			continue
		}
		cs.binds = append(cs.binds, v.HostPath+":"+v.ContainerPath+":"+mode)
	}
	for _, p := range d.Parameters {
		if err := cs.parameter(p.Name, p.Value); err != nil {
			errs = append(errs, err)
		}
	}
	procs, err := orderProcesses(tj)
	if err != nil {
		errs = append(errs, err)
	}
	cs.processes = procs
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%w: docker task config: %w", sdk.ErrInvalidArgument, err)
	}
	return cs, nil
}

// parameter applies one docker run option (Aurora's Docker parameters,
// given as name and value, without the leading dashes).
func (cs *containerSpec) parameter(name, value string) error {
	switch strings.TrimLeft(name, "-") {
	case "env", "e":
		cs.env = append(cs.env, value)
	case "network", "net":
		cs.network = value
	case "user", "u":
		cs.user = value
	case "workdir", "w":
		cs.workdir = value
	case "hostname", "h":
		cs.hostname = value
	case "label", "l":
		k, v, _ := strings.Cut(value, "=")
		cs.labels[k] = v
	case "add-host":
		cs.extraHosts = append(cs.extraHosts, value)
	case "cap-add":
		cs.capAdd = append(cs.capAdd, value)
	case "volume", "v":
		cs.binds = append(cs.binds, value)
	case "publish", "p":
		host, ctr, ok := strings.Cut(value, ":")
		if !ok {
			return fmt.Errorf("parameter publish=%q must be HOST_PORT:CONTAINER_PORT", value)
		}
		if !strings.Contains(ctr, "/") {
			ctr += "/tcp"
		}
		cs.publish[ctr] = host
	default:
		return fmt.Errorf("docker parameter %q is not supported (supported: env, network, user, workdir, hostname, label, add-host, cap-add, volume, publish)", name)
	}
	return nil
}

// portBindings publishes the assigned ports on themselves (when the
// container does not share the host's network) and the publish
// parameters.
func (cs *containerSpec) portBindings() map[string][]map[string]string {
	out := map[string][]map[string]string{}
	if cs.network != "host" {
		for _, p := range cs.ports {
			s := strconv.FormatUint(p, 10)
			out[s+"/tcp"] = []map[string]string{{"HostPort": s}}
		}
	}
	for ctr, host := range cs.publish {
		out[ctr] = []map[string]string{{"HostPort": host}}
	}
	return out
}

// orderProcesses validates the processes and returns the ordinary ones in
// an order that honours after (and sequential), then the final ones.
func orderProcesses(tj taskJSON) ([]process, error) {
	if len(tj.Processes) == 0 {
		return nil, errors.New("a task needs at least one process")
	}
	var ps []process
	byName := map[string]int{}
	var errs []error
	prev := map[bool]string{}
	for i, pj := range tj.Processes {
		p := process{name: pj.Name, cmdline: pj.Cmdline, maxFailures: defaultMaxFailures, daemon: pj.Daemon,
			ephemeral: pj.Ephemeral, final: pj.Final, minDuration: defaultMinDuration, after: append([]string(nil), pj.After...)}
		if pj.MaxFailures != nil {
			p.maxFailures = *pj.MaxFailures
		}
		if len(pj.MinDuration) > 0 {
			var s string
			if err := json.Unmarshal(pj.MinDuration, &s); err == nil {
				d, err := time.ParseDuration(s)
				if err != nil {
					errs = append(errs, fmt.Errorf("process %q: min_duration %q: %w", pj.Name, s, err))
				}
				p.minDuration = d
			} else if n, err := strconv.ParseInt(string(pj.MinDuration), 10, 64); err == nil {
				p.minDuration = time.Duration(n)
			}
		}
		switch {
		case p.name == "" || strings.ContainsAny(p.name, "/\x00'\"") || strings.HasPrefix(p.name, "."):
			errs = append(errs, fmt.Errorf("process %d: bad name %q", i, p.name))
			continue
		case strings.TrimSpace(p.cmdline) == "":
			errs = append(errs, fmt.Errorf("process %q: cmdline is required", p.name))
		}
		if _, dup := byName[p.name]; dup {
			errs = append(errs, fmt.Errorf("process %q is defined twice", p.name))
			continue
		}
		if tj.Sequential {
			if q, ok := prev[p.final]; ok {
				p.after = append(p.after, q)
			}
			prev[p.final] = p.name
		}
		byName[p.name] = len(ps)
		ps = append(ps, p)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// Kahn's algorithm, stable in the order written, per stage.
	var out []process
	for _, final := range []bool{false, true} {
		done := map[string]bool{}
		for {
			progressed := false
			for _, p := range ps {
				if p.final != final || done[p.name] {
					continue
				}
				ready := true
				for _, d := range p.after {
					j, ok := byName[d]
					if !ok {
						return nil, fmt.Errorf("process %q: after names unknown process %q", p.name, d)
					}
					if ps[j].final != final {
						return nil, fmt.Errorf("process %q: final and ordinary processes cannot be ordered against each other (%q)", p.name, d)
					}
					if !done[d] {
						ready = false
					}
				}
				if ready {
					done[p.name] = true
					out = append(out, p)
					progressed = true
				}
			}
			if !progressed {
				break
			}
		}
		var left []string
		for _, p := range ps {
			if p.final == final && !done[p.name] {
				left = append(left, p.name)
			}
		}
		if len(left) > 0 {
			sort.Strings(left)
			return nil, fmt.Errorf("process ordering has a cycle among %s", strings.Join(left, ", "))
		}
	}
	return out, nil
}
