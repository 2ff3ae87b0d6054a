package static

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// Name is the plugin's name in Info and in the catalog.
const Name = "static"

// Version is the plugin release reported in Info.
const Version = "0.1.0"

const configSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "static quota plugin configuration",
  "type": "object",
  "properties": {
    "roles": {
      "description": "Quota per role.",
      "type": "object",
      "additionalProperties": {"$ref": "#/$defs/resources"}
    },
    "default": {
      "description": "Quota of roles without an entry; zero when unset.",
      "$ref": "#/$defs/resources"
    }
  },
  "additionalProperties": false,
  "$defs": {
    "resources": {
      "type": "object",
      "properties": {
        "cpus": {"type": "number", "minimum": 0},
        "ram_mb": {"type": "integer", "minimum": 0},
        "disk_mb": {"type": "integer", "minimum": 0},
        "gpus": {"type": "integer", "minimum": 0}
      },
      "additionalProperties": false
    }
  }
}`

// Resources is a quota in the configuration.
type Resources struct {
	CPUs   float64 `json:"cpus"`
	RAMMB  int64   `json:"ram_mb"`
	DiskMB int64   `json:"disk_mb"`
	GPUs   int64   `json:"gpus"`
}

func (r Resources) sdk() sdk.Resources {
	return sdk.Resources{CPUs: r.CPUs, RAMMB: r.RAMMB, DiskMB: r.DiskMB, GPUs: r.GPUs}
}

// Config is the plugin configuration.
type Config struct {
	Roles   map[string]Resources `json:"roles"`
	Default Resources            `json:"default"`
}

type plugin struct {
	logger hclog.Logger

	mu  sync.RWMutex
	cfg Config
}

// New returns the static quota plugin, with no quotas until configured.
func New(logger hclog.Logger) sdk.QuotaPlugin {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &plugin{logger: logger.Named(Name)}
}

func (p *plugin) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{Name: Name, Kind: sdk.KindQuota, Version: Version, APIVersion: sdk.APIVersion}, nil
}

func (p *plugin) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(configSchema)}, nil
}

// Configure replaces the quotas.
func (p *plugin) Configure(_ context.Context, config json.RawMessage) error {
	var cfg Config
	if err := sdk.DecodeConfig(config, &cfg); err != nil {
		return err
	}
	for role, r := range cfg.Roles {
		if err := nonNegative(r); err != nil {
			return fmt.Errorf("%w: quota of role %q: %w", sdk.ErrInvalidArgument, role, err)
		}
	}
	if err := nonNegative(cfg.Default); err != nil {
		return fmt.Errorf("%w: default quota: %w", sdk.ErrInvalidArgument, err)
	}
	p.mu.Lock()
	p.cfg = cfg
	p.mu.Unlock()
	p.logger.Info("quotas configured", "roles", len(cfg.Roles))
	return nil
}

func nonNegative(r Resources) error {
	if r.CPUs < 0 || r.RAMMB < 0 || r.DiskMB < 0 || r.GPUs < 0 {
		return fmt.Errorf("negative values are not allowed: %+v", r)
	}
	return nil
}

func (p *plugin) quota(role string) sdk.Resources {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if r, ok := p.cfg.Roles[role]; ok {
		return r.sdk()
	}
	return p.cfg.Default.sdk()
}

// Consumes reports whether tasks of u count against quota: production tier
// and not dedicated.
func Consumes(u sdk.Usage) bool { return u.Production && !u.Dedicated }

// consumption adds up the usages that count against quota.
func consumption(us []sdk.Usage) sdk.Resources {
	var total sdk.Resources
	for _, u := range us {
		if Consumes(u) {
			total = total.Add(u.Resources)
		}
	}
	return total
}

// Check allows the proposal when it consumes nothing or fits the role's
// quota on top of its current consumption.
func (p *plugin) Check(_ context.Context, req *sdk.QuotaCheckRequest) (*sdk.QuotaDecision, error) {
	requested := consumption(req.Proposed)
	if requested.CPUs <= 0 && requested.RAMMB <= 0 && requested.DiskMB <= 0 && requested.GPUs <= 0 {
		return &sdk.QuotaDecision{Allowed: true}, nil
	}
	quota, used := p.quota(req.Role), consumption(req.Current)
	var exceeded []string
	check := func(name, unit string, q, u, r float64) {
		if u+r > q {
			exceeded = append(exceeded, fmt.Sprintf("%s quota exceeded by %.2f %s (quota %.2f, in use %.2f, requested %.2f)", name, u+r-q, unit, q, u, r))
		}
	}
	check("cpus", "core(s)", quota.CPUs, used.CPUs, requested.CPUs)
	check("ram_mb", "MB", float64(quota.RAMMB), float64(used.RAMMB), float64(requested.RAMMB))
	check("disk_mb", "MB", float64(quota.DiskMB), float64(used.DiskMB), float64(requested.DiskMB))
	check("gpus", "GPU(s)", float64(quota.GPUs), float64(used.GPUs), float64(requested.GPUs))
	if len(exceeded) == 0 {
		return &sdk.QuotaDecision{Allowed: true}, nil
	}
	return &sdk.QuotaDecision{Reason: fmt.Sprintf("Insufficient resource quota: role %s: %s", req.Role, strings.Join(exceeded, "; "))}, nil
}

// Get returns each role's quota; with no roles, every configured role,
// sorted.
func (p *plugin) Get(_ context.Context, roles []string) ([]sdk.RoleQuota, error) {
	if len(roles) == 0 {
		p.mu.RLock()
		roles = slices.Sorted(maps.Keys(p.cfg.Roles))
		p.mu.RUnlock()
	}
	out := make([]sdk.RoleQuota, len(roles))
	for i, r := range roles {
		out[i] = sdk.RoleQuota{Role: r, Quota: p.quota(r)}
	}
	return out, nil
}
