package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aurora-go/aurora/core/executor"
	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/scheduling"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/plugins/builtin"
	"github.com/aurora-go/aurora/sdk"
)

// builtinExecutors are the executor plugins the aurora binary serves
// itself (thermos, docker), sorted.
func builtinExecutors() []string {
	var out []string
	for _, kn := range builtin.Names() {
		if name, ok := strings.CutPrefix(kn, sdk.KindExecutor+"/"); ok {
			out = append(out, name)
		}
	}
	return out
}

// ValidateExecutor refuses a job whose executor is neither built in nor an
// enabled catalog plugin of kind executor.
func (r *pluginRunner) ValidateExecutor(_ context.Context, name string) spec.FieldErrors {
	var errs spec.FieldErrors
	if name == "" || slices.Contains(builtinExecutors(), name) {
		return nil
	}
	cat, _ := r.s.store.Catalog()
	if _, err := cat.Resolve(sdk.KindExecutor, name); err == nil {
		return nil
	}
	registered := slices.ContainsFunc(cat.List(), func(e pluginhost.Entry) bool {
		return e.Kind == sdk.KindExecutor && e.Name == name
	})
	builtins := strings.Join(builtinExecutors(), ", ")
	if registered {
		errs.Add("executor", fmt.Sprintf("executor plugin %q is registered but no version of it is enabled; `aurora plugin enable %s/%s` enables it",
			name, sdk.KindExecutor, name))
	} else {
		errs.Add("executor", fmt.Sprintf("executor %q is neither built in (%s) nor an enabled executor plugin of the catalog; `aurora plugin list` shows the catalog",
			name, builtins))
	}
	return errs
}

// executorPlugins resolves a job's executor to its catalog plugin for the
// scheduler's TaskInfo, with this replica's API as the place to fetch the
// binary from.
type executorPlugins struct {
	s *Server

	mu     sync.Mutex
	warned string // the discovery plugins last warned about
}

var _ scheduling.ExecutorPlugins = (*executorPlugins)(nil)

func (p *executorPlugins) ExecutorPlugin(name string) (*spec.CatalogPlugin, error) {
	if name == "" || slices.Contains(builtinExecutors(), name) {
		return nil, nil
	}
	return p.s.catalogPlugin(sdk.KindExecutor, name)
}

// catalogPlugin is the resolved catalog entry KIND/NAME as a worker runs
// it: the pinned version if enabled, else the highest enabled one.
func (s *Server) catalogPlugin(kind, name string) (*spec.CatalogPlugin, error) {
	cat, _ := s.store.Catalog()
	e, err := cat.Resolve(kind, name)
	if err != nil {
		return nil, err
	}
	if e.Builtin {
		return nil, errors.New("plugin " + e.ID() + " is built in; workers run their own")
	}
	if !s.blobs.Has(e.SHA256) {
		// The leader registered it, so this only happens right after a
		// failover, until syncBlobs has copied the binary.
		s.logger.Warn("this replica's plugin store lacks a catalog binary; tasks fetching it from here fail until it is copied", "plugin", e.ID(), "sha256", e.SHA256)
	}
	return &spec.CatalogPlugin{
		Kind: e.Kind, Name: e.Name, Version: e.Version, SHA256: e.SHA256,
		Args: slices.Clone(e.Args), Env: slices.Clone(e.Env), Config: e.Config, Timeout: e.Timeout,
		BlobURLs: []string{"http://" + s.cfg.AdvertiseHTTP + "/v1/plugins/blobs/" + e.SHA256},
	}, nil
}

// ExecutorEnv tells executors the catalog's discovery plugin, if one is
// enabled: it replaces the built-in discovery/zookeeper announcer (see
// core/executor.EnvDiscoveryPlugin). With several enabled, the first by
// name is used.
func (p *executorPlugins) ExecutorEnv() map[string]string {
	cat, _ := p.s.store.Catalog()
	var names []string
	for _, e := range cat.Enabled(sdk.KindDiscovery) {
		if !e.Builtin {
			names = append(names, e.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	p.mu.Lock()
	warn := len(names) > 1 && p.warned != strings.Join(names, ",")
	p.warned = strings.Join(names, ",")
	p.mu.Unlock()
	if warn {
		p.s.logger.Warn("several discovery plugins are enabled; executors announce through the first", "plugins", names, "using", names[0])
	}
	cp, err := p.s.catalogPlugin(sdk.KindDiscovery, names[0])
	if err != nil {
		p.s.logger.Warn("cannot resolve the discovery plugin", "plugin", names[0], "error", err)
		return nil
	}
	b, err := json.Marshal(cp)
	if err != nil {
		return nil
	}
	return map[string]string{executor.EnvDiscoveryPlugin: string(b)}
}
