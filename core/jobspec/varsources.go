package jobspec

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// EnvPrefix starts the name of an environment variable that sets a job
// file variable: AURORA_VAR_region=us-east sets var.region.
const EnvPrefix = "AURORA_VAR_"

// variableValues are the sources of variable values other than defaults.
type variableValues struct {
	env      []string // KEY=VALUE, as os.Environ returns
	varFiles []varFile
	flags    map[string]string
}

// varFile is a var file's name and contents.
type varFile struct {
	path string
	src  []byte
}

// readVarFiles reads every var file before any parsing, so that an
// unreadable file is reported as the I/O error it is.
func readVarFiles(paths []string) ([]varFile, error) {
	files := make([]varFile, 0, len(paths))
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("jobspec: reading var file: %w", err)
		}
		files = append(files, varFile{path: path, src: src})
	}
	return files, nil
}

// apply sets each declared variable from the environment, then the var
// files, then the flags, each overriding what came before.
func (s variableValues) apply(parser *hclparse.Parser, decls map[string]*variable) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, kv := range s.env {
		name, raw, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		name = strings.TrimPrefix(name, EnvPrefix)
		v, declared := decls[name]
		if !declared {
			// The environment is shared by every job file; a value for a
			// variable this file does not declare is not an error.
			continue
		}
		diags = append(diags, v.setRaw(raw, "value of "+EnvPrefix+name)...)
	}
	for _, f := range s.varFiles {
		diags = append(diags, applyVarFile(parser, f, decls)...)
	}
	for _, name := range sortedNames(s.flags) {
		v, declared := decls[name]
		if !declared {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Undeclared variable",
				Detail:   fmt.Sprintf("-var %s was given, but the job file declares no variable %q.", name, name),
			})
			continue
		}
		diags = append(diags, v.setRaw(s.flags[name], "-var "+name)...)
	}
	return diags
}

// applyVarFile sets variables from the NAME = VALUE lines of a var file.
// Values are literal: a var file cannot refer to variables or call
// functions.
func applyVarFile(parser *hclparse.Parser, f varFile, decls map[string]*variable) hcl.Diagnostics {
	file, diags := parser.ParseHCL(f.src, f.path)
	if diags.HasErrors() {
		return diags
	}
	attrs, more := file.Body.JustAttributes()
	diags = append(diags, more...)
	list := make([]*hcl.Attribute, 0, len(attrs))
	for _, attr := range attrs {
		list = append(list, attr)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Range.Start.Byte < list[j].Range.Start.Byte })
	for _, attr := range list {
		v, declared := decls[attr.Name]
		if !declared {
			diags = append(diags, errorf(attr.NameRange, "Undeclared variable",
				"The var file sets %q, but the job file declares no variable %q.", attr.Name, attr.Name))
			continue
		}
		val, more := attr.Expr.Value(nil)
		diags = append(diags, more...)
		if more.HasErrors() {
			continue
		}
		val, more = v.convert(val, attr.Expr.Range(), "value in "+f.path)
		diags = append(diags, more...)
		if !more.HasErrors() {
			v.value = val
		}
	}
	return diags
}

// setRaw sets the variable from a command-line or environment string. As in
// Terraform, the string is the value itself when the variable has no type
// or a primitive one, and an HCL expression when its type is a collection
// or structure (-var 'zones=["a","b"]').
func (v *variable) setRaw(raw, source string) hcl.Diagnostics {
	val := cty.StringVal(raw)
	if !v.ty.IsPrimitiveType() && v.ty != cty.DynamicPseudoType {
		expr, diags := hclsyntax.ParseExpression([]byte(raw), "<"+source+">", hcl.InitialPos)
		if diags.HasErrors() {
			return diags
		}
		var more hcl.Diagnostics
		val, more = expr.Value(nil)
		if more.HasErrors() {
			return more
		}
	}
	val, diags := v.convert(val, hcl.Range{}, source)
	if !diags.HasErrors() {
		v.value = val
	}
	return diags
}
