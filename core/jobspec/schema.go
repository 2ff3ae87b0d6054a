package jobspec

import "github.com/hashicorp/hcl/v2"

// Block types.
const (
	blockJob       = "job"
	blockVariable  = "variable"
	blockLocals    = "locals"
	blockTask      = "task"
	blockResources = "resources"
	blockProcess   = "process"
)

// rootSchema is the top level of a job file.
var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: blockJob, LabelNames: []string{"name"}},
		{Type: blockVariable, LabelNames: []string{"name"}},
		{Type: blockLocals},
	},
}

// variableSchema is the body of a variable block.
var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "default"},
		{Name: "type"},
		{Name: "description"},
	},
}

// jobSchema is the body of a job block. Required arguments are checked by
// the decoder so that a missing one is reported at the job block's header.
var jobSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "cluster"},
		{Name: "role"},
		{Name: "environment"},
		{Name: "service"},
		{Name: "instances"},
		{Name: "tier"},
		{Name: "priority"},
		{Name: "max_task_failures"},
		{Name: "contact"},
		{Name: "constraints"},
		{Name: "metadata"},
	},
	// The task block's label is optional; see jobSchemaFor.
}

// taskSchema is the body of a task block.
var taskSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "max_failures"},
		{Name: "max_concurrency"},
		{Name: "finalization_wait"},
		{Name: "sequential"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: blockResources},
		{Type: blockProcess, LabelNames: []string{"name"}},
	},
}

// resourcesSchema is the body of a resources block.
var resourcesSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "cpu"},
		{Name: "ram"},
		{Name: "disk"},
		{Name: "gpu"},
		{Name: "ports"},
	},
}

// processSchema is the body of a process block.
var processSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "cmdline"},
		{Name: "max_failures"},
		{Name: "daemon"},
		{Name: "ephemeral"},
		{Name: "final"},
		{Name: "min_duration"},
		{Name: "after"},
	},
}
