package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// Version is the plugin release; the catalog entry must say the same.
const Version = "0.1.0"

const configSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "zonespread configuration",
  "type": "object",
  "properties": {
    "attribute": {"type": "string", "minLength": 1, "description": "Agent attribute to spread over (default zone)."},
    "max_skew": {"type": "integer", "minimum": 1, "description": "Most tasks a value may run above the least loaded value (default 1)."}
  },
  "additionalProperties": false
}`

// Config is the plugin configuration.
type Config struct {
	Attribute string `json:"attribute"`
	MaxSkew   int32  `json:"max_skew"`
}

// Plugin spreads tasks over the values of an attribute. Score prefers the
// least loaded values, so the plugin advertises the "score" capability.
type Plugin struct {
	logger hclog.Logger
	mu     sync.RWMutex
	cfg    Config
}

// New returns the plugin with the default configuration.
func New(logger hclog.Logger) *Plugin {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &Plugin{logger: logger, cfg: Config{Attribute: "zone", MaxSkew: 1}}
}

func (p *Plugin) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{Name: Name, Kind: sdk.KindConstraint, Version: Version}, nil
}

func (p *Plugin) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(configSchema)}, nil
}

// Configure applies {attribute, max_skew}; unset fields keep their
// defaults. The SDK has already validated config against the schema.
func (p *Plugin) Configure(_ context.Context, config json.RawMessage) error {
	cfg := Config{Attribute: "zone", MaxSkew: 1}
	if err := sdk.DecodeConfig(config, &cfg); err != nil {
		return err
	}
	if cfg.Attribute == "" || cfg.MaxSkew < 1 {
		return fmt.Errorf("%w: attribute must be set and max_skew at least 1", sdk.ErrInvalidArgument)
	}
	p.mu.Lock()
	p.cfg = cfg
	p.mu.Unlock()
	return nil
}

func (p *Plugin) config() Config {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.cfg
}

// counts returns the job's active tasks per value of the attribute, with
// every value seen on a candidate host or in the aggregate, and the lowest
// count.
func counts(attr string, req *sdk.FilterRequest) (map[string]int32, int32) {
	c := map[string]int32{}
	for v, n := range req.ActiveTasks[attr] {
		c[v] = n
	}
	for i := range req.Hosts {
		for _, v := range req.Hosts[i].Attributes[attr] {
			if _, ok := c[v]; !ok {
				c[v] = 0
			}
		}
	}
	first := true
	var low int32
	for _, n := range c {
		if first || n < low {
			low, first = n, false
		}
	}
	return c, low
}

// Name is the plugin's name: its catalog name, and the label of the
// placement blocks it owns (placement "zonespread" { max_skew = 2 }).
const Name = "zonespread"

// settings are the plugin's configuration with the arguments of the job's
// placement "zonespread" block on top. Jobs opt in: without a block, ok is
// false and the plugin vetoes nothing. The cluster validated the block
// against ConfigSchema at submit.
func (p *Plugin) settings(req *sdk.FilterRequest) (cfg Config, ok bool, err error) {
	cfg = p.config()
	args, ok := req.Group.Placements[Name]
	if !ok {
		return cfg, false, nil
	}
	if err := sdk.DecodeConfig(args, &cfg); err != nil {
		return cfg, true, err
	}
	if cfg.Attribute == "" || cfg.MaxSkew < 1 {
		return cfg, true, fmt.Errorf("%w: attribute must be set and max_skew at least 1", sdk.ErrInvalidArgument)
	}
	return cfg, true, nil
}

// Filter vetoes, for a job with a placement "zonespread" block, a host
// when one more task in its value would put that value more than max_skew
// above the least loaded value (a dynamic veto: it lifts as other values
// fill up), and a host without the attribute (static).
func (p *Plugin) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	resp := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
	for i := range req.Hosts {
		resp.Results[i].HostID = req.Hosts[i].ID
	}
	cfg, ok, err := p.settings(req)
	if !ok {
		return resp, nil
	}
	if err != nil {
		for i := range resp.Results {
			resp.Results[i].Vetoes = []sdk.Veto{{Type: sdk.VetoStatic, Score: 10000, Reason: "Zone spread: bad placement block: " + err.Error()}}
		}
		return resp, nil
	}
	c, low := counts(cfg.Attribute, req)
	for i := range req.Hosts {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		h := &req.Hosts[i]
		values, ok := h.Attributes[cfg.Attribute]
		if !ok || len(values) == 0 {
			resp.Results[i].Vetoes = []sdk.Veto{{Type: sdk.VetoStatic, Reason: "Constraint not satisfied: " + cfg.Attribute, Score: 10000}}
			continue
		}
		v := values[0]
		if skew := c[v] + 1 - low; skew > cfg.MaxSkew {
			resp.Results[i].Vetoes = []sdk.Veto{{Type: sdk.VetoDynamic, Score: 10000,
				Reason: fmt.Sprintf("Zone spread: one more task in %s %q makes a skew of %d, max_skew is %d", cfg.Attribute, v, skew, cfg.MaxSkew)}}
		}
	}
	return resp, nil
}

// Score ranks hosts in less loaded values higher, for jobs with a
// placement "zonespread" block.
func (p *Plugin) Score(_ context.Context, req *sdk.ScoreRequest) (*sdk.ScoreResponse, error) {
	resp := &sdk.ScoreResponse{Scores: make([]sdk.HostScore, len(req.Hosts))}
	for i, h := range req.Hosts {
		resp.Scores[i].HostID = h.ID
	}
	cfg, ok, err := p.settings(req)
	if !ok || err != nil {
		return resp, nil
	}
	c, _ := counts(cfg.Attribute, req)
	for i, h := range req.Hosts {
		if values := h.Attributes[cfg.Attribute]; len(values) > 0 {
			resp.Scores[i].Score = -float64(c[values[0]])
		}
	}
	return resp, nil
}
