package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/sdk"
)

// EnvDiscoveryPlugin carries the enabled catalog plugin of kind discovery,
// as the JSON of a spec.CatalogPlugin, when the scheduler's catalog has
// one. It replaces the built-in discovery/zookeeper announcer (and the
// AURORA_ANNOUNCER_* settings). The scheduler sets it in the executor's
// CommandInfo.environment.
const EnvDiscoveryPlugin = "AURORA_DISCOVERY_PLUGIN"

// catalogAnnouncer is the announcer of the catalog's discovery plugin
// named by $AURORA_DISCOVERY_PLUGIN, or nil when it is unset. The plugin
// is fetched and started on the first announcement, so a task of a job
// without an announce block never depends on it; a failed fetch or start
// fails that call and is tried again on the next.
func catalogAnnouncer(getenv func(string) string, plugins *pluginhost.Host, cache *PluginCache, logger hclog.Logger) (*lazyAnnouncer, error) {
	raw := getenv(EnvDiscoveryPlugin)
	if raw == "" {
		return nil, nil
	}
	var p spec.CatalogPlugin
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return nil, fmt.Errorf("%s is not a catalog plugin: %w", EnvDiscoveryPlugin, err)
	}
	if p.Kind != sdk.KindDiscovery || p.Name == "" {
		return nil, fmt.Errorf("%s names %s, not a discovery plugin", EnvDiscoveryPlugin, p.ID())
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &lazyAnnouncer{plugin: &p, plugins: plugins, cache: cache, logger: logger}, nil
}

// lazyAnnouncer starts a catalog discovery plugin on first use.
type lazyAnnouncer struct {
	plugin  *spec.CatalogPlugin
	plugins *pluginhost.Host
	cache   *PluginCache
	logger  hclog.Logger

	mu     sync.Mutex
	client *pluginhost.DiscoveryClient
}

var _ Announcer = (*lazyAnnouncer)(nil)

func (l *lazyAnnouncer) get(ctx context.Context) (*pluginhost.DiscoveryClient, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.client != nil {
		return l.client, nil
	}
	if l.cache == nil || l.plugins == nil {
		return nil, errors.New("this executor cannot run catalog plugins (no plugin cache or host)")
	}
	path, err := l.cache.Fetch(ctx, l.plugin.SHA256, l.plugin.BlobURLs)
	if err != nil {
		return nil, fmt.Errorf("discovery plugin %s: %w", l.plugin.ID(), err)
	}
	c, err := l.plugins.Discovery(ctx, catalogSpec(l.plugin, path))
	if err != nil {
		return nil, fmt.Errorf("start discovery plugin %s: %w", l.plugin.ID(), err)
	}
	l.logger.Info("discovery plugin started", "plugin", l.plugin.ID())
	l.client = c
	return c, nil
}

func (l *lazyAnnouncer) Announce(ctx context.Context, endpoints []sdk.Endpoint) ([]sdk.EndpointResult, error) {
	c, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.Announce(ctx, endpoints)
}

func (l *lazyAnnouncer) Withdraw(ctx context.Context, keys []sdk.EndpointKey) ([]sdk.EndpointResult, error) {
	c, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.Withdraw(ctx, keys)
}

// Close stops the plugin, if it was started.
func (l *lazyAnnouncer) Close() {
	l.mu.Lock()
	c := l.client
	l.client = nil
	l.mu.Unlock()
	if c != nil {
		c.Close()
	}
}
