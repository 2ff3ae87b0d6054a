package mesoslite

import (
	"math/rand"
	"testing"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// containsAll is the reference for resVec.contains: have ⊇ want with
// mesos-go's arithmetic, counting multiplicity (each wanted resource is taken
// out of what is left, as Mesos' Resources::contains does).
func containsAll(have, want []mesos.Resource) bool {
	remaining := mesos.Resources(have).Clone()
	for i := range want {
		w := want[i]
		if w.Validate() != nil {
			return false
		}
		if w.IsEmpty() {
			continue
		}
		found := false
		for j := range remaining {
			if remaining[j].Contains(w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
		remaining.Subtract1(w)
	}
	return true
}

func TestContainsAllCountsMultiplicity(t *testing.T) {
	have := agentResources(AgentConfig{CPUs: 1, MemMB: 100, DiskMB: 1, Ports: [][2]uint64{{1, 10}}})
	cases := []struct {
		want []mesos.Resource
		ok   bool
		desc string
	}{
		{[]mesos.Resource{scalarResource("cpus", 0.5), scalarResource("cpus", 0.5)}, true, "0.5+0.5 cpus within 1"},
		{[]mesos.Resource{scalarResource("cpus", 0.5), scalarResource("cpus", 0.6)}, false, "0.5+0.6 cpus within 1"},
		{[]mesos.Resource{rangesResource("ports", [][2]uint64{{9, 11}})}, false, "ports 9-11 within 1-10"},
		{[]mesos.Resource{scalarResource("gpus", 1)}, false, "gpus within an agent without gpus"},
	}
	for _, tc := range cases {
		if got := containsAll(have, tc.want); got != tc.ok {
			t.Errorf("containsAll: %s: %v", tc.desc, got)
		}
		if got := vecOf(have).contains(vecOf(tc.want)); got != tc.ok {
			t.Errorf("resVec.contains: %s: %v", tc.desc, got)
		}
	}
}

// randomResources draws a resource list of a few kinds, like entries
// repeated, some empty or reserved, values with more than three decimals.
func randomResources(rnd *rand.Rand) mesos.Resources {
	var out mesos.Resources
	for n := rnd.Intn(5); n > 0; n-- {
		var r mesos.Resource
		switch rnd.Intn(6) {
		case 0, 1:
			r = scalarResource([]string{"cpus", "mem", "disk"}[rnd.Intn(3)], float64(rnd.Intn(4000))/1000+float64(rnd.Intn(3))*0.0004)
		case 2:
			r = scalarResource("cpus", 0)
		case 3:
			b := uint64(rnd.Intn(30))
			r = rangesResource("ports", [][2]uint64{{b, b + uint64(rnd.Intn(5))}, {b + 10, b + 10 + uint64(rnd.Intn(5))}})
		case 4:
			r = scalarResource("mem", float64(rnd.Intn(100)))
			role := "web"
			r.Role = &role // statically reserved: a kind of its own
		case 5:
			t := mesos.SET
			items := []string{"a", "b", "c"}[:1+rnd.Intn(3)]
			r = mesos.Resource{Name: "zones", Type: &t, Set: &mesos.Value_Set{Item: append([]string(nil), items...)}}
		}
		if rnd.Intn(4) == 0 {
			r.Role = nil // unreserved either way
		}
		out = append(out, r)
	}
	return out
}

// TestResVecMatchesMesosResources checks the accounting form against
// mesos-go's Resources: sums, differences, containment and the resources
// offered.
func TestResVecMatchesMesosResources(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		a, b, c := randomResources(rnd), randomResources(rnd), randomResources(rnd)
		var ma mesos.Resources
		ma.Add(a...)
		ma.Add(b...)
		va := vecOf(a)
		va.add(b)
		if !equivalentResources(va.resources(""), ma) {
			t.Fatalf("%v + %v: %v, mesos-go %v", a, b, va, ma)
		}
		mc := sumResources(c)
		vc := vecOf(c)
		if got, want := va.contains(vc), containsAll(ma, mc); got != want {
			t.Fatalf("%v contains %v: %v, mesos-go %v", ma, mc, got, want)
		}
		diff := ma.Minus(mc...)
		vd := va.clone()
		vd.subVec(vc)
		if !equivalentResources(vd.resources(""), diff) {
			t.Fatalf("%v - %v: %v, mesos-go %v", ma, mc, vd, diff)
		}
		vd2 := va.clone()
		vd2.sub(c)
		if !equivalentResources(vd2.resources(""), diff) {
			t.Fatalf("%v - %v (from mesos form): %v, mesos-go %v", ma, c, vd2, diff)
		}
		if !equivalentResources(va.resources(""), ma) {
			t.Fatalf("subtracting from a clone changed the original: %v, want %v", va, ma)
		}
		if va.scalar("cpus") != scalarOf(ma, "cpus") || va.scalar("mem") != scalarOf(ma, "mem") {
			t.Fatalf("%v: scalars %v/%v, want %v/%v", ma, va.scalar("cpus"), va.scalar("mem"), scalarOf(ma, "cpus"), scalarOf(ma, "mem"))
		}
	}
}

// equivalentResources compares resource lists entry by entry, in order,
// ignoring the order of set items and an absent role against "*".
func equivalentResources(got, want mesos.Resources) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.GetType() == mesos.RANGES {
			// mesos-go keeps a first-added range list as given; the
			// accounting form keeps it sorted and squashed.
			w.Ranges = &mesos.Value_Ranges{Range: append(mesos.Ranges(nil), w.GetRanges().GetRange()...).Sort().Squash()}
		}
		if !g.Equivalent(w) {
			return false
		}
	}
	return true
}

func TestResVecOffersAllocationInfo(t *testing.T) {
	v := vecOf(agentResources(AgentConfig{CPUs: 2, MemMB: 100, Ports: [][2]uint64{{5, 9}}}))
	for _, r := range v.resources("web") {
		if r.GetAllocationInfo().GetRole() != "web" || r.GetRole() != "*" {
			t.Fatalf("offered to role web: %v", r)
		}
	}
	for _, r := range v.resources("") {
		if r.AllocationInfo != nil || r.Role == nil || *r.Role != "*" {
			t.Fatalf("offered without role: %v", r)
		}
	}
}

// launchOffer, launchTask and launchExecutor make up one launch of the
// benchmarks below: the task's and its new executor's resources are summed,
// checked against what is left of the offer and taken out of it.
var launchOffer = agentResources(AgentConfig{CPUs: 4, MemMB: 8192, DiskMB: 65536, Ports: [][2]uint64{{31000, 32000}}})

var launchTask = []mesos.Resource{scalarResource("cpus", 0.25), scalarResource("mem", 128), scalarResource("disk", 128)}

var launchExecutor = []mesos.Resource{scalarResource("cpus", 0.01), scalarResource("mem", 32)}

// BenchmarkLaunchResourcesMesos is the accounting of one launch as the
// master did it with mesos-go's Resources.
func BenchmarkLaunchResourcesMesos(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var remaining mesos.Resources
		remaining.Add(launchOffer...)
		need := sumResources(launchTask)
		need.Add(launchExecutor...)
		if !containsAll(remaining, need) {
			b.Fatal("not contained")
		}
		remaining.Subtract(need...)
		_ = sumResources(launchTask) // the task's record
	}
}

// BenchmarkLaunchResourcesVec is the same with resVec.
func BenchmarkLaunchResourcesVec(b *testing.B) {
	offer := vecOf(launchOffer)
	for i := 0; i < b.N; i++ {
		var remaining resVec
		remaining.addVec(offer)
		taskRes := vecOf(launchTask)
		need := taskRes.clone()
		need.add(launchExecutor)
		if !remaining.contains(need) {
			b.Fatal("not contained")
		}
		remaining.subVec(need)
	}
}
