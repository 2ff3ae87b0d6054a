package mesoslite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	hclog "github.com/hashicorp/go-hclog"
)

// AgentConfig describes one embedded agent.
type AgentConfig struct {
	Hostname   string            // e.g. "localhost" or "agent-1"
	Attributes map[string]string // Mesos text attributes, e.g. host, rack
	CPUs       float64
	MemMB      float64
	// DiskMB of 0 means "measure the file system of Config.WorkDir" at New.
	DiskMB float64
	Ports  [][2]uint64 // inclusive ranges, default [[31000,32000]]
	// SimulateExecutors makes the agent start no executor process: it
	// answers LAUNCH itself with TASK_STARTING and TASK_RUNNING, and KILL
	// with TASK_KILLED, through its normal status-update path (uuids,
	// retries until acknowledged). Nothing is checkpointed. For
	// benchmarks with thousands of agents.
	SimulateExecutors bool
}

// Config configures a Cluster. Zero durations take the Mesos defaults.
type Config struct {
	Agents  []AgentConfig
	WorkDir string // agents' work dirs live under WorkDir/agents/<hostname or index>
	Logger  hclog.Logger
	Bind    string // listen address host, default "127.0.0.1"; master and each agent get their own random port

	HeartbeatInterval           time.Duration     // default 15s
	AllocationInterval          time.Duration     // default 1s
	StatusUpdateRetry           time.Duration     // initial retry of unacked status updates, default 10s (doubling to 10min)
	ExecutorShutdownGrace       time.Duration     // default 5s
	ExecutorRegistrationTimeout time.Duration     // default 1min
	ExecutorEnv                 map[string]string // extra env for executor processes (e.g. PATH)

	// StatusUpdateRetryMax caps the doubling retry interval, default 10min.
	StatusUpdateRetryMax time.Duration
	// ExecutorRecoveryTimeout is MESOS_RECOVERY_TIMEOUT for checkpointing
	// frameworks' executors: how long they keep trying to subscribe again to
	// an agent that went away. Default 15s (Mesos: 15min), so that an
	// orphaned executor gives up soon; a restarted agent, or a new cluster
	// with Recover, must come back within it.
	ExecutorRecoveryTimeout time.Duration
	// ExecutorReregistrationBackoff is MESOS_SUBSCRIPTION_BACKOFF_MAX, default 2s.
	ExecutorReregistrationBackoff time.Duration
	// ExecutorReregistrationTimeout is how long a restarted agent waits for
	// the executors it recovered to subscribe again before it destroys them
	// (--executor_reregistration_timeout), default 2s.
	ExecutorReregistrationTimeout time.Duration
	// Clock is the time source; nil means the wall clock.
	Clock Clock

	// AgentPingTimeout is how long the master waits for an agent's answer to
	// each health-check ping (--agent_ping_timeout), default 15s. After
	// MaxAgentPingTimeouts unanswered pings in a row (default 5) the agent
	// is marked unreachable.
	AgentPingTimeout     time.Duration
	MaxAgentPingTimeouts int
	// AgentReregisterTimeout is how long a new leading master waits for the
	// agents it recovered to re-register, and how long it waits for an
	// agent whose connection broke, before marking it unreachable
	// (--agent_reregister_timeout), default 10min.
	AgentReregisterTimeout time.Duration

	// Masters is the number of master instances, default 1. Only the leader
	// serves the scheduler API; the others answer it with 307 to the leader.
	Masters int
	// ZooKeeper, when set, makes every master instance contend for
	// leadership in ZooKeeper the way Mesos masters do, so that leader
	// detection can be tested against the embedded cluster.
	ZooKeeper *ZooKeeperConfig

	// Recover makes the agents recover the checkpointed state under
	// WorkDir on Start and re-attach to the executors of checkpointing
	// frameworks that are still running (--recover=reconnect), and lets those
	// executors outlive the process. Without it, stale agent state is
	// discarded at Start and executors die with the process.
	Recover bool
}

// ZooKeeperConfig is where the masters publish their leader election, as
// --zk=zk://Servers/Path does for Mesos masters.
type ZooKeeperConfig struct {
	Servers []string // host:port of each ZooKeeper server
	Path    string   // e.g. "/mesos"; created if missing
	// SessionTimeout of the masters' ZooKeeper session, default 10s.
	SessionTimeout time.Duration
}

// Mesos defaults (src/master/constants.hpp, src/slave/constants.hpp).
const (
	defaultHeartbeatInterval                    = 15 * time.Second
	defaultAllocationInterval                   = time.Second
	defaultStatusUpdateRetry                    = 10 * time.Second
	defaultStatusUpdateRetryMax                 = 10 * time.Minute
	defaultShutdownGrace                        = 5 * time.Second
	defaultRegistrationTimeout                  = time.Minute
	defaultRecoveryTimeout                      = 15 * time.Second
	defaultReregistrationBackoff                = 2 * time.Second
	defaultExecutorReregistrationTimeout        = 2 * time.Second
	defaultAgentPingTimeout                     = 15 * time.Second
	defaultMaxAgentPingTimeouts                 = 5
	defaultAgentReregisterTimeout               = 10 * time.Minute
	defaultZooKeeperSessionTimeout              = 10 * time.Second
	defaultRefuseSeconds                        = 5.0
	maxRefuseSeconds                            = 365 * 24 * 60 * 60.0
	executorHeartbeatInterval                   = 30 * time.Minute
	defaultPortsBegin, defaultPortsEnd   uint64 = 31000, 32000
	mesosVersion                                = "1.10.0"
)

// DefaultAgent describes this machine: its hostname, every CPU, the total memory
// from /proc/meminfo (4096 MB where unknown), the disk of the work dir's file
// system (measured at New; 10240 MB where unknown) and ports 31000-32000.
func DefaultAgent() AgentConfig {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return AgentConfig{
		Hostname:   host,
		Attributes: map[string]string{"host": host},
		CPUs:       float64(runtime.NumCPU()),
		MemMB:      totalMemoryMB(),
		Ports:      [][2]uint64{{defaultPortsBegin, defaultPortsEnd}},
	}
}

// withDefaults returns a copy of cfg with defaults filled in, or an error.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.WorkDir == "" {
		return cfg, errors.New("mesoslite: Config.WorkDir is required")
	}
	abs, err := filepath.Abs(cfg.WorkDir)
	if err != nil {
		return cfg, fmt.Errorf("mesoslite: work dir: %w", err)
	}
	cfg.WorkDir = abs
	if len(cfg.Agents) == 0 {
		return cfg, errors.New("mesoslite: at least one agent is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Bind == "" {
		cfg.Bind = "127.0.0.1"
	}
	if cfg.Clock == nil {
		cfg.Clock = RealClock()
	}
	setDefault := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	setDefault(&cfg.HeartbeatInterval, defaultHeartbeatInterval)
	setDefault(&cfg.AllocationInterval, defaultAllocationInterval)
	setDefault(&cfg.StatusUpdateRetry, defaultStatusUpdateRetry)
	setDefault(&cfg.StatusUpdateRetryMax, defaultStatusUpdateRetryMax)
	setDefault(&cfg.ExecutorShutdownGrace, defaultShutdownGrace)
	setDefault(&cfg.ExecutorRegistrationTimeout, defaultRegistrationTimeout)
	setDefault(&cfg.ExecutorRecoveryTimeout, defaultRecoveryTimeout)
	setDefault(&cfg.ExecutorReregistrationBackoff, defaultReregistrationBackoff)
	setDefault(&cfg.ExecutorReregistrationTimeout, defaultExecutorReregistrationTimeout)
	setDefault(&cfg.AgentPingTimeout, defaultAgentPingTimeout)
	setDefault(&cfg.AgentReregisterTimeout, defaultAgentReregisterTimeout)
	if cfg.MaxAgentPingTimeouts <= 0 {
		cfg.MaxAgentPingTimeouts = defaultMaxAgentPingTimeouts
	}
	if cfg.Masters <= 0 {
		cfg.Masters = 1
	}
	if z := cfg.ZooKeeper; z != nil {
		zc := *z
		if len(zc.Servers) == 0 {
			return cfg, errors.New("mesoslite: Config.ZooKeeper.Servers is empty")
		}
		zc.Servers = append([]string(nil), zc.Servers...)
		zc.Path = "/" + strings.Trim(zc.Path, "/")
		if zc.Path == "/" {
			return cfg, errors.New("mesoslite: Config.ZooKeeper.Path is required")
		}
		setDefault(&zc.SessionTimeout, defaultZooKeeperSessionTimeout)
		cfg.ZooKeeper = &zc
	}
	if cfg.StatusUpdateRetryMax < cfg.StatusUpdateRetry {
		cfg.StatusUpdateRetryMax = cfg.StatusUpdateRetry
	}

	agents := make([]AgentConfig, len(cfg.Agents))
	for i, a := range cfg.Agents {
		if a.Hostname == "" {
			return cfg, fmt.Errorf("mesoslite: agent %d: hostname is required", i)
		}
		if a.CPUs < 0 || a.MemMB < 0 || a.DiskMB < 0 {
			return cfg, fmt.Errorf("mesoslite: agent %q: negative resources", a.Hostname)
		}
		if a.DiskMB == 0 {
			a.DiskMB = availableDiskMB(cfg.WorkDir)
		}
		if len(a.Ports) == 0 {
			a.Ports = [][2]uint64{{defaultPortsBegin, defaultPortsEnd}}
		}
		for _, r := range a.Ports {
			if r[0] > r[1] {
				return cfg, fmt.Errorf("mesoslite: agent %q: port range %d-%d is inverted", a.Hostname, r[0], r[1])
			}
		}
		attrs := make(map[string]string, len(a.Attributes))
		for k, v := range a.Attributes {
			attrs[k] = v
		}
		a.Attributes = attrs
		agents[i] = a
	}
	cfg.Agents = agents
	env := make(map[string]string, len(cfg.ExecutorEnv))
	for k, v := range cfg.ExecutorEnv {
		env[k] = v
	}
	cfg.ExecutorEnv = env
	return cfg, nil
}

var unsafeDirChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// agentDirNames picks each agent's directory under WorkDir/agents: its hostname
// when that is unique and usable as a file name, else its index.
func agentDirNames(agents []AgentConfig) []string {
	count := map[string]int{}
	for _, a := range agents {
		count[a.Hostname]++
	}
	names := make([]string, len(agents))
	for i, a := range agents {
		name := unsafeDirChars.ReplaceAllString(a.Hostname, "_")
		if count[a.Hostname] > 1 || name != a.Hostname || name == "." || name == ".." {
			name = fmt.Sprint(i)
		}
		names[i] = name
	}
	return names
}
