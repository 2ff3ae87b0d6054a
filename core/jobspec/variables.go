package jobspec

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variable is one declared variable and the value it ends up with.
type variable struct {
	name  string
	block *hcl.Block
	// ty is the declared type constraint; cty.DynamicPseudoType when the
	// block has no type argument.
	ty    cty.Type
	value cty.Value // cty.NilVal while no source has set it
}

// evalVariables reads the variable blocks and gives each declared variable
// its value: default < environment < var files < -var flags. It returns the
// values as the object var.NAME reads.
func evalVariables(parser *hclparse.Parser, blocks hcl.Blocks, values variableValues) (cty.Value, hcl.Diagnostics) {
	decls, diags := declareVariables(blocks)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	diags = append(diags, values.apply(parser, decls)...)

	obj := make(map[string]cty.Value, len(decls))
	for _, v := range decls {
		if v.value == cty.NilVal {
			diags = append(diags, errorf(v.block.DefRange, "Unset variable",
				"Variable %q has no default and no value: set it with -var %s=..., a var file or AURORA_VAR_%s.",
				v.name, v.name, v.name))
			continue
		}
		obj[v.name] = v.value
	}
	return cty.ObjectVal(obj), diags
}

// declareVariables reads each variable block's type and default.
func declareVariables(blocks hcl.Blocks) (map[string]*variable, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	decls := make(map[string]*variable, len(blocks))
	for _, block := range blocks {
		name := block.Labels[0]
		if !hclsyntax.ValidIdentifier(name) {
			diags = append(diags, errorf(block.LabelRanges[0], "Invalid variable name",
				"%q is not a valid name: use letters, digits, underscores and dashes, starting with a letter.", name))
			continue
		}
		if prev, ok := decls[name]; ok {
			diags = append(diags, errorf(block.DefRange, "Duplicate variable",
				"Variable %q was already declared at %s.", name, at(prev.block.DefRange)))
			continue
		}
		v := &variable{name: name, block: block, ty: cty.DynamicPseudoType}
		decls[name] = v

		content, more := block.Body.Content(variableSchema)
		diags = append(diags, more...)
		if attr, ok := content.Attributes["type"]; ok {
			ty, more := typeexpr.TypeConstraint(attr.Expr)
			diags = append(diags, more...)
			if !more.HasErrors() {
				v.ty = ty
			}
		}
		if attr, ok := content.Attributes["description"]; ok {
			// The description only documents the variable, but it must be
			// a literal string.
			diags = append(diags, checkLiteral(attr, cty.String)...)
		}
		if attr, ok := content.Attributes["default"]; ok {
			// Defaults are literal: they may not refer to other variables.
			val, more := attr.Expr.Value(nil)
			diags = append(diags, more...)
			if !more.HasErrors() {
				val, more = v.convert(val, attr.Expr.Range(), "default")
				diags = append(diags, more...)
				if !more.HasErrors() {
					v.value = val
				}
			}
		}
	}
	return decls, diags
}

// convert converts val to the variable's type, reporting a failure at
// subject (when it has a file name) and naming source in the message.
func (v *variable) convert(val cty.Value, subject hcl.Range, source string) (cty.Value, hcl.Diagnostics) {
	out, err := convert.Convert(val, v.ty)
	if err != nil {
		d := errorf(subject, "Invalid value for variable",
			"The %s for variable %q is not suitable: %s.", source, v.name, describeConvertError(err))
		if subject.Filename == "" {
			d.Subject = nil
		}
		return cty.DynamicVal, hcl.Diagnostics{d}
	}
	return out, nil
}

// checkLiteral checks that attr is a value of type ty written without
// variables or functions.
func checkLiteral(attr *hcl.Attribute, ty cty.Type) hcl.Diagnostics {
	val, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	if _, err := convert.Convert(val, ty); err != nil {
		diags = append(diags, typeError(attr, err))
	}
	return diags
}

// sortedNames returns the keys of m in order, so diagnostics come out in a
// stable order.
func sortedNames[T any](m map[string]T) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
