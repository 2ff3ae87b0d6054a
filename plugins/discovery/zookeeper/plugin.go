package zookeeper

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// Name and Version are what the plugin reports in Info.
const (
	Name    = "zookeeper"
	Version = "0.1.0"
)

// configSchema is the JSON Schema of Config.
const configSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["servers"],
  "properties": {
    "servers": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
    "session_timeout": {"type": "string"},
    "serverset_path": {"type": "string"},
    "allow_custom_serverset_path": {"type": "boolean"}
  }
}`

// Plugin serves the registry as the SDK's discovery kind: Configure
// connects it to the ensemble, and Announce, Withdraw and List go to it.
type Plugin struct {
	logger hclog.Logger

	mu  sync.Mutex
	reg *Registry
}

// NewPlugin returns the discovery/zookeeper plugin, unconfigured.
func NewPlugin(logger hclog.Logger) *Plugin {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &Plugin{logger: logger}
}

// Info names the plugin.
func (p *Plugin) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{Name: Name, Kind: sdk.KindDiscovery, Version: Version, APIVersion: sdk.APIVersion}, nil
}

// ConfigSchema describes Config.
func (p *Plugin) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(configSchema)}, nil
}

// Configure connects a registry to the configured ensemble, replacing any
// earlier one.
func (p *Plugin) Configure(_ context.Context, raw json.RawMessage) error {
	cfg, err := ParseConfig(raw)
	if err != nil {
		return fmt.Errorf("%w: %v", sdk.ErrInvalidArgument, err)
	}
	reg, err := New(cfg, p.logger)
	if err != nil {
		return err
	}
	p.mu.Lock()
	old := p.reg
	p.reg = reg
	p.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

func (p *Plugin) registry() (*Registry, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reg == nil {
		return nil, fmt.Errorf("%w: discovery/zookeeper is not configured", sdk.ErrFailedPrecondition)
	}
	return p.reg, nil
}

// Announce publishes endpoints.
func (p *Plugin) Announce(ctx context.Context, endpoints []sdk.Endpoint) ([]sdk.EndpointResult, error) {
	reg, err := p.registry()
	if err != nil {
		return nil, err
	}
	return reg.Announce(ctx, endpoints)
}

// Withdraw removes endpoints.
func (p *Plugin) Withdraw(ctx context.Context, keys []sdk.EndpointKey) ([]sdk.EndpointResult, error) {
	reg, err := p.registry()
	if err != nil {
		return nil, err
	}
	return reg.Withdraw(ctx, keys)
}

// List returns what owner announced.
func (p *Plugin) List(ctx context.Context, owner string) ([]sdk.Endpoint, error) {
	reg, err := p.registry()
	if err != nil {
		return nil, err
	}
	return reg.List(ctx, owner)
}

var _ sdk.DiscoveryPlugin = (*Plugin)(nil)
