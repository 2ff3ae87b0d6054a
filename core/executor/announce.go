package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aurora-go/aurora/sdk"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/spec"
)

// Announcer publishes the endpoints of a healthy task for clients to find
// and withdraws them when the task stops. It has the shape of the SDK's
// discovery plugin kind (idempotent by task id and port name); the
// discovery/zookeeper registry implements it in process until that kind is
// served out of process.
type Announcer interface {
	Announce(ctx context.Context, endpoints []sdk.Endpoint) ([]sdk.EndpointResult, error)
	Withdraw(ctx context.Context, keys []sdk.EndpointKey) ([]sdk.EndpointResult, error)
}

// Endpoint metadata the discovery/zookeeper plugin reads.
const (
	metaPrimary = "primary" // "true": the member's serviceEndpoint
	metaZKPath  = "zk_path" // a custom serverset path
)

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

// announcerConfig is the discovery/zookeeper plugin's configuration.
type announcerConfig struct {
	Servers                  []string `json:"servers"`
	SessionTimeout           string   `json:"session_timeout,omitempty"`
	ServersetPath            string   `json:"serverset_path,omitempty"`
	AllowCustomServersetPath bool     `json:"allow_custom_serverset_path,omitempty"`
}

// AnnouncerFromEnv starts the discovery/zookeeper plugin, out of process,
// configured by the environment, or returns nil when AURORA_ANNOUNCER_ZK
// is unset (announcing is off, as in Aurora without --announcer-ensemble).
// Members are ephemeral: they go with the plugin's session when the
// executor dies.
func AnnouncerFromEnv(ctx context.Context, getenv func(string) string, plugins *pluginhost.Host) (*pluginhost.DiscoveryClient, error) {
	cfg, err := announcerConfigFromEnv(getenv)
	if cfg == nil || err != nil {
		return nil, err
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	spec, err := pluginhost.BuiltinSpec(sdk.KindDiscovery, "zookeeper")
	if err != nil {
		return nil, err
	}
	spec.Config = raw
	return plugins.Discovery(ctx, spec)
}

// announcerConfigFromEnv reads the announcer's configuration, or nil when
// announcing is off.
func announcerConfigFromEnv(getenv func(string) string) (*announcerConfig, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	servers := getenv(EnvAnnouncerZK)
	if strings.TrimSpace(servers) == "" {
		return nil, nil
	}
	cfg := announcerConfig{
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
	if _, err := time.ParseDuration(cfg.SessionTimeout); cfg.SessionTimeout != "" && err != nil {
		return nil, fmt.Errorf("%s %q must be a duration such as \"10s\"", EnvAnnouncerSessionTimeout, cfg.SessionTimeout)
	}
	for _, s := range cfg.Servers {
		if _, _, err := net.SplitHostPort(s); err != nil {
			return nil, fmt.Errorf("%s entry %q must be host:port", EnvAnnouncerZK, s)
		}
	}
	return &cfg, nil
}

// announceEndpoints are the endpoints Aurora's announcer publishes for a
// task: every assigned port by its name, plus every portmap entry (an
// alias of an assigned port or a static port number); the primary port is
// the member's serviceEndpoint.
func announceEndpoints(a *spec.AssignedTask, ann *spec.Announce, host, owner string) []sdk.Endpoint {
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
	var out []sdk.Endpoint
	for _, name := range names {
		meta := map[string]string{}
		if name == primary {
			meta[metaPrimary] = "true"
		}
		if ann.ZKPath != "" {
			meta[metaZKPath] = ann.ZKPath
		}
		out = append(out, sdk.Endpoint{
			Key:         sdk.EndpointKey{TaskID: a.TaskID, PortName: name},
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
func endpointKeys(eps []sdk.Endpoint) []sdk.EndpointKey {
	keys := make([]sdk.EndpointKey, len(eps))
	for i, ep := range eps {
		keys[i] = ep.Key
	}
	return keys
}

// resultError joins the failures of per-endpoint results.
func resultError(results []sdk.EndpointResult, err error) error {
	errs := []error{err}
	for _, r := range results {
		if r.Err != "" {
			errs = append(errs, errors.New(r.Key.PortName+": "+r.Err))
		}
	}
	return errors.Join(errs...)
}
