package spec

import (
	"bytes"
	"encoding/json"
	"sort"
)

// sortedKeys returns the keys of m in order, so failures come out in a
// stable order.
func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func stringSet(list []string) map[string]bool {
	set := make(map[string]bool, len(list))
	for _, s := range list {
		set[s] = true
	}
	return set
}

// appendMissing appends each of more that list does not hold yet, in
// order; it returns list itself when nothing is missing.
func appendMissing(list, more []string) []string {
	have := stringSet(list)
	for _, s := range more {
		if !have[s] {
			list = append(list, s)
			have[s] = true
		}
	}
	return list
}

func isJSONObject(b json.RawMessage) bool {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	var m map[string]json.RawMessage
	return json.Unmarshal(b, &m) == nil
}
