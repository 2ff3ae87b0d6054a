package jobspec

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/aurora-go/aurora/core/spec"
)

// decodeJobs decodes, defaults and validates every job block of file.
func decodeJobs(file *hcl.File, blocks hcl.Blocks, ctx *hcl.EvalContext) ([]*spec.Job, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	if len(blocks) == 0 {
		start := hcl.Range{Filename: file.Body.MissingItemRange().Filename, Start: hcl.InitialPos, End: hcl.InitialPos}
		return nil, hcl.Diagnostics{errorf(start, "No job", "The file has no job block; write one as job \"NAME\" { ... }.")}
	}
	jobs := make([]*spec.Job, 0, len(blocks))
	seen := map[spec.ClusterKey]*hcl.Block{}
	for _, block := range blocks {
		job, more := decodeJob(block, ctx)
		diags = append(diags, more...)
		if more.HasErrors() {
			continue
		}
		key := spec.ClusterKey{Cluster: job.Cluster, JobKey: job.Key}
		if prev, ok := seen[key]; ok {
			diags = append(diags, errorf(block.DefRange, "Duplicate job",
				"Job %s was already defined at %s.", key, at(prev.DefRange)))
			continue
		}
		seen[key] = block
		jobs = append(jobs, job)
	}
	return jobs, diags
}

// decodeJob decodes one job block, applies spec's defaults and validates
// the result. Validation runs only when decoding succeeded, so one mistake
// is not reported twice.
func decodeJob(block *hcl.Block, ctx *hcl.EvalContext) (*spec.Job, hcl.Diagnostics) {
	src := newSourceMap(block.DefRange)
	src.set("name", block.LabelRanges[0])
	d := &decoder{ctx: ctx, src: src}

	content, diags := block.Body.Content(jobSchemaFor(block.Body))
	d.diags = diags
	job := &spec.Job{
		Key:       spec.JobKey{Name: block.Labels[0]},
		Instances: 1, // Aurora's default; spec leaves it to the front end.
	}
	b := body{attrs: content.Attributes}
	d.require(b, block.DefRange, blockJob, "cluster", "role", "environment")
	d.string(b, "cluster", &job.Cluster)
	d.string(b, "role", &job.Key.Role)
	d.string(b, "environment", &job.Key.Environment)
	d.bool(b, "service", &job.Service)
	d.int(b, "instances", &job.Instances)
	d.string(b, "tier", &job.Tier)
	d.int(b, "priority", &job.Priority)
	d.int(b, "max_task_failures", &job.MaxTaskFailures)
	d.string(b, "contact", &job.Contact)
	d.stringMap(b, "constraints", &job.Constraints)
	d.stringMap(b, "metadata", &job.Metadata)

	if task, ok := d.single(content.Blocks, blockTask, block); ok {
		d.task(task, &job.Task)
	}
	if d.diags.HasErrors() {
		return nil, d.diags
	}
	job.ApplyDefaults()
	return job, src.validationDiagnostics(job.Validate())
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

// jobSchemaFor returns the job schema for body. A task block's name label
// is optional, which an hcl.BodySchema cannot say, so the schema follows
// what the first task block in the native syntax tree has written.
func jobSchemaFor(body hcl.Body) *hcl.BodySchema {
	var labels []string
	if syntax, ok := body.(*hclsyntax.Body); ok {
		for _, block := range syntax.Blocks {
			if block.Type == blockTask {
				if len(block.Labels) > 0 {
					labels = []string{"name"}
				}
				break
			}
		}
	}
	schema := *jobSchema
	schema.Blocks = []hcl.BlockHeaderSchema{{Type: blockTask, LabelNames: labels}}
	return &schema
}
