package mesoslite

import (
	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// resVec is the master's accounting form of a resource list: one entry per
// kind of resource (like entries merged, as mesos.Resources.Add merges
// them), in the order the kinds first appeared. Its arithmetic is that of
// mesos.Resources (fixed-point scalars with three decimals, ranges sorted
// and squashed, entries that become empty or negative dropped) without its
// reflective proto.Clone of every resource it touches: the master adds and
// subtracts tasks, executors and offers for every launch and allocation.
//
// Entries are values and their ranges and sets are never modified in
// place, so copying the slice (clone) is a deep copy. Convert to
// mesos.Resource only at the edges (offers out, tasks in).
type resVec []resEntry

// resEntry is one kind of resource and its amount.
type resEntry struct {
	name string
	typ  mesos.Value_Type
	// ident is empty for the plain resources the master deals in
	// (unreserved role "*", no allocation info, disk, revocable, shared or
	// provider). For any other it is the resource without its value,
	// encoded, so that only identical kinds add up.
	ident  string
	scalar float64             // SCALAR, as mesos keeps it
	ranges []mesos.Value_Range // RANGES, sorted and squashed
	set    []string            // SET
}

// plainResource reports whether r is an unreserved resource with nothing
// but a name, a type and a value.
func plainResource(r *mesos.Resource) bool {
	return (r.Role == nil || *r.Role == defaultRole) && r.AllocationInfo == nil && r.Reservation == nil &&
		len(r.Reservations) == 0 && r.Disk == nil && r.Revocable == nil && r.Shared == nil && r.ProviderID == nil
}

// resourceIdent is the ident of a non-plain resource (see resEntry).
func resourceIdent(r *mesos.Resource) string {
	c := *r
	c.Scalar, c.Ranges, c.Set = nil, nil, nil
	role := c.GetRole()
	c.Role = &role
	b, err := c.Marshal()
	if err != nil {
		return "\x00invalid:" + c.String()
	}
	return string(b)
}

// usable is the test mesos.Resources.Add and Subtract apply to each
// resource they are given: valid and not empty.
func usable(r *mesos.Resource) bool {
	return !r.IsEmpty() && r.Validate() == nil
}

func (v resVec) find(name string, typ mesos.Value_Type, ident string) int {
	for i := range v {
		if v[i].name == name && v[i].typ == typ && v[i].ident == ident {
			return i
		}
	}
	return -1
}

func entryOf(r *mesos.Resource) resEntry {
	e := resEntry{name: r.Name, typ: r.GetType()}
	if !plainResource(r) {
		e.ident = resourceIdent(r)
	}
	switch e.typ {
	case mesos.SCALAR:
		e.scalar = r.GetScalar().GetValue()
	case mesos.RANGES:
		rs := r.GetRanges().GetRange()
		if len(rs) > 0 {
			c := make(mesos.Ranges, len(rs))
			copy(c, rs)
			e.ranges = c.Sort().Squash()
		}
	case mesos.SET:
		e.set = append([]string(nil), r.GetSet().GetItem()...)
	}
	return e
}

// vecOf is the sum of rs (mesos.Resources{}.Add(rs...)).
func vecOf(rs []mesos.Resource) resVec {
	var v resVec
	v.add(rs)
	return v
}

// clone returns a copy that shares nothing mutable with v.
func (v resVec) clone() resVec {
	if v == nil {
		return nil
	}
	return append(make(resVec, 0, len(v)), v...)
}

// add adds rs, as mesos.Resources.Add.
func (v *resVec) add(rs []mesos.Resource) {
	for i := range rs {
		r := &rs[i]
		if !usable(r) {
			continue
		}
		v.addEntry(entryOf(r))
	}
}

// addVec adds o.
func (v *resVec) addVec(o resVec) {
	for i := range o {
		v.addEntry(o[i])
	}
}

func (v *resVec) addEntry(e resEntry) {
	i := v.find(e.name, e.typ, e.ident)
	if i < 0 {
		*v = append(*v, e)
		return
	}
	x := &(*v)[i]
	switch e.typ {
	case mesos.SCALAR:
		x.scalar = fixedToFloat(floatToFixed(x.scalar) + floatToFixed(e.scalar))
	case mesos.RANGES:
		c := make(mesos.Ranges, 0, len(x.ranges)+len(e.ranges))
		c = append(append(c, x.ranges...), e.ranges...)
		x.ranges = c.Sort().Squash()
	case mesos.SET:
		set := append([]string(nil), x.set...)
		for _, s := range e.set {
			if !containsString(set, s) {
				set = append(set, s)
			}
		}
		x.set = set
	}
}

// subVec subtracts o, as mesos.Resources.Subtract: what o has that v has not
// is ignored, and entries left empty (or negative) are dropped.
func (v *resVec) subVec(o resVec) {
	for i := range o {
		v.subEntry(&o[i])
	}
}

// sub subtracts rs, as mesos.Resources.Subtract.
func (v *resVec) sub(rs []mesos.Resource) {
	for i := range rs {
		r := &rs[i]
		if !usable(r) {
			continue
		}
		if plainResource(r) && r.GetType() == mesos.SCALAR {
			// The common case, without building an entry.
			j := v.find(r.Name, mesos.SCALAR, "")
			if j >= 0 {
				v.subScalarAt(j, r.GetScalar().GetValue())
			}
			continue
		}
		e := entryOf(r)
		v.subEntry(&e)
	}
}

func (v *resVec) subScalarAt(j int, value float64) {
	x := &(*v)[j]
	x.scalar = fixedToFloat(floatToFixed(x.scalar) - floatToFixed(value))
	if x.scalar <= 0 {
		v.removeAt(j)
	}
}

func (v *resVec) subEntry(e *resEntry) {
	j := v.find(e.name, e.typ, e.ident)
	if j < 0 {
		return
	}
	x := &(*v)[j]
	switch e.typ {
	case mesos.SCALAR:
		v.subScalarAt(j, e.scalar)
		return
	case mesos.RANGES:
		rs := mesos.Ranges(x.ranges)
		for _, r := range e.ranges {
			rs = rs.Remove(r)
		}
		x.ranges = rs
		if len(rs) == 0 {
			v.removeAt(j)
		}
	case mesos.SET:
		var set []string
		for _, s := range x.set {
			if !containsString(e.set, s) {
				set = append(set, s)
			}
		}
		x.set = set
		if len(set) == 0 {
			v.removeAt(j)
		}
	}
}

func (v *resVec) removeAt(j int) {
	s := *v
	copy(s[j:], s[j+1:])
	s[len(s)-1] = resEntry{}
	*v = s[:len(s)-1]
}

// contains reports whether v ⊇ want, as containsAll does for a merged want
// (every entry of want is within v's entry of the same kind).
func (v resVec) contains(want resVec) bool {
	for i := range want {
		w := &want[i]
		j := v.find(w.name, w.typ, w.ident)
		if j < 0 {
			return false
		}
		x := &v[j]
		switch w.typ {
		case mesos.SCALAR:
			if floatToFixed(w.scalar) > floatToFixed(x.scalar) {
				return false
			}
		case mesos.RANGES:
			if mesos.Ranges(w.ranges).Compare(x.ranges) > 0 {
				return false
			}
		case mesos.SET:
			for _, s := range w.set {
				if !containsString(x.set, s) {
					return false
				}
			}
		}
	}
	return true
}

// scalar is the amount of the scalar resource name (all kinds, as scalarOf).
func (v resVec) scalar(name string) float64 {
	var sum float64
	for i := range v {
		if v[i].name == name && v[i].typ == mesos.SCALAR {
			sum += v[i].scalar
		}
	}
	return sum
}

// allocatable applies the minimum allocatable resources rule.
func (v resVec) allocatable() bool {
	return v.scalar("cpus") >= minAllocatableCPUs || v.scalar("mem") >= minAllocatableMem
}

// resources converts v to mesos resources, each with allocation_info for
// role when role is not empty.
func (v resVec) resources(role string) mesos.Resources {
	if len(v) == 0 {
		return nil
	}
	out := make(mesos.Resources, len(v))
	for i := range v {
		e := &v[i]
		r := &out[i]
		if e.ident != "" {
			if err := r.Unmarshal([]byte(e.ident)); err != nil {
				*r = mesos.Resource{}
			}
		}
		r.Name = e.name
		t := e.typ
		r.Type = &t
		if r.Role == nil {
			role := defaultRole
			r.Role = &role
		}
		switch e.typ {
		case mesos.SCALAR:
			r.Scalar = &mesos.Value_Scalar{Value: e.scalar}
		case mesos.RANGES:
			r.Ranges = &mesos.Value_Ranges{Range: append([]mesos.Value_Range(nil), e.ranges...)}
		case mesos.SET:
			r.Set = &mesos.Value_Set{Item: append([]string(nil), e.set...)}
		}
		if role != "" {
			ar := role
			r.AllocationInfo = &mesos.Resource_AllocationInfo{Role: &ar}
		}
	}
	return out
}

// String formats v as mesos.Resources.String does.
func (v resVec) String() string { return v.resources("").String() }

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// floatToFixed and fixedToFloat are mesos' fixed-point scalar conversions
// (three decimals), as mesos-go's Value_Scalar arithmetic does them.
func floatToFixed(f float64) int64 {
	f *= 1000
	if f > -0.5 && f < 0.5 {
		return 0
	}
	if f < 0 {
		return int64(f - 0.5)
	}
	return int64(f + 0.5)
}

func fixedToFloat(f int64) float64 {
	return float64(f/1000) + float64(f%1000)/1000.0
}
