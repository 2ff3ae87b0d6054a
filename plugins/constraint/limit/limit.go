package limit

import (
	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/plugins/constraint/internal/kit"
	"github.com/aurora-go/aurora/sdk"
)

// Name is the plugin's name in Info and in the catalog.
const Name = "limit"

// Version is the plugin release reported in Info.
const Version = "0.1.0"

type plugin struct {
	kit.Base
}

// New returns the limit constraint plugin.
func New(logger hclog.Logger) sdk.ConstraintPlugin {
	return &plugin{Base: kit.NewBase(Name, Version, logger)}
}
