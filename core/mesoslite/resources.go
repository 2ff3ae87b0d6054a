package mesoslite

import (
	"sort"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

const defaultRole = "*"

// Minimum allocatable resources (Mesos --min_allocatable_resources default
// "cpus:0.01|mem:32"): an agent is offered only if it has either free.
const (
	minAllocatableCPUs = 0.01
	minAllocatableMem  = 32.0
)

func scalarResource(name string, v float64) mesos.Resource {
	t := mesos.SCALAR
	role := defaultRole
	return mesos.Resource{Name: name, Type: &t, Scalar: &mesos.Value_Scalar{Value: v}, Role: &role}
}

func rangesResource(name string, ranges [][2]uint64) mesos.Resource {
	t := mesos.RANGES
	role := defaultRole
	rs := make(mesos.Ranges, 0, len(ranges))
	for _, r := range ranges {
		rs = append(rs, mesos.Value_Range{Begin: r[0], End: r[1]})
	}
	return mesos.Resource{Name: name, Type: &t, Ranges: &mesos.Value_Ranges{Range: rs.Sort().Squash()}, Role: &role}
}

// agentResources is the agent's total: cpus, mem and disk (MB) as scalars and
// ports as ranges, all unreserved.
func agentResources(ac AgentConfig) mesos.Resources {
	var rs mesos.Resources
	for _, r := range []mesos.Resource{
		scalarResource("cpus", ac.CPUs),
		scalarResource("mem", ac.MemMB),
		scalarResource("disk", ac.DiskMB),
		rangesResource("ports", ac.Ports),
	} {
		// What Add1 does with kinds that are all different, without its
		// proto.Clone: valid non-empty ones are kept.
		if usable(&r) {
			rs = append(rs, r)
		}
	}
	return rs
}

// agentAttributes turns text attributes into Mesos TEXT attributes, sorted.
func agentAttributes(attrs map[string]string) []mesos.Attribute {
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]mesos.Attribute, 0, len(names))
	for _, k := range names {
		out = append(out, mesos.Attribute{Name: k, Type: mesos.TEXT, Text: &mesos.Value_Text{Value: attrs[k]}})
	}
	return out
}

// sumResources merges resource lists the Mesos way (like entries add up).
func sumResources(lists ...[]mesos.Resource) mesos.Resources {
	var total mesos.Resources
	for _, l := range lists {
		total.Add(l...)
	}
	return total
}

func scalarOf(rs []mesos.Resource, name string) float64 {
	var v float64
	for i := range rs {
		if rs[i].Name == name && rs[i].GetType() == mesos.SCALAR {
			v += rs[i].GetScalar().GetValue()
		}
	}
	return v
}
