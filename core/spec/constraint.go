package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// DedicatedAttribute is the agent attribute of Aurora's dedicated hosts.
const DedicatedAttribute = "dedicated"

// Constraint is one of Aurora's scheduling constraints on an agent
// attribute: a limit ("limit:N": at most N of the job's tasks per value of
// the attribute) or a value list ("a,b", negated with a leading "!").
type Constraint struct {
	Name    string   `json:"name"`
	Values  []string `json:"values,omitempty"`
	Negated bool     `json:"negated,omitempty"`
	Limit   int      `json:"limit,omitempty"`
}

// ParseConstraint reads Aurora's string form of a constraint on attribute
// name.
func ParseConstraint(name, value string) (Constraint, error) {
	c := Constraint{Name: name}
	if strings.TrimSpace(value) == "" {
		return c, fmt.Errorf("must not be empty: use values such as \"a,b\", a negation such as \"!a\", or \"limit:N\"")
	}
	if rest, ok := strings.CutPrefix(value, "limit:"); ok {
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 {
			return c, fmt.Errorf("%q: a limit must be limit:N with N a positive integer", value)
		}
		c.Limit = n
		return c, nil
	}
	if rest, ok := strings.CutPrefix(value, "!"); ok {
		c.Negated = true
		value = rest
	}
	for _, v := range strings.Split(value, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			return c, fmt.Errorf("%q: constraint values must not be empty", value)
		}
		c.Values = append(c.Values, v)
	}
	return c, nil
}

// ParsedConstraints returns the job's constraints, sorted by attribute.
func (j *Job) ParsedConstraints() ([]Constraint, error) {
	names := make([]string, 0, len(j.Constraints))
	for n := range j.Constraints {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Constraint, 0, len(names))
	for _, n := range names {
		c, err := ParseConstraint(n, j.Constraints[n])
		if err != nil {
			return nil, fmt.Errorf("constraint %s: %w", n, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// validateConstraints checks every constraint's form and Aurora's
// dedicated rule: a single value "ROLE/NAME" whose role is the job's own or
// "*".
func (j *Job) validateConstraints() FieldErrors {
	var errs FieldErrors
	for _, name := range sortedKeys(j.Constraints) {
		value := j.Constraints[name]
		if name == "" {
			errs.Add("constraints", "constraint attribute names must not be empty")
			continue
		}
		c, err := ParseConstraint(name, value)
		if err != nil {
			errs.Add("constraints."+name, err.Error())
			continue
		}
		if name != DedicatedAttribute {
			continue
		}
		if c.Limit > 0 || c.Negated || len(c.Values) != 1 {
			errs.Add("constraints."+name, fmt.Sprintf("%q: a dedicated constraint is one value, \"ROLE/NAME\" or \"*/NAME\"", value))
			continue
		}
		role, rest, ok := strings.Cut(c.Values[0], "/")
		switch {
		case !ok || role == "" || rest == "":
			errs.Add("constraints."+name, fmt.Sprintf("%q: a dedicated constraint has the form \"ROLE/NAME\" or \"*/NAME\"", value))
		case role != "*" && role != j.Key.Role:
			errs.Add("constraints."+name, fmt.Sprintf("%q is dedicated to role %q, not this job's role %q: use \"%s/%s\" or \"*/%s\"",
				value, role, j.Key.Role, j.Key.Role, rest, rest))
		}
	}
	return errs
}
