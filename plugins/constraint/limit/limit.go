package limit

import (
	"context"
	"encoding/json"
	"fmt"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/sdk"
)

// Name is the plugin's name in Info and in the catalog.
const Name = "limit"

// Version is the plugin release reported in Info.
const Version = "0.1.0"

// configSchema accepts only an empty object: the plugin has no settings.
const configSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "limit constraint plugin configuration",
  "type": "object",
  "additionalProperties": false
}`

type plugin struct {
	logger hclog.Logger
}

// New returns the limit constraint plugin.
func New(logger hclog.Logger) sdk.ConstraintPlugin {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &plugin{logger: logger.Named(Name)}
}

func (p *plugin) Info(context.Context) (*sdk.Info, error) {
	return &sdk.Info{
		Name:       Name,
		Kind:       sdk.KindConstraint,
		Version:    Version,
		APIVersion: sdk.APIVersion,
	}, nil
}

func (p *plugin) ConfigSchema(context.Context) (*sdk.Schema, error) {
	return &sdk.Schema{JSON: json.RawMessage(configSchema)}, nil
}

// Configure accepts no configuration: empty, null or {}.
func (p *plugin) Configure(_ context.Context, config json.RawMessage) error {
	var none struct{}
	if err := sdk.DecodeConfig(config, &none); err != nil {
		return fmt.Errorf("limit plugin takes no configuration: %w", err)
	}
	return nil
}
