package executor

import (
	"context"
	"errors"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/plugins/discovery/zookeeper"
)

// Announcer publishes the endpoints of a healthy task for clients to find
// and withdraws them when the task stops. It has the shape of the SDK's
// discovery plugin kind (idempotent by task id and port name); the
// discovery/zookeeper registry implements it in process until that kind is
// served out of process.
type Announcer interface {
	Announce(ctx context.Context, endpoints []zookeeper.Endpoint) ([]zookeeper.EndpointResult, error)
	Withdraw(ctx context.Context, keys []zookeeper.EndpointKey) ([]zookeeper.EndpointResult, error)
}

// Environment variables through which the scheduler configures the
// announcer (server config: executor { announcer_zk = [...] ... }). The
// agent passes them to the executor in CommandInfo.environment.
const (
	EnvAnnouncerZK              = "AURORA_ANNOUNCER_ZK"                // host:port,host:port
	EnvAnnouncerServersetPath   = "AURORA_ANNOUNCER_SERVERSET_PATH"    // default /aurora
	EnvAnnouncerAllowCustomPath = "AURORA_ANNOUNCER_ALLOW_CUSTOM_PATH" // "true" allows zk_path
	EnvAnnouncerSessionTimeout  = "AURORA_ANNOUNCER_SESSION_TIMEOUT"   // "10s"
	EnvAnnouncerHostname        = "AURORA_ANNOUNCER_HOSTNAME"          // host announced instead of the agent's
)

// AnnouncerFromEnv returns the ZooKeeper registry the environment
// configures, or nil when AURORA_ANNOUNCER_ZK is unset (announcing is
// off, as in Aurora without --announcer-ensemble).
func AnnouncerFromEnv(getenv func(string) string) (*zookeeper.Registry, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	servers := getenv(EnvAnnouncerZK)
	if strings.TrimSpace(servers) == "" {
		return nil, nil
	}
	cfg := zookeeper.Config{
		ServersetPath:  getenv(EnvAnnouncerServersetPath),
		SessionTimeout: getenv(EnvAnnouncerSessionTimeout),
	}
	for _, s := range strings.Split(servers, ",") {
		if s = strings.TrimSpace(s); s != "" {
			cfg.Servers = append(cfg.Servers, s)
		}
	}
	if v := getenv(EnvAnnouncerAllowCustomPath); v != "" {
		allow, err := strconv.ParseBool(v)
		if err != nil {
			return nil, errors.New(EnvAnnouncerAllowCustomPath + " must be true or false")
		}
		cfg.AllowCustomServersetPath = allow
	}
	return zookeeper.New(cfg, nil)
}

// announceEndpoints are the endpoints Aurora's announcer publishes for a
// task: every assigned port by its name, plus every portmap entry (an
// alias of an assigned port or a static port number); the primary port is
// the member's serviceEndpoint.
func announceEndpoints(a *spec.AssignedTask, ann *spec.Announce, host, owner string) []zookeeper.Endpoint {
	ports := map[string]int32{}
	for name, p := range a.Ports {
		ports[name] = int32(p)
	}
	for name, value := range ann.Portmap {
		if n, ok := spec.StaticPort(value); ok {
			ports[name] = int32(n)
		} else if p, ok := a.Ports[value]; ok {
			ports[name] = int32(p)
		}
	}
	primary := ann.PrimaryPort
	if primary == "" {
		primary = spec.DefaultPrimaryPort
	}
	names := make([]string, 0, len(ports))
	for name := range ports {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []zookeeper.Endpoint
	for _, name := range names {
		meta := map[string]string{}
		if name == primary {
			meta[zookeeper.MetaPrimary] = "true"
		}
		if ann.ZKPath != "" {
			meta[zookeeper.MetaZKPath] = ann.ZKPath
		}
		out = append(out, zookeeper.Endpoint{
			Key:         zookeeper.EndpointKey{TaskID: a.TaskID, PortName: name},
			Owner:       owner,
			Role:        a.Job.Key.Role,
			Environment: a.Job.Key.Environment,
			Job:         a.Job.Key.Name,
			Instance:    int32(a.Instance),
			Host:        host,
			Port:        ports[name],
			Metadata:    meta,
		})
	}
	return out
}

// endpointKeys returns the keys of endpoints.
func endpointKeys(eps []zookeeper.Endpoint) []zookeeper.EndpointKey {
	keys := make([]zookeeper.EndpointKey, len(eps))
	for i, ep := range eps {
		keys[i] = ep.Key
	}
	return keys
}

// resultError joins the failures of per-endpoint results.
func resultError(results []zookeeper.EndpointResult, err error) error {
	errs := []error{err}
	for _, r := range results {
		if r.Err != "" {
			errs = append(errs, errors.New(r.Key.PortName+": "+r.Err))
		}
	}
	return errors.Join(errs...)
}
