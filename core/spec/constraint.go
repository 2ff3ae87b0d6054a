package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

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
