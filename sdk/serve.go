package sdk

import (
	"os"
	"strings"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// LogLevelEnv names the environment variable that sets the level of the
// logger Serve creates ("trace", "debug", "info", "warn", "error"; default
// "info"). The host re-logs plugin lines under its own logger and level.
const LogLevelEnv = "AURORA_PLUGIN_LOG_LEVEL"

// ServeOpts says what a plugin binary serves. Set at least one kind.
type ServeOpts struct {
	Constraint ConstraintPlugin
	Executor   ExecutorPlugin
	Discovery  DiscoveryPlugin
	Quota      QuotaPlugin
	// Logger is handed to go-plugin; nil means NewLogger("plugin"). It
	// should write hclog JSON to stderr, which the host parses.
	Logger hclog.Logger
}

// NewLogger returns the logger plugins should use: hclog JSON on stderr (the
// host parses it and re-logs each line with its level and fields), at the
// level named by LogLevelEnv.
func NewLogger(name string) hclog.Logger {
	level := hclog.LevelFromString(strings.TrimSpace(os.Getenv(LogLevelEnv)))
	if level == hclog.NoLevel {
		level = hclog.Info
	}
	return hclog.New(&hclog.LoggerOptions{
		Name:       name,
		Level:      level,
		Output:     os.Stderr,
		JSONFormat: true,
	})
}

// PluginSet returns the go-plugin plugin set of the kinds opts provides, for
// hosts and test harnesses that serve plugins themselves (e.g. with
// plugin.TestPluginGRPCConn).
func PluginSet(opts ServeOpts) plugin.PluginSet { return pluginSet(opts) }

// Serve serves the given plugin kinds over gRPC with go-plugin and returns
// when the host shuts the plugin down. It must be called from main; the
// process must be started by an Aurora host (it checks the magic cookie).
//
// Before the handshake, Serve points file descriptor 1 at stderr and
// os.Stdout at a filter that passes only go-plugin's handshake line to the
// host, so a print from plugin code cannot corrupt the handshake. It raises
// the gRPC message limits to MaxMessageSize.
func Serve(opts ServeOpts) {
	logger := opts.Logger
	if logger == nil {
		logger = NewLogger("plugin")
	}
	set := pluginSet(opts)
	if len(set) == 0 {
		logger.Error("sdk.Serve called with no plugin kind to serve")
		os.Exit(1)
	}

	guard, err := guardStdout(os.Stderr)
	if err != nil {
		logger.Error("cannot protect the handshake on stdout", "error", err)
		os.Exit(1)
	}
	defer guard.close()
	servePlugins(set, logger)
}

// servePlugins runs go-plugin's server for set until the host shuts it down.
func servePlugins(set plugin.PluginSet, logger hclog.Logger) {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{APIVersion: set},
		GRPCServer:       newGRPCServer,
		Logger:           logger,
	})
}

// newGRPCServer is go-plugin's server factory with raised message limits.
func newGRPCServer(opts []grpc.ServerOption) *grpc.Server {
	opts = append(opts,
		grpc.MaxRecvMsgSize(MaxMessageSize),
		grpc.MaxSendMsgSize(MaxMessageSize),
	)
	return grpc.NewServer(opts...)
}

// pluginSet returns the go-plugin set of the kinds opts provides.
func pluginSet(opts ServeOpts) plugin.PluginSet {
	set := plugin.PluginSet{}
	if opts.Constraint != nil {
		set[KindConstraint] = &GRPCConstraintPlugin{Impl: opts.Constraint}
	}
	if opts.Executor != nil {
		set[KindExecutor] = &GRPCExecutorPlugin{Impl: opts.Executor}
	}
	if opts.Discovery != nil {
		set[KindDiscovery] = &GRPCDiscoveryPlugin{Impl: opts.Discovery}
	}
	if opts.Quota != nil {
		set[KindQuota] = &GRPCQuotaPlugin{Impl: opts.Quota}
	}
	return set
}
