package jobspec

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/aurora-go/aurora/core/spec"
)

// task decodes a task block and the resources and process blocks in it
// over the defaults task already holds.
func (d *decoder) task(block *hcl.Block, task *spec.Task) {
	b, blocks := d.open(block, taskSchema, "task")
	if len(block.Labels) > 0 {
		task.Name = block.Labels[0]
		d.src.set("task.name", block.LabelRanges[0])
	}
	d.int(b, "max_failures", &task.MaxFailures)
	d.int(b, "max_concurrency", &task.MaxConcurrency)
	d.duration(b, "finalization_wait", &task.FinalizationWait)
	d.bool(b, "sequential", &task.Sequential)

	if res, ok := d.single(blocks, blockResources, block); ok {
		d.resources(res, &task.Resources)
	}
	seen := map[string]*hcl.Block{}
	for _, p := range blocks.OfType(blockProcess) {
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
	b, _ := d.open(block, resourcesSchema, "task.resources")
	d.require(b, block.DefRange, blockResources, "cpu", "ram", "disk")
	d.float(b, "cpu", &res.CPU)
	d.size(b, "ram", &res.RAM)
	d.size(b, "disk", &res.Disk)
	d.int(b, "gpu", &res.GPU)
	d.stringList(b, "ports", &res.Ports)
}

// process decodes a process block over spec.NewProcess's defaults.
func (d *decoder) process(block *hcl.Block) spec.Process {
	p := spec.NewProcess(block.Labels[0])
	path := "task.process[" + p.Name + "]"
	b, blocks := d.open(block, processSchema, path)
	d.require(b, block.DefRange, blockProcess, "cmdline")
	d.string(b, "cmdline", &p.Cmdline)
	d.int(b, "max_failures", &p.MaxFailures)
	d.bool(b, "daemon", &p.Daemon)
	d.bool(b, "ephemeral", &p.Ephemeral)
	d.bool(b, "final", &p.Final)
	d.duration(b, "min_duration", &p.MinDuration)
	d.stringList(b, "after", &p.After)
	if l := d.optional(blocks, blockLogger, blockProcess); l != nil {
		p.Logger = d.logger(l, path+".logger")
	}
	return *p
}

// logger decodes a process's logger block.
func (d *decoder) logger(block *hcl.Block, path string) *spec.Logger {
	l := spec.NewLogger()
	b, blocks := d.open(block, loggerSchema, path)
	d.string(b, "destination", &l.Destination)
	d.string(b, "mode", &l.Mode)
	if r := d.optional(blocks, blockRotate, blockLogger); r != nil {
		l.Rotate = spec.NewRotatePolicy()
		rb, _ := d.open(r, rotateSchema, path+".rotate")
		d.size(rb, "log_size", &l.Rotate.LogSize)
		d.int(rb, "backups", &l.Rotate.Backups)
	}
	return l
}
