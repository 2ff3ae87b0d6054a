package jobspec

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// evalLocals evaluates every locals block's attributes in ctx, each after
// the locals it refers to, and returns them as the object local.NAME reads.
// A local may refer to variables, functions and other locals, but not to
// itself through a cycle.
func evalLocals(blocks hcl.Blocks, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	pending := map[string]*hcl.Attribute{}
	for _, block := range blocks {
		attrs, more := block.Body.JustAttributes()
		diags = append(diags, more...)
		for name, attr := range attrs {
			if prev, ok := pending[name]; ok {
				diags = append(diags, errorf(attr.NameRange, "Duplicate local value",
					"Local %q was already defined at %s.", name, at(prev.NameRange)))
				continue
			}
			pending[name] = attr
		}
	}
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}

	done := make(map[string]cty.Value, len(pending))
	for len(pending) > 0 {
		ready := readyLocals(pending)
		if len(ready) == 0 {
			for _, name := range sortedNames(pending) {
				attr := pending[name]
				diags = append(diags, errorf(attr.NameRange, "Cycle in locals",
					"Local %q cannot be evaluated: it is in, or waits on, a cycle of references among local.%s.",
					name, strings.Join(sortedNames(pending), ", local.")))
			}
			return cty.DynamicVal, diags
		}
		for _, name := range ready {
			attr := pending[name]
			delete(pending, name)
			scope := ctx.NewChild()
			scope.Variables = map[string]cty.Value{"local": cty.ObjectVal(done)}
			val, more := attr.Expr.Value(scope)
			diags = append(diags, more...)
			if more.HasErrors() {
				// Dependents evaluate to unknown values without further
				// errors; the caller stops before decoding jobs.
				val = cty.DynamicVal
			}
			done[name] = val
		}
	}
	return cty.ObjectVal(done), diags
}

// readyLocals returns, in order, the pending locals that refer to no other
// pending local.
func readyLocals(pending map[string]*hcl.Attribute) []string {
	var ready []string
	for name, attr := range pending {
		waiting := false
		for _, traversal := range attr.Expr.Variables() {
			if dep, ok := localName(traversal); ok {
				if _, isPending := pending[dep]; isPending {
					waiting = true
					break
				}
			}
		}
		if !waiting {
			ready = append(ready, name)
		}
	}
	sort.Strings(ready)
	return ready
}

// localName returns NAME when traversal starts local.NAME.
func localName(traversal hcl.Traversal) (string, bool) {
	if traversal.RootName() != "local" || len(traversal) < 2 {
		return "", false
	}
	attr, ok := traversal[1].(hcl.TraverseAttr)
	if !ok {
		return "", false
	}
	return attr.Name, true
}
