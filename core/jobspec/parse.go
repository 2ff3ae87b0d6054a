package jobspec

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/aurora-go/aurora/core/spec"
)

// Options are the variable values and template bindings given on the
// command line.
type Options struct {
	// Vars are -var NAME=VALUE flags. They override every other source.
	Vars map[string]string
	// VarFiles are HCL files of NAME = VALUE lines, applied in order: a
	// later file overrides an earlier one.
	VarFiles []string
	// Binds give Aurora {{NAME}} templates a value when the file is parsed
	// (Aurora's --bind NAME=VALUE): every {{NAME}} in a template field
	// (see spec.Job.TemplateFields) becomes VALUE. A template that is
	// neither bound here nor one the executor binds is an error.
	Binds map[string]string
}

// ParseFile reads the job file at path and parses it with Parse.
func ParseFile(path string, opts Options) ([]*spec.Job, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("jobspec: reading job file: %w", err)
	}
	return Parse(path, src, opts)
}

// Parse parses src, an HCL job file named filename, into its jobs, in the
// order they are written. Every job has spec's defaults applied and has
// passed spec's validation. Problems with the file, its variables or its
// jobs are returned together as an *Error; a var file that cannot be read
// is returned as a wrapped I/O error.
func Parse(filename string, src []byte, opts Options) ([]*spec.Job, error) {
	jobs, _, err := parse(filename, src, opts)
	return jobs, err
}

// ParseFileWithSources is ParseFile that also returns, for each job, where
// its fields were written.
func ParseFileWithSources(path string, opts Options) ([]*spec.Job, []*Source, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("jobspec: reading job file: %w", err)
	}
	return parse(path, src, opts)
}

func parse(filename string, src []byte, opts Options) ([]*spec.Job, []*Source, error) {
	sources, err := readVarFiles(opts.VarFiles)
	if err != nil {
		return nil, nil, err
	}
	parser := hclparse.NewParser()
	file, diags := parser.ParseHCL(src, filename)
	if diags.HasErrors() {
		return nil, nil, asError(diags, parser.Files())
	}
	root, more := file.Body.Content(rootSchema)
	diags = append(diags, more...)

	values := variableValues{
		env:      os.Environ(),
		varFiles: sources,
		flags:    opts.Vars,
	}
	vars, more := evalVariables(parser, root.Blocks.OfType(blockVariable), values)
	diags = append(diags, more...)
	if diags.HasErrors() {
		return nil, nil, asError(diags, parser.Files())
	}
	ctx := newEvalContext(vars)
	locals, more := evalLocals(root.Blocks.OfType(blockLocals), ctx)
	diags = append(diags, more...)
	if diags.HasErrors() {
		return nil, nil, asError(diags, parser.Files())
	}
	ctx.Variables["local"] = locals

	jobs, maps, more := decodeJobs(file, root.Blocks.OfType(blockJob), ctx, opts.Binds)
	diags = append(diags, more...)
	if err := asError(diags, parser.Files()); err != nil {
		return nil, nil, err
	}
	out := make([]*Source, len(maps))
	for i, m := range maps {
		out[i] = &Source{m: m, files: parser.Files()}
	}
	return jobs, out, nil
}
