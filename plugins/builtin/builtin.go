package builtin

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/plugins/constraint/dedicated"
	"github.com/aurora-go/aurora/plugins/constraint/limit"
	"github.com/aurora-go/aurora/plugins/constraint/value"
	"github.com/aurora-go/aurora/plugins/discovery/zookeeper"
	"github.com/aurora-go/aurora/plugins/executor/docker"
	"github.com/aurora-go/aurora/plugins/executor/thermos"
	"github.com/aurora-go/aurora/plugins/quota/static"
	"github.com/aurora-go/aurora/sdk"
)

// ErrNotStartedByHost is returned by Serve when the process was not started
// by an Aurora plugin host (for example, run by hand from a shell).
var ErrNotStartedByHost = errors.New("a plugin must be started by an Aurora plugin host, not run by hand")

// plugins maps KIND/NAME to the serve options of a built-in plugin.
var plugins = map[string]func(hclog.Logger) sdk.ServeOpts{
	sdk.KindConstraint + "/" + limit.Name: func(l hclog.Logger) sdk.ServeOpts {
		return sdk.ServeOpts{Constraint: limit.New(l), Logger: l}
	},
	sdk.KindConstraint + "/" + value.Name: func(l hclog.Logger) sdk.ServeOpts {
		return sdk.ServeOpts{Constraint: value.New(l), Logger: l}
	},
	sdk.KindConstraint + "/" + dedicated.Name: func(l hclog.Logger) sdk.ServeOpts {
		return sdk.ServeOpts{Constraint: dedicated.New(l), Logger: l}
	},
	sdk.KindExecutor + "/" + thermos.Name: func(l hclog.Logger) sdk.ServeOpts {
		return sdk.ServeOpts{Executor: thermos.New(l), Logger: l}
	},
	sdk.KindQuota + "/" + static.Name: func(l hclog.Logger) sdk.ServeOpts {
		return sdk.ServeOpts{Quota: static.New(l), Logger: l}
	},
	sdk.KindDiscovery + "/" + zookeeper.Name: func(l hclog.Logger) sdk.ServeOpts {
		return sdk.ServeOpts{Discovery: zookeeper.NewPlugin(l), Logger: l}
	},
	sdk.KindExecutor + "/" + docker.Name: func(l hclog.Logger) sdk.ServeOpts {
		return sdk.ServeOpts{Executor: docker.New(l), Logger: l}
	},
}

// Version returns the release of the built-in plugin KIND/NAME, as its
// Info reports it, for its catalog entry.
func Version(kindSlashName string) (string, bool) {
	opts, ok := plugins[kindSlashName]
	if !ok {
		return "", false
	}
	o := opts(nil)
	var impl sdk.Base
	switch {
	case o.Constraint != nil:
		impl = o.Constraint
	case o.Executor != nil:
		impl = o.Executor
	case o.Discovery != nil:
		impl = o.Discovery
	case o.Quota != nil:
		impl = o.Quota
	}
	info, err := impl.Info(context.Background())
	if err != nil {
		return "", false
	}
	return info.Version, true
}

// Names lists the built-in plugins as KIND/NAME, sorted.
func Names() []string {
	return slices.Sorted(maps.Keys(plugins))
}

// Serve serves the built-in plugin named KIND/NAME (e.g. "constraint/limit")
// over go-plugin and returns when the host shuts it down. It returns an
// error, without serving, for an unknown name or when the process was not
// started by a plugin host.
func Serve(kindSlashName string) error {
	opts, ok := plugins[kindSlashName]
	if !ok {
		return fmt.Errorf("unknown built-in plugin %q; available: %s", kindSlashName, strings.Join(Names(), ", "))
	}
	if !sdk.StartedByHost() {
		return fmt.Errorf("plugin %s: %w", kindSlashName, ErrNotStartedByHost)
	}
	sdk.Serve(opts(sdk.NewLogger(kindSlashName)))
	return nil
}
