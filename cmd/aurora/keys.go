package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aurora-go/aurora/core/spec"
)

// parseInstanceKey reads CLUSTER/ROLE/ENV/NAME[/INSTANCES], where
// INSTANCES is a list of numbers and ranges such as 0-2,5. instances is
// nil when none are given.
func parseInstanceKey(s string) (spec.ClusterKey, []int, error) {
	parts := strings.Split(s, "/")
	var instances []int
	if len(parts) == 5 {
		var err error
		if instances, err = parseInstances(parts[4]); err != nil {
			return spec.ClusterKey{}, nil, fmt.Errorf("job key %q: %w", s, err)
		}
		parts = parts[:4]
	}
	key, err := spec.ParseClusterKey(strings.Join(parts, "/"))
	if err != nil {
		return spec.ClusterKey{}, nil, err
	}
	return key, instances, nil
}

// parseInstances reads "0-2,5" as [0 1 2 5].
func parseInstances(s string) ([]int, error) {
	seen := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 0 {
			return nil, fmt.Errorf("instance %q is not a number or range such as 0-2,5", part)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("instance range %q must be LOW-HIGH with LOW <= HIGH", part)
			}
		}
		for i := a; i <= b; i++ {
			seen[i] = true
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	return out, nil
}
