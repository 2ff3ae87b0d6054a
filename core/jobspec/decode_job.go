package jobspec

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/aurora-go/aurora/core/spec"
)

// decodeJobs decodes, defaults and validates every job block of file.
func decodeJobs(file *hcl.File, blocks hcl.Blocks, ctx *hcl.EvalContext, binds map[string]string) ([]*spec.Job, []*sourceMap, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	if len(blocks) == 0 {
		start := hcl.Range{Filename: file.Body.MissingItemRange().Filename, Start: hcl.InitialPos, End: hcl.InitialPos}
		return nil, nil, hcl.Diagnostics{errorf(start, "No job", "The file has no job block; write one as job \"NAME\" { ... }.")}
	}
	jobs := make([]*spec.Job, 0, len(blocks))
	srcs := make([]*sourceMap, 0, len(blocks))
	seen := map[spec.ClusterKey]*hcl.Block{}
	for _, block := range blocks {
		job, src, more := decodeJob(block, ctx, binds)
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
		srcs = append(srcs, src)
	}
	return jobs, srcs, diags
}

// decodeJob decodes one job block into spec.NewJob's defaults, binds
// templates, applies spec's remaining defaults and validates the result.
// Validation runs only when decoding succeeded, so one mistake is not
// reported twice.
func decodeJob(block *hcl.Block, ctx *hcl.EvalContext, binds map[string]string) (*spec.Job, *sourceMap, hcl.Diagnostics) {
	src := newSourceMap(block.DefRange)
	src.set("name", block.LabelRanges[0])
	d := &decoder{ctx: ctx, src: src}

	content, diags := block.Body.Content(jobSchemaFor(block.Body))
	d.diags = diags
	job := spec.NewJob()
	job.Key.Name = block.Labels[0]
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
	d.bool(b, "production", &job.Production)
	d.string(b, "contact", &job.Contact)
	d.stringMap(b, "constraints", &job.Constraints)
	d.stringMap(b, "metadata", &job.Metadata)
	d.bool(b, "enable_hooks", &job.EnableHooks)

	blocks := content.Blocks
	d.placements(blocks.OfType(blockPlacement), &job.Placements)
	if ex := d.optional(blocks, blockExecutor, blockJob); ex != nil {
		job.Executor = ex.Labels[0]
		job.ExecutorConfig = d.pluginArgs(ex, "executor")
		d.src.set("executor", ex.LabelRanges[0])
	}
	if c := d.optional(blocks, blockCron, blockJob); c != nil {
		job.Cron = d.cron(c)
	}
	if u := d.optional(blocks, blockUpdate, blockJob); u != nil {
		job.Update = d.update(u)
	}
	if h := d.optional(blocks, blockHealthCheck, blockJob); h != nil {
		job.HealthCheck = d.healthCheck(h)
	}
	if l := d.optional(blocks, blockLifecycle, blockJob); l != nil {
		job.Lifecycle = d.lifecycle(l)
	}
	if a := d.optional(blocks, blockAnnounce, blockJob); a != nil {
		job.Announce = d.announce(a)
	}
	if p := d.optional(blocks, blockPartitionPolicy, blockJob); p != nil {
		job.PartitionPolicy = d.partitionPolicy(p)
	}
	if s := d.optional(blocks, blockSLAPolicy, blockJob); s != nil {
		job.SLAPolicy = d.slaPolicy(s)
	}
	if c := d.optional(blocks, blockContainer, blockJob); c != nil {
		job.Container = d.container(c)
	}
	if task, ok := d.single(blocks, blockTask, block); ok {
		d.task(task, &job.Task)
	}
	if d.diags.HasErrors() {
		return nil, nil, d.diags
	}
	job.BindTemplates(binds)
	job.ApplyDefaults()
	return job, src, src.validationDiagnostics(job.Validate())
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
	schema.Blocks = append([]hcl.BlockHeaderSchema{{Type: blockTask, LabelNames: labels}}, jobSchema.Blocks...)
	return &schema
}
