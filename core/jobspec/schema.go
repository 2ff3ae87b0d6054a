package jobspec

import "github.com/hashicorp/hcl/v2"

// Block types.
const (
	blockJob             = "job"
	blockVariable        = "variable"
	blockLocals          = "locals"
	blockTask            = "task"
	blockResources       = "resources"
	blockProcess         = "process"
	blockLogger          = "logger"
	blockRotate          = "rotate"
	blockPlacement       = "placement"
	blockExecutor        = "executor"
	blockCron            = "cron"
	blockUpdate          = "update"
	blockStrategy        = "strategy"
	blockHealthCheck     = "health_check"
	blockHTTP            = "http"
	blockShell           = "shell"
	blockLifecycle       = "lifecycle"
	blockAnnounce        = "announce"
	blockPartitionPolicy = "partition_policy"
	blockSLAPolicy       = "sla_policy"
	blockContainer       = "container"
	blockDocker          = "docker"
	blockMesos           = "mesos"
	blockImage           = "image"
	blockParameter       = "parameter"
	blockVolume          = "volume"
)

// attrs builds the attribute schemas of a block body. Required arguments
// are checked by the decoder so that a missing one is reported at the
// block's header with a message of ours.
func attrs(names ...string) []hcl.AttributeSchema {
	out := make([]hcl.AttributeSchema, len(names))
	for i, n := range names {
		out[i] = hcl.AttributeSchema{Name: n}
	}
	return out
}

// rootSchema is the top level of a job file.
var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: blockJob, LabelNames: []string{"name"}},
		{Type: blockVariable, LabelNames: []string{"name"}},
		{Type: blockLocals},
	},
}

// variableSchema is the body of a variable block.
var variableSchema = &hcl.BodySchema{Attributes: attrs("default", "type", "description")}

// jobSchema is the body of a job block. The task block's label is
// optional, which a schema cannot say; see jobSchemaFor.
var jobSchema = &hcl.BodySchema{
	Attributes: attrs("cluster", "role", "environment", "service", "instances", "tier", "priority",
		"max_task_failures", "production", "contact", "constraints", "metadata", "enable_hooks"),
	Blocks: []hcl.BlockHeaderSchema{
		{Type: blockPlacement, LabelNames: []string{"plugin"}},
		{Type: blockExecutor, LabelNames: []string{"name"}},
		{Type: blockCron},
		{Type: blockUpdate},
		{Type: blockHealthCheck},
		{Type: blockLifecycle},
		{Type: blockAnnounce},
		{Type: blockPartitionPolicy},
		{Type: blockSLAPolicy, LabelNames: []string{"type"}},
		{Type: blockContainer},
	},
}

var taskSchema = &hcl.BodySchema{
	Attributes: attrs("max_failures", "max_concurrency", "finalization_wait", "sequential"),
	Blocks: []hcl.BlockHeaderSchema{
		{Type: blockResources},
		{Type: blockProcess, LabelNames: []string{"name"}},
	},
}

var resourcesSchema = &hcl.BodySchema{Attributes: attrs("cpu", "ram", "disk", "gpu", "ports")}

var processSchema = &hcl.BodySchema{
	Attributes: attrs("cmdline", "max_failures", "daemon", "ephemeral", "final", "min_duration", "after"),
	Blocks:     []hcl.BlockHeaderSchema{{Type: blockLogger}},
}

var loggerSchema = &hcl.BodySchema{
	Attributes: attrs("destination", "mode"),
	Blocks:     []hcl.BlockHeaderSchema{{Type: blockRotate}},
}

var rotateSchema = &hcl.BodySchema{Attributes: attrs("log_size", "backups")}

var cronSchema = &hcl.BodySchema{Attributes: attrs("schedule", "collision_policy")}

var updateSchema = &hcl.BodySchema{
	Attributes: attrs("batch_size", "watch", "max_per_shard_failures", "max_total_failures",
		"rollback_on_failure", "wait_for_batch_completion", "pulse_interval", "sla_aware"),
	Blocks: []hcl.BlockHeaderSchema{{Type: blockStrategy, LabelNames: []string{"type"}}},
}

// strategySchemas are the bodies of strategy blocks by type.
var strategySchemas = map[string]*hcl.BodySchema{
	"queue":          {Attributes: attrs("batch_size")},
	"batch":          {Attributes: attrs("batch_size", "autopause_after_batch")},
	"variable_batch": {Attributes: attrs("batch_sizes", "autopause_after_batch")},
}

var healthCheckSchema = &hcl.BodySchema{
	Attributes: attrs("initial_interval", "interval", "timeout", "max_consecutive_failures", "min_consecutive_successes"),
	Blocks:     []hcl.BlockHeaderSchema{{Type: blockHTTP}, {Type: blockShell}},
}

var httpHealthSchema = &hcl.BodySchema{Attributes: attrs("port", "endpoint", "expected_response", "expected_response_code")}

var shellHealthSchema = &hcl.BodySchema{Attributes: attrs("command")}

var lifecycleSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: blockHTTP}}}

var httpLifecycleSchema = &hcl.BodySchema{
	Attributes: attrs("port", "graceful_shutdown_endpoint", "shutdown_endpoint", "graceful_shutdown_wait", "shutdown_wait"),
}

var announceSchema = &hcl.BodySchema{Attributes: attrs("primary_port", "portmap", "zk_path")}

var partitionPolicySchema = &hcl.BodySchema{Attributes: attrs("reschedule", "delay")}

// slaSchemas are the bodies of sla_policy blocks by type.
var slaSchemas = map[string]*hcl.BodySchema{
	"count":       {Attributes: attrs("count", "duration")},
	"percentage":  {Attributes: attrs("percentage", "duration")},
	"coordinator": {Attributes: attrs("coordinator_url", "status_key")},
}

var containerSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: blockDocker}, {Type: blockMesos}}}

var dockerSchema = &hcl.BodySchema{
	Attributes: attrs("image"),
	Blocks:     []hcl.BlockHeaderSchema{{Type: blockParameter}, {Type: blockVolume}},
}

var parameterSchema = &hcl.BodySchema{Attributes: attrs("name", "value")}

var volumeSchema = &hcl.BodySchema{Attributes: attrs("container_path", "host_path", "mode")}

var mesosSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: blockImage, LabelNames: []string{"type"}}, {Type: blockVolume}},
}

// imageSchemas are the bodies of a mesos container's image block by type.
var imageSchemas = map[string]*hcl.BodySchema{
	"docker": {Attributes: attrs("name", "tag")},
	"appc":   {Attributes: attrs("name", "image_id")},
}
