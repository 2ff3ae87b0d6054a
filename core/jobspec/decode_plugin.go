package jobspec

import (
	"encoding/json"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/aurora-go/aurora/core/spec"
)

// placements decodes the placement blocks that site constraint plugins
// own. Each block's arguments are evaluated and kept as a JSON object for
// the plugin to validate; where each argument was written is recorded as
// placement[NAME].ARG, so the plugin's complaints can be placed too.
func (d *decoder) placements(blocks hcl.Blocks, dst *[]spec.Placement) {
	seen := map[string]*hcl.Block{}
	for _, block := range blocks {
		name := block.Labels[0]
		if prev, ok := seen[name]; ok {
			d.diags = append(d.diags, errorf(block.DefRange, "Duplicate placement block",
				"Placement %q was already given at %s; write each plugin's arguments in one block.", name, at(prev.DefRange)))
			continue
		}
		seen[name] = block
		path := "placement[" + name + "]"
		d.src.set(path, block.DefRange)
		args := d.pluginArgs(block, path)
		if args == nil {
			args = json.RawMessage("{}")
		}
		*dst = append(*dst, spec.Placement{Name: name, Config: args})
	}
}

// pluginArgs evaluates the arguments of a block that a plugin owns into a
// JSON object. It returns nil for a block without arguments.
func (d *decoder) pluginArgs(block *hcl.Block, path string) json.RawMessage {
	attrs, diags := block.Body.JustAttributes()
	d.diags = append(d.diags, diags...)
	if len(attrs) == 0 {
		return nil
	}
	obj := make(map[string]cty.Value, len(attrs))
	b := body{attrs: attrs, prefix: path + "."}
	for _, name := range sortedNames(attrs) {
		if v, ok := d.value(b, name, cty.DynamicPseudoType); ok {
			obj[name] = v
		}
	}
	val := cty.ObjectVal(obj)
	out, err := ctyjson.Marshal(val, val.Type())
	if err != nil {
		d.diags = append(d.diags, errorf(block.DefRange, "Invalid plugin arguments",
			"The arguments of this %s block cannot be written as JSON: %s.", block.Type, err))
		return nil
	}
	return out
}
