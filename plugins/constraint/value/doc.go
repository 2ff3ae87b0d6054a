// Package value is the built-in "value" constraint plugin: Aurora's value
// constraints on agent attributes, evaluated exactly as Aurora's
// ConstraintMatcher does.
//
// A value constraint ("v1,v2", or "!v1,v2" when Negated) matches a host
// when any constraint value is among the host's values of the attribute,
// XOR Negated. A host without the attribute has no values, so it fails a
// plain constraint and passes a negated one. A mismatch is a static veto
// "Constraint not satisfied: <attr>" with Aurora's constraint score 10^4;
// the first failed constraint, in order, ends a host's evaluation.
//
// Limit constraints ("limit:N") are the limit plugin's, and the constraint
// on the "dedicated" attribute is the dedicated plugin's (which matches it
// as a value constraint too, and keeps other tasks off dedicated hosts).
//
// The plugin imports only the SDK and takes no configuration.
package value
