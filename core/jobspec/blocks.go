package jobspec

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// open reads block's body against schema, records the block's header as
// the source of path, and returns its arguments (at path) and blocks.
func (d *decoder) open(block *hcl.Block, schema *hcl.BodySchema, path string) (body, hcl.Blocks) {
	d.src.set(path, block.DefRange)
	content, diags := block.Body.Content(schema)
	d.diags = append(d.diags, diags...)
	return body{attrs: content.Attributes, prefix: path + "."}, content.Blocks
}

// optional returns the one block of type typ in blocks, or nil when there
// is none; any extra block is reported at its own header.
func (d *decoder) optional(blocks hcl.Blocks, typ, parentType string) *hcl.Block {
	found := blocks.OfType(typ)
	if len(found) == 0 {
		return nil
	}
	for _, extra := range found[1:] {
		d.diags = append(d.diags, errorf(extra.DefRange, "Duplicate "+typ+" block",
			"A %s block has at most one %s block; the first is at %s.", parentType, typ, at(found[0].DefRange)))
	}
	return found[0]
}

// single returns the one block of type typ in blocks, reporting a missing
// block at parent's header and any extra block at its own header.
func (d *decoder) single(blocks hcl.Blocks, typ string, parent *hcl.Block) (*hcl.Block, bool) {
	found := blocks.OfType(typ)
	if len(found) == 0 {
		d.diags = append(d.diags, errorf(parent.DefRange, "Missing "+typ+" block",
			"A %s block needs exactly one %s block.", parent.Type, typ))
		return nil, false
	}
	for _, extra := range found[1:] {
		d.diags = append(d.diags, errorf(extra.DefRange, "Duplicate "+typ+" block",
			"A %s block has exactly one %s block; the first is at %s.", parent.Type, typ, at(found[0].DefRange)))
	}
	return found[0], true
}

// typed returns the schema of a block whose label names its type, such as
// strategy "batch"; an unknown type is reported at the label.
func (d *decoder) typed(block *hcl.Block, schemas map[string]*hcl.BodySchema) (*hcl.BodySchema, bool) {
	schema, ok := schemas[block.Labels[0]]
	if !ok {
		d.diags = append(d.diags, errorf(block.LabelRanges[0], "Unknown "+block.Type+" type",
			"%q is not a known %s type: use %s.", block.Labels[0], block.Type, oneOf(sortedNames(schemas))))
	}
	return schema, ok
}

// oneOf renders names as "a, b or c".
func oneOf(names []string) string {
	sort.Strings(names)
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
