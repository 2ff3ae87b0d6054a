package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aurora-go/aurora/core/spec"
)

// FieldChange is one field that differs between two job configurations.
// Running or Local is nil when the field exists on one side only.
type FieldChange struct {
	Path    string      `json:"path"`
	Running interface{} `json:"running"`
	Local   interface{} `json:"local"`
}

// InstanceDiff says what applying the local configuration would do to
// some instances.
type InstanceDiff struct {
	Instances []int         `json:"instances"`
	Action    string        `json:"action"` // unchanged, change, add, remove
	Changes   []FieldChange `json:"changes,omitempty"`
}

// Diff actions.
const (
	diffUnchanged = "unchanged"
	diffChange    = "change"
	diffAdd       = "add"
	diffRemove    = "remove"
)

// ignoredPaths are job fields that describe the job rather than an
// instance's task: the instance count shows as added or removed
// instances instead.
var ignoredPaths = map[string]bool{"instances": true}

// diffConfigs lists the fields that differ between two configurations,
// sorted by path.
func diffConfigs(running, local *spec.Job) ([]FieldChange, error) {
	a, err := flatten(running)
	if err != nil {
		return nil, err
	}
	b, err := flatten(local)
	if err != nil {
		return nil, err
	}
	paths := map[string]bool{}
	for p := range a {
		paths[p] = true
	}
	for p := range b {
		paths[p] = true
	}
	var out []FieldChange
	for p := range paths {
		if ignoredPaths[p] {
			continue
		}
		va, oka := a[p]
		vb, okb := b[p]
		if oka && okb && jsonEqual(va, vb) {
			continue
		}
		out = append(out, FieldChange{Path: p, Running: va, Local: vb})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func jsonEqual(a, b interface{}) bool {
	ra, _ := json.Marshal(a)
	rb, _ := json.Marshal(b)
	return string(ra) == string(rb)
}

// flatten turns a job's JSON into leaf values by path, such as
// task.resources.cpu or task.processes[main].cmdline: list elements that
// have a name are addressed by it, others by index.
func flatten(j *spec.Job) (map[string]interface{}, error) {
	raw, err := json.Marshal(j)
	if err != nil {
		return nil, err
	}
	var v interface{}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	flattenInto(out, "", v)
	return out, nil
}

func flattenInto(out map[string]interface{}, prefix string, v interface{}) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch x := v.(type) {
	case map[string]interface{}:
		if len(x) == 0 {
			out[prefix] = x
			return
		}
		for k, e := range x {
			flattenInto(out, join(k), e)
		}
	case []interface{}:
		if len(x) == 0 {
			out[prefix] = x
			return
		}
		for i, e := range x {
			label := strconv.Itoa(i)
			if m, ok := e.(map[string]interface{}); ok {
				if name, ok := m["name"].(string); ok && name != "" {
					label = name
				}
			}
			flattenInto(out, prefix+"["+label+"]", e)
		}
	default:
		out[prefix] = x
	}
}

// diffJob compares the local configuration with the configurations the
// active instances run (instance → configuration), instance by instance,
// and groups instances that would change in the same way.
func diffJob(local *spec.Job, running map[int]*spec.Job) ([]InstanceDiff, error) {
	type group struct {
		d   InstanceDiff
		key string
	}
	var groups []*group
	byKey := map[string]*group{}
	add := func(i int, action string, changes []FieldChange) {
		raw, _ := json.Marshal(changes)
		key := action + string(raw)
		g, ok := byKey[key]
		if !ok {
			g = &group{d: InstanceDiff{Action: action, Changes: changes}, key: key}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.d.Instances = append(g.d.Instances, i)
	}
	last := local.Instances - 1
	for i := range running {
		if i > last {
			last = i
		}
	}
	for i := 0; i <= last; i++ {
		cfg, isRunning := running[i]
		switch {
		case i < local.Instances && !isRunning:
			add(i, diffAdd, nil)
		case i >= local.Instances && isRunning:
			add(i, diffRemove, nil)
		case isRunning:
			changes, err := diffConfigs(cfg, local)
			if err != nil {
				return nil, err
			}
			if len(changes) == 0 {
				add(i, diffUnchanged, nil)
			} else {
				add(i, diffChange, changes)
			}
		}
	}
	out := make([]InstanceDiff, 0, len(groups))
	for _, g := range groups {
		out = append(out, g.d)
	}
	return out, nil
}

// renderDiff prints instance diffs for people.
func renderDiff(diffs []InstanceDiff) string {
	var b strings.Builder
	for _, d := range diffs {
		what := "Instance " + formatInstances(d.Instances)
		if len(d.Instances) > 1 {
			what = "Instances " + formatInstances(d.Instances)
		}
		switch d.Action {
		case diffUnchanged:
			fmt.Fprintf(&b, "%s: unchanged\n", what)
		case diffAdd:
			fmt.Fprintf(&b, "%s: would be added (in the local config, not running)\n", what)
		case diffRemove:
			fmt.Fprintf(&b, "%s: would be removed (running, beyond the local instance count)\n", what)
		case diffChange:
			fmt.Fprintf(&b, "%s: would change\n", what)
			for _, c := range d.Changes {
				fmt.Fprintf(&b, "  %s: %s -> %s\n", c.Path, renderValue(c.Running), renderValue(c.Local))
			}
		}
	}
	return b.String()
}

func renderValue(v interface{}) string {
	if v == nil {
		return "(none)"
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}
