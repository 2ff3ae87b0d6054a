package server

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsimple"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"

	"github.com/aurora-go/aurora/core/executor"
	"github.com/aurora-go/aurora/core/mesos"
	"github.com/aurora-go/aurora/core/scheduling"
)

// Config is a scheduler replica's configuration, read from HCL by
// LoadConfig (see examples/scheduler.hcl).
type Config struct {
	// DataDir holds the raft log, snapshots, backups and plugin store.
	DataDir string `hcl:"data_dir"`
	// HTTPAddr is where the API listens.
	HTTPAddr string `hcl:"http_addr,optional"`
	// AdvertiseHTTP is the API address other replicas and clients use
	// (host:port); it defaults to HTTPAddr.
	AdvertiseHTTP string `hcl:"advertise_http,optional"`
	// Cluster is the name clients use for this cluster.
	Cluster string `hcl:"cluster,optional"`

	Raft      RaftConfig       `hcl:"raft,block"`
	ZooKeeper *ZooKeeperConfig `hcl:"zookeeper,block"`
	Mesos     MesosConfig      `hcl:"mesos,block"`
	Executor  *ExecutorConfig  `hcl:"executor,block"`
	Backup    *BackupConfig    `hcl:"backup,block"`
	Scheduler *SchedulerConfig `hcl:"scheduler,block"`
}

// SchedulerConfig tunes the scheduling loop, with Aurora's flag names and
// defaults. Every value but revive_offers is a duration string.
type SchedulerConfig struct {
	OfferHoldTime       string `hcl:"min_offer_hold_time,optional"`
	OfferFilterDuration string `hcl:"offer_filter_duration,optional"`
	// ReviveOffers (default true) sends REVIVE, at most once per
	// MinReviveInterval ("1s", Marathon's name), when tasks wait for room
	// the scheduler refused; false never revives, as Aurora.
	ReviveOffers           *bool  `hcl:"revive_offers,optional"`
	MinReviveInterval      string `hcl:"min_revive_offers_interval,optional"`
	FlappingThreshold      string `hcl:"flapping_task_threshold,optional"`
	InitialFlappingDelay   string `hcl:"initial_flapping_task_delay,optional"`
	MaxFlappingDelay       string `hcl:"max_flapping_task_delay,optional"`
	InitialSchedulePenalty string `hcl:"initial_schedule_penalty,optional"`
	MaxSchedulePenalty     string `hcl:"max_schedule_penalty,optional"`
	TransientTimeout       string `hcl:"transient_task_state_timeout,optional"`
	HistoryPruneThreshold  string `hcl:"history_prune_threshold,optional"`
}

// durations parses the settings; an empty one keeps the scheduler's
// default.
func (s *SchedulerConfig) durations() (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	if s == nil {
		return out, nil
	}
	var errs []error
	for name, v := range map[string]string{
		"min_offer_hold_time": s.OfferHoldTime, "offer_filter_duration": s.OfferFilterDuration,
		"flapping_task_threshold": s.FlappingThreshold, "initial_flapping_task_delay": s.InitialFlappingDelay,
		"max_flapping_task_delay": s.MaxFlappingDelay, "initial_schedule_penalty": s.InitialSchedulePenalty,
		"max_schedule_penalty": s.MaxSchedulePenalty, "transient_task_state_timeout": s.TransientTimeout,
		"history_prune_threshold": s.HistoryPruneThreshold, "min_revive_offers_interval": s.MinReviveInterval,
	} {
		if v == "" {
			continue
		}
		d, err := parseDuration("scheduler."+name, v, 0)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[name] = d
	}
	return out, errors.Join(errs...)
}

// apply sets the configured values on a scheduling configuration.
func (s *SchedulerConfig) apply(c *scheduling.Config) {
	d, _ := s.durations()
	c.OfferHold = d["min_offer_hold_time"]
	c.OfferFilter = d["offer_filter_duration"]
	c.FlappingThreshold = d["flapping_task_threshold"]
	c.InitialFlappingDelay = d["initial_flapping_task_delay"]
	c.MaxFlappingDelay = d["max_flapping_task_delay"]
	c.InitialSchedulePenalty = d["initial_schedule_penalty"]
	c.MaxSchedulePenalty = d["max_schedule_penalty"]
	c.TransientTimeout = d["transient_task_state_timeout"]
	c.PruneAfter = d["history_prune_threshold"]
	c.ReviveInterval = d["min_revive_offers_interval"]
	if s != nil && s.ReviveOffers != nil && !*s.ReviveOffers {
		c.ReviveInterval = -1
	}
}

// DevFile is what `aurora dev -config FILE` reads: the optional blocks of
// a server configuration that make sense on one machine.
type DevFile struct {
	Scheduler *SchedulerConfig `hcl:"scheduler,block"`
	Backup    *BackupConfig    `hcl:"backup,block"`
	Executor  *ExecutorConfig  `hcl:"executor,block"`
}

// LoadDevFile reads a dev configuration file. Errors name file:line:col.
func LoadDevFile(path string) (*DevFile, error) {
	var f DevFile
	if err := hclsimple.DecodeFile(path, nil, &f); err != nil {
		var diags hcl.Diagnostics
		if errors.As(err, &diags) {
			return nil, formatDiagnostics(diags)
		}
		return nil, err
	}
	if _, err := f.Scheduler.durations(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Executor != nil {
		if err := f.Executor.check(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return &f, nil
}

// RaftConfig configures the replicated log.
type RaftConfig struct {
	// NodeID names this replica; it must be stable.
	NodeID string `hcl:"node_id"`
	// Bind is the raft transport address (host:port).
	Bind string `hcl:"bind"`
	// Peers lists every replica, this one included, as ID=host:port. A
	// brand-new cluster bootstraps from this list. It excludes
	// Discovery = "zookeeper".
	Peers []string `hcl:"peers,optional"`
	// Discovery is how replicas find each other: "static" (the default:
	// Peers, or this replica alone) or "zookeeper" (each replica registers
	// under zookeeper.raft_peers_path; see peerDiscovery).
	Discovery string `hcl:"discovery,optional"`
	// BootstrapExpect is, with zookeeper discovery, how many replicas a
	// brand-new cluster waits for before it bootstraps, as Consul's and
	// Nomad's bootstrap_expect.
	BootstrapExpect int `hcl:"bootstrap_expect,optional"`
	// ApplyTimeout bounds a log write ("10s").
	ApplyTimeout string `hcl:"apply_timeout,optional"`
	// ElectionTimeout is how long followers wait for a silent leader
	// before electing another ("350ms").
	ElectionTimeout string `hcl:"election_timeout,optional"`
}

// ZooKeeperConfig says where the leader announces itself.
type ZooKeeperConfig struct {
	Servers []string `hcl:"servers"`
	// ServersetPath is the znode under which the leader publishes an
	// Aurora serverset member (clients read it through clusters.json's
	// scheduler_zk_path).
	ServersetPath  string `hcl:"serverset_path,optional"`
	SessionTimeout string `hcl:"session_timeout,optional"`
	// RaftPeersPath is where replicas register for raft.discovery =
	// "zookeeper" (default: serverset_path + "/raft-peers").
	RaftPeersPath string `hcl:"raft_peers_path,optional"`
}

// MesosConfig says which master to subscribe to.
type MesosConfig struct {
	// Master is the master's URL (http://host:5050), or zk://hosts/path to
	// follow the leader the masters elect in ZooKeeper.
	Master          string `hcl:"master"`
	FrameworkName   string `hcl:"framework_name,optional"`
	User            string `hcl:"user,optional"`
	FailoverTimeout string `hcl:"failover_timeout,optional"`
	// PartitionAware is Aurora's -partition_aware: the framework asks for
	// TASK_UNREACHABLE instead of TASK_LOST, and tasks of unreachable
	// agents wait PARTITIONED as their job's partition_policy says.
	PartitionAware bool `hcl:"partition_aware,optional"`
}

// ExecutorConfig says how agents start the executor.
type ExecutorConfig struct {
	// Command is the shell command an agent runs to start `aurora executor`;
	// the default is this binary's path.
	Command string  `hcl:"command,optional"`
	CPUs    float64 `hcl:"cpus,optional"`
	MemMB   float64 `hcl:"mem_mb,optional"`

	// AnnouncerZK lists the ZooKeeper servers (host:port) where executors
	// announce tasks whose job has an announce block (Aurora's
	// --announcer-ensemble); empty disables announcing.
	AnnouncerZK []string `hcl:"announcer_zk,optional"`
	// AnnouncerServersetPath is the root of the default serverset paths
	// (/aurora, as Aurora's --announcer-serverset-path).
	AnnouncerServersetPath string `hcl:"announcer_serverset_path,optional"`
	// AnnouncerAllowCustomServersetPath lets jobs choose their path with
	// announce.zk_path.
	AnnouncerAllowCustomServersetPath bool `hcl:"announcer_allow_custom_serverset_path,optional"`
	// AnnouncerSessionTimeout bounds how long a member outlives a dead
	// executor ("10s").
	AnnouncerSessionTimeout string `hcl:"announcer_session_timeout,optional"`
	// AnnouncerHostname is announced instead of the agent's hostname.
	AnnouncerHostname string `hcl:"announcer_hostname,optional"`
	// PluginCacheDir is where executors keep the catalog plugin binaries
	// they fetch, shared by the executors of an agent (default: under the
	// agent's work dir, see core/executor.DefaultPluginCacheDir).
	PluginCacheDir string `hcl:"plugin_cache_dir,optional"`
}

// env is the executor's environment for these settings; the agent passes
// it in CommandInfo.environment (see core/executor.AnnouncerFromEnv).
func (e *ExecutorConfig) env() map[string]string {
	if e == nil {
		return nil
	}
	var env map[string]string
	if e.PluginCacheDir != "" {
		env = map[string]string{executor.EnvPluginCacheDir: e.PluginCacheDir}
	}
	if len(e.AnnouncerZK) == 0 {
		return env
	}
	if env == nil {
		env = map[string]string{}
	}
	env[executor.EnvAnnouncerZK] = strings.Join(e.AnnouncerZK, ",")
	if e.AnnouncerServersetPath != "" {
		env[executor.EnvAnnouncerServersetPath] = e.AnnouncerServersetPath
	}
	if e.AnnouncerAllowCustomServersetPath {
		env[executor.EnvAnnouncerAllowCustomPath] = "true"
	}
	if e.AnnouncerSessionTimeout != "" {
		env[executor.EnvAnnouncerSessionTimeout] = e.AnnouncerSessionTimeout
	}
	if e.AnnouncerHostname != "" {
		env[executor.EnvAnnouncerHostname] = e.AnnouncerHostname
	}
	return env
}

// check validates the announcer settings.
func (e *ExecutorConfig) check() error {
	var errs []error
	for _, s := range e.AnnouncerZK {
		if _, _, err := net.SplitHostPort(s); err != nil {
			errs = append(errs, fmt.Errorf("executor.announcer_zk entry %q must be host:port", s))
		}
	}
	if p := e.PluginCacheDir; p != "" && !filepath.IsAbs(p) {
		errs = append(errs, fmt.Errorf("executor.plugin_cache_dir %q must be an absolute path", p))
	}
	if p := e.AnnouncerServersetPath; p != "" && !strings.HasPrefix(p, "/") {
		errs = append(errs, fmt.Errorf("executor.announcer_serverset_path %q must start with '/'", p))
	}
	if _, err := parseDuration("executor.announcer_session_timeout", e.AnnouncerSessionTimeout, 0); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// BackupConfig schedules backups.
type BackupConfig struct {
	Dir      string `hcl:"dir,optional"`
	Interval string `hcl:"interval,optional"`
	Keep     int    `hcl:"keep,optional"`
}

// Defaults.
const (
	DefaultHTTPAddr        = "127.0.0.1:8081"
	DefaultServersetPath   = "/aurora/scheduler"
	DefaultBackupInterval  = time.Hour
	DefaultBackupsKept     = 48
	DefaultFailoverTimeout = 21 * 24 * time.Hour
	DefaultElectionTimeout = 350 * time.Millisecond
	// DefaultRaftPeersDir is the raft peers' znode under serverset_path.
	DefaultRaftPeersDir = "raft-peers"
)

// Raft peer discovery modes.
const (
	DiscoveryStatic    = "static"
	DiscoveryZooKeeper = "zookeeper"
)

// LoadConfig reads an HCL (or, for a .json name, JSON) server
// configuration. Errors name file:line:col.
func LoadConfig(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		file, diags = hcljson.Parse(src, path)
	} else {
		file, diags = hclsyntax.ParseConfig(src, path, hcl.Pos{Line: 1, Column: 1, Byte: 0})
	}
	if diags.HasErrors() {
		return nil, formatDiagnostics(diags)
	}
	var c Config
	if diags := gohcl.DecodeBody(file.Body, nil, &c); diags.HasErrors() {
		return nil, formatDiagnostics(diags)
	}
	var errs []error
	if diags := c.checkDiscovery(path, file.Body); diags.HasErrors() {
		errs = append(errs, formatDiagnostics(diags))
	}
	if err := c.finish(filepath.Dir(path)); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", path, err))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &c, nil
}

// checkDiscovery checks the raft discovery settings, naming the
// offending attribute's file:line:col.
func (c *Config) checkDiscovery(path string, body hcl.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	add := func(block, attr, msg string) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: msg,
			Subject: attrRange(path, body, block, attr),
		})
	}
	r := &c.Raft
	switch r.Discovery {
	case "", DiscoveryStatic:
		if r.BootstrapExpect != 0 {
			add("raft", "bootstrap_expect", `raft.bootstrap_expect only applies with raft.discovery = "zookeeper"; a static cluster bootstraps from raft.peers`)
		}
	case DiscoveryZooKeeper:
		if len(r.Peers) > 0 {
			add("raft", "peers", `raft.peers and raft.discovery = "zookeeper" are mutually exclusive: list the peers statically or discover them in ZooKeeper, not both`)
		}
		if r.BootstrapExpect < 1 {
			add("raft", "discovery", `raft.discovery = "zookeeper" needs raft.bootstrap_expect: how many replicas a new cluster waits for before it bootstraps (3 or 5)`)
		}
		if c.ZooKeeper == nil {
			add("raft", "discovery", `raft.discovery = "zookeeper" needs a zookeeper block with the ensemble's servers`)
		} else if p := c.ZooKeeper.RaftPeersPath; p != "" && (!strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/")) {
			add("zookeeper", "raft_peers_path", fmt.Sprintf("zookeeper.raft_peers_path %q must start with '/' and not end with one", p))
		}
	default:
		add("raft", "discovery", fmt.Sprintf(`raft.discovery %q must be "static" or "zookeeper"`, r.Discovery))
	}
	return diags
}

// attrRange is where attribute attr of the first block of type block is
// in the native-syntax body, or the file's start for a JSON body.
func attrRange(path string, body hcl.Body, block, attr string) *hcl.Range {
	if sb, ok := body.(*hclsyntax.Body); ok {
		for _, b := range sb.Blocks {
			if b.Type != block {
				continue
			}
			if a, ok := b.Body.Attributes[attr]; ok {
				rng := a.SrcRange
				return &rng
			}
			rng := b.TypeRange
			return &rng
		}
	}
	return &hcl.Range{Filename: path, Start: hcl.Pos{Line: 1, Column: 1}, End: hcl.Pos{Line: 1, Column: 1}}
}

// finish applies defaults and checks the configuration.
func (c *Config) finish(base string) error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("data_dir is required"))
	} else if !filepath.IsAbs(c.DataDir) {
		c.DataDir = filepath.Join(base, c.DataDir)
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = DefaultHTTPAddr
	}
	if c.AdvertiseHTTP == "" {
		c.AdvertiseHTTP = c.HTTPAddr
	}
	if c.Cluster == "" {
		c.Cluster = "local"
	}
	if c.Raft.NodeID == "" {
		errs = append(errs, errors.New("raft.node_id is required"))
	}
	if _, _, err := net.SplitHostPort(c.Raft.Bind); err != nil {
		errs = append(errs, fmt.Errorf("raft.bind %q must be host:port", c.Raft.Bind))
	}
	if _, err := c.Raft.peers(); err != nil {
		errs = append(errs, err)
	}
	if _, err := parseDuration("raft.apply_timeout", c.Raft.ApplyTimeout, 10*time.Second); err != nil {
		errs = append(errs, err)
	}
	if _, err := parseDuration("raft.election_timeout", c.Raft.ElectionTimeout, DefaultElectionTimeout); err != nil {
		errs = append(errs, err)
	}
	if c.ZooKeeper != nil {
		if len(c.ZooKeeper.Servers) == 0 {
			errs = append(errs, errors.New("zookeeper.servers must list at least one host:port"))
		}
		if c.ZooKeeper.ServersetPath == "" {
			c.ZooKeeper.ServersetPath = DefaultServersetPath
		}
		if c.ZooKeeper.RaftPeersPath == "" {
			c.ZooKeeper.RaftPeersPath = strings.TrimSuffix(c.ZooKeeper.ServersetPath, "/") + "/" + DefaultRaftPeersDir
		}
		if _, err := parseDuration("zookeeper.session_timeout", c.ZooKeeper.SessionTimeout, 10*time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Mesos.Master == "" {
		errs = append(errs, errors.New("mesos.master is required"))
	} else if _, err := mesos.NewDetector(c.Mesos.Master, nil); err != nil {
		errs = append(errs, err)
	}
	if _, err := parseDuration("mesos.failover_timeout", c.Mesos.FailoverTimeout, DefaultFailoverTimeout); err != nil {
		errs = append(errs, err)
	}
	if c.Backup == nil {
		c.Backup = &BackupConfig{}
	}
	if c.Backup.Dir == "" && c.DataDir != "" {
		c.Backup.Dir = filepath.Join(c.DataDir, "backups")
	}
	if c.Backup.Keep == 0 {
		c.Backup.Keep = DefaultBackupsKept
	}
	if _, err := parseDuration("backup.interval", c.Backup.Interval, DefaultBackupInterval); err != nil {
		errs = append(errs, err)
	}
	if c.Executor == nil {
		c.Executor = &ExecutorConfig{}
	}
	if err := c.Executor.check(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.Scheduler.durations(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// formatDiagnostics renders HCL errors one per line as FILE:LINE:COL:
// summary: detail, as job spec errors are.
func formatDiagnostics(diags hcl.Diagnostics) error {
	var lines []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			msg = fmt.Sprintf("%s:%d:%d: %s", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, msg)
		}
		lines = append(lines, msg)
	}
	return errors.New(strings.Join(lines, "\n"))
}

// Peer is one raft replica.
type Peer struct {
	ID, Addr string
}

// zookeeperDiscovery reports whether replicas find each other in
// ZooKeeper rather than in a static list.
func (r RaftConfig) zookeeperDiscovery() bool { return r.Discovery == DiscoveryZooKeeper }

// peers parses the peer list; an empty list means this replica alone
// (with zookeeper discovery: this replica, until others register).
func (r RaftConfig) peers() ([]Peer, error) {
	if len(r.Peers) == 0 || r.zookeeperDiscovery() {
		return []Peer{{ID: r.NodeID, Addr: r.Bind}}, nil
	}
	var out []Peer
	self := false
	for _, p := range r.Peers {
		id, addr, ok := strings.Cut(p, "=")
		if !ok || id == "" {
			return nil, fmt.Errorf("raft.peers entry %q must be ID=host:port", p)
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return nil, fmt.Errorf("raft.peers entry %q: %w", p, err)
		}
		self = self || id == r.NodeID
		out = append(out, Peer{ID: id, Addr: addr})
	}
	if !self {
		return nil, fmt.Errorf("raft.peers must include this replica (%s)", r.NodeID)
	}
	return out, nil
}

func parseDuration(field, s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s %q must be a positive duration such as \"10s\"", field, s)
	}
	return d, nil
}

// mustDuration is parseDuration for values finish has already checked.
func mustDuration(s string, def time.Duration) time.Duration {
	d, _ := parseDuration("", s, def)
	return d
}

// executorCommand is the command agents run for the executor.
func (c *Config) executorCommand() (string, error) {
	if c.Executor.Command != "" {
		return c.Executor.Command, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the aurora binary: %w", err)
	}
	return shellQuote(exe) + " executor", nil
}
