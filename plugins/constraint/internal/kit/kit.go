// Package kit holds what Aurora's built-in constraint plugins (limit,
// value, dedicated) share: the base methods of a plugin without settings
// and the loop that vetoes hosts one by one.
package kit

import (
	"context"
	"encoding/json"
	"fmt"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// ctxCheckEvery is how many hosts are evaluated between context checks.
const ctxCheckEvery = 1024

// Base is Info, ConfigSchema and Configure of a built-in constraint plugin
// that takes no configuration.
type Base struct {
	Name, Version string
	Logger        hclog.Logger
}

// NewBase returns the base of plugin name at version, logging through
// logger (none when nil).
func NewBase(name, version string, logger hclog.Logger) Base {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return Base{Name: name, Version: version, Logger: logger.Named(name)}
}

func (b Base) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{Name: b.Name, Kind: sdk.KindConstraint, Version: b.Version, APIVersion: sdk.APIVersion}, nil
}

// ConfigSchema accepts only an empty object: the plugin has no settings.
func (b Base) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(fmt.Sprintf(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "%s constraint plugin configuration",
  "type": "object",
  "additionalProperties": false
}`, b.Name))}, nil
}

// Configure accepts no configuration: empty, null or {}.
func (b Base) Configure(_ context.Context, config json.RawMessage) error {
	var none struct{}
	if err := sdk.DecodeConfig(config, &none); err != nil {
		return fmt.Errorf("%s plugin takes no configuration: %w", b.Name, err)
	}
	return nil
}

// FilterHosts answers req with veto's vetoes of every host, in request
// order, checking ctx every ctxCheckEvery hosts, and logs how many hosts
// were vetoed.
func (b Base) FilterHosts(ctx context.Context, req *sdk.FilterRequest, veto func(h *sdk.Host) []sdk.Veto) (*sdk.FilterResponse, error) {
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
		if v := veto(h); len(v) > 0 {
			resp.Results[i].Vetoes = v
			vetoed++
		}
	}
	b.Logger.Debug("filtered hosts", "role", req.Group.Role, "environment", req.Group.Environment,
		"job", req.Group.Job, "hosts", len(req.Hosts), "vetoed", vetoed)
	return resp, nil
}
