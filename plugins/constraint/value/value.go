package value

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// Name is the plugin's name in Info and in the catalog.
const Name = "value"

// Version is the plugin release reported in Info.
const Version = "0.1.0"

// DedicatedAttribute is the attribute the dedicated plugin owns.
const DedicatedAttribute = "dedicated"

// constraintScore is Aurora's score of CONSTRAINT_MISMATCH vetoes.
const constraintScore = 10000

// ctxCheckEvery is how many hosts are evaluated between context checks.
const ctxCheckEvery = 1024

const configSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "value constraint plugin configuration",
  "type": "object",
  "additionalProperties": false
}`

type plugin struct {
	logger hclog.Logger
}

// New returns the value constraint plugin.
func New(logger hclog.Logger) sdk.ConstraintPlugin {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &plugin{logger: logger.Named(Name)}
}

func (p *plugin) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{Name: Name, Kind: sdk.KindConstraint, Version: Version, APIVersion: sdk.APIVersion}, nil
}

func (p *plugin) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(configSchema)}, nil
}

// Configure accepts no configuration: empty, null or {}.
func (p *plugin) Configure(_ context.Context, config json.RawMessage) error {
	var none struct{}
	if err := sdk.DecodeConfig(config, &none); err != nil {
		return fmt.Errorf("value plugin takes no configuration: %w", err)
	}
	return nil
}

// Filter evaluates the group's value constraints on every host.
func (p *plugin) Filter(ctx context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	var cs []sdk.Constraint
	for _, c := range req.Group.Constraints {
		if c.Limit <= 0 && c.Name != DedicatedAttribute {
			cs = append(cs, c)
		}
	}
	resp := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
	vetoed := 0
	for i := range req.Hosts {
		if i%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		h := &req.Hosts[i]
		resp.Results[i].HostID = h.ID
		for _, c := range cs {
			if !Matches(c, h.Attributes[c.Name]) {
				resp.Results[i].Vetoes = []sdk.Veto{Mismatch(c.Name)}
				vetoed++
				break
			}
		}
	}
	p.logger.Debug("filtered hosts", "role", req.Group.Role, "environment", req.Group.Environment,
		"job", req.Group.Job, "hosts", len(req.Hosts), "vetoed", vetoed)
	return resp, nil
}

// Matches is Aurora's value match: true if any constraint value is among
// the host's values, XOR Negated.
func Matches(c sdk.Constraint, hostValues []string) bool {
	match := false
	for _, v := range c.Values {
		if slices.Contains(hostValues, v) {
			match = true
			break
		}
	}
	return c.Negated != match
}

// Mismatch is the static veto of a failed value constraint on attr.
func Mismatch(attr string) sdk.Veto {
	return sdk.Veto{Type: sdk.VetoStatic, Reason: "Constraint not satisfied: " + attr, Score: constraintScore}
}
