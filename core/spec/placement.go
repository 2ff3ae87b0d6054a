package spec

import (
	"encoding/json"
	"fmt"
)

// Placement is a block that a site constraint plugin owns: the plugin's
// name and its arguments as a JSON object, which the plugin's config schema
// validates (spec only checks that it is an object).
type Placement struct {
	Name   string          `json:"name"`
	Config json.RawMessage `json:"config"`
}

// placementPath names a placement block in field paths.
func placementPath(name string) string { return "placement[" + name + "]" }

func validatePlacements(ps []Placement) FieldErrors {
	var errs FieldErrors
	seen := map[string]bool{}
	for _, p := range ps {
		path := placementPath(p.Name)
		switch {
		case !goodIdentifier.MatchString(p.Name):
			errs.Add(path, fmt.Sprintf("plugin name %q may contain only letters, digits, '_', '-' and '.'", p.Name))
		case seen[p.Name]:
			errs.Add(path, fmt.Sprintf("placement %q is given twice: write each plugin's arguments in one block", p.Name))
		}
		seen[p.Name] = true
		if !isJSONObject(p.Config) {
			errs.Add(path, "a placement's arguments must be a JSON object")
		}
	}
	return errs
}
