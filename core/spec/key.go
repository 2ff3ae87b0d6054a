package spec

import (
	"fmt"
	"regexp"
	"strings"
)

// JobKey names a job within a cluster: role/environment/name.
type JobKey struct {
	Role        string `json:"role"`
	Environment string `json:"environment"`
	Name        string `json:"name"`
}

// String renders the key as role/environment/name.
func (k JobKey) String() string {
	return k.Role + "/" + k.Environment + "/" + k.Name
}

// goodIdentifier is Aurora's rule for role, environment and job names.
var goodIdentifier = regexp.MustCompile(`^[\w\-\.]+$`)

// goodEnvironment is Aurora's rule for environments: prod, devel, test,
// staging, or staging followed by digits.
var goodEnvironment = regexp.MustCompile(`^(prod|devel|test|staging\d*)$`)

// Validate checks the three parts of the key, naming fields as in a job spec.
func (k JobKey) Validate() FieldErrors {
	var errs FieldErrors
	check := func(field, value string) {
		switch {
		case value == "":
			errs.Add(field, "must not be empty")
		case !goodIdentifier.MatchString(value):
			errs.Add(field, fmt.Sprintf("%q may contain only letters, digits, '_', '-' and '.'", value))
		case len(value) > MaxIdentifierLength:
			errs.Add(field, fmt.Sprintf("is %d characters long, more than the limit of %d", len(value), MaxIdentifierLength))
		}
	}
	check("role", k.Role)
	check("environment", k.Environment)
	check("name", k.Name)
	if k.Environment != "" && goodIdentifier.MatchString(k.Environment) && !goodEnvironment.MatchString(k.Environment) {
		errs.Add("environment", fmt.Sprintf("%q is not an Aurora environment: use prod, devel, test or staging<N>", k.Environment))
	}
	return errs
}

// ClusterKey is a job key qualified by its cluster, written
// cluster/role/environment/name on the command line.
type ClusterKey struct {
	Cluster string `json:"cluster"`
	JobKey
}

// String renders the key as cluster/role/environment/name.
func (k ClusterKey) String() string { return k.Cluster + "/" + k.JobKey.String() }

// ParseClusterKey parses cluster/role/environment/name.
func ParseClusterKey(s string) (ClusterKey, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 4 {
		return ClusterKey{}, fmt.Errorf("job key %q must have the form CLUSTER/ROLE/ENV/NAME", s)
	}
	for _, p := range parts {
		if p == "" {
			return ClusterKey{}, fmt.Errorf("job key %q has an empty part; use CLUSTER/ROLE/ENV/NAME", s)
		}
	}
	k := ClusterKey{Cluster: parts[0], JobKey: JobKey{Role: parts[1], Environment: parts[2], Name: parts[3]}}
	if errs := k.JobKey.Validate(); len(errs) > 0 {
		return ClusterKey{}, fmt.Errorf("job key %q: %w", s, errs)
	}
	return k, nil
}
