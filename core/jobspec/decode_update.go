package jobspec

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/aurora-go/aurora/core/spec"
)

// cron decodes a cron block.
func (d *decoder) cron(block *hcl.Block) *spec.Cron {
	c := spec.NewCron()
	b, _ := d.open(block, cronSchema, "cron")
	d.require(b, block.DefRange, blockCron, "schedule")
	d.string(b, "schedule", &c.Schedule)
	d.string(b, "collision_policy", &c.CollisionPolicy)
	return c
}

// update decodes an update block and its strategy.
func (d *decoder) update(block *hcl.Block) *spec.UpdateConfig {
	u := spec.NewUpdateConfig()
	b, blocks := d.open(block, updateSchema, "update")
	d.int(b, "batch_size", &u.BatchSize)
	d.duration(b, "watch", &u.Watch)
	d.int(b, "max_per_shard_failures", &u.MaxPerShardFailures)
	d.int(b, "max_total_failures", &u.MaxTotalFailures)
	d.bool(b, "rollback_on_failure", &u.RollbackOnFailure)
	d.bool(b, "wait_for_batch_completion", &u.WaitForBatchCompletion)
	d.duration(b, "pulse_interval", &u.PulseInterval)
	d.bool(b, "sla_aware", &u.SLAAware)
	if s := d.optional(blocks, blockStrategy, blockUpdate); s != nil {
		schema, ok := d.typed(s, strategySchemas)
		if ok {
			u.Strategy = spec.NewUpdateStrategy(s.Labels[0])
			sb, _ := d.open(s, schema, "update.strategy")
			d.int(sb, "batch_size", &u.Strategy.BatchSize)
			d.intList(sb, "batch_sizes", &u.Strategy.BatchSizes)
			d.bool(sb, "autopause_after_batch", &u.Strategy.AutopauseAfterBatch)
		}
	}
	return u
}

// partitionPolicy decodes a partition_policy block.
func (d *decoder) partitionPolicy(block *hcl.Block) *spec.PartitionPolicy {
	p := spec.NewPartitionPolicy()
	b, _ := d.open(block, partitionPolicySchema, "partition_policy")
	d.bool(b, "reschedule", &p.Reschedule)
	d.duration(b, "delay", &p.Delay)
	return p
}

// slaPolicy decodes an sla_policy block; its label is the policy's type.
func (d *decoder) slaPolicy(block *hcl.Block) *spec.SLAPolicy {
	schema, ok := d.typed(block, slaSchemas)
	if !ok {
		return nil
	}
	p := spec.NewSLAPolicy(block.Labels[0])
	b, _ := d.open(block, schema, "sla_policy")
	switch p.Type {
	case spec.SLACount:
		d.require(b, block.DefRange, blockSLAPolicy+` "count"`, "count", "duration")
	case spec.SLAPercentage:
		d.require(b, block.DefRange, blockSLAPolicy+` "percentage"`, "percentage", "duration")
	case spec.SLACoordinator:
		d.require(b, block.DefRange, blockSLAPolicy+` "coordinator"`, "coordinator_url")
	}
	d.int(b, "count", &p.Count)
	d.float(b, "percentage", &p.Percentage)
	d.duration(b, "duration", &p.Duration)
	d.string(b, "coordinator_url", &p.CoordinatorURL)
	d.string(b, "status_key", &p.StatusKey)
	return p
}
