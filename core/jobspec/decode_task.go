package jobspec

import (
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/aurora-go/aurora/core/spec"
)

// task decodes a task block and the resources and process blocks in it.
func (d *decoder) task(block *hcl.Block, task *spec.Task) {
	d.src.set("task", block.DefRange)
	if len(block.Labels) > 0 {
		task.Name = block.Labels[0]
		d.src.set("task.name", block.LabelRanges[0])
	}
	content, diags := block.Body.Content(taskSchema)
	d.diags = append(d.diags, diags...)
	b := body{attrs: content.Attributes, prefix: "task."}
	d.int(b, "max_failures", &task.MaxFailures)
	d.int(b, "max_concurrency", &task.MaxConcurrency)
	var wait time.Duration
	d.duration(b, "finalization_wait", &wait)
	task.FinalizationWait = spec.Duration(wait)
	d.bool(b, "sequential", &task.Sequential)

	if res, ok := d.single(content.Blocks, blockResources, block); ok {
		d.resources(res, &task.Resources)
	}
	seen := map[string]*hcl.Block{}
	for _, p := range content.Blocks.OfType(blockProcess) {
		name := p.Labels[0]
		if prev, ok := seen[name]; ok {
			d.diags = append(d.diags, errorf(p.DefRange, "Duplicate process block",
				"Process %q was already defined at %s; process names must be unique within a task.", name, at(prev.DefRange)))
			continue
		}
		seen[name] = p
		task.Processes = append(task.Processes, d.process(p))
	}
}

// resources decodes a resources block.
func (d *decoder) resources(block *hcl.Block, res *spec.Resources) {
	d.src.set("task.resources", block.DefRange)
	content, diags := block.Body.Content(resourcesSchema)
	d.diags = append(d.diags, diags...)
	b := body{attrs: content.Attributes, prefix: "task.resources."}
	d.require(b, block.DefRange, blockResources, "cpu", "ram", "disk")
	d.float(b, "cpu", &res.CPU)
	d.size(b, "ram", &res.RAM)
	d.size(b, "disk", &res.Disk)
	d.int(b, "gpu", &res.GPU)
	d.stringList(b, "ports", &res.Ports)
}

// process decodes a process block.
func (d *decoder) process(block *hcl.Block) spec.Process {
	p := spec.Process{Name: block.Labels[0]}
	path := "task.process[" + p.Name + "]"
	d.src.set(path, block.DefRange)
	content, diags := block.Body.Content(processSchema)
	d.diags = append(d.diags, diags...)
	b := body{attrs: content.Attributes, prefix: path + "."}
	d.require(b, block.DefRange, blockProcess, "cmdline")
	d.string(b, "cmdline", &p.Cmdline)
	d.int(b, "max_failures", &p.MaxFailures)
	d.bool(b, "daemon", &p.Daemon)
	d.bool(b, "ephemeral", &p.Ephemeral)
	d.bool(b, "final", &p.Final)
	var minDuration time.Duration
	d.duration(b, "min_duration", &minDuration)
	p.MinDuration = spec.Duration(minDuration)
	d.stringList(b, "after", &p.After)
	return p
}
