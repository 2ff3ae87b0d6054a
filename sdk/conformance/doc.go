// Package conformance holds the conformance checks of every plugin kind:
// what a plugin must do for an Aurora host to accept it. The checks need no
// *testing.T, so the same suite runs in an author's tests (through
// sdk/plugintest, one line per kind) and in the plugin host, which runs it
// against an unregistered binary for `aurora plugin verify ./binary`.
//
// A suite is a list of Checks built from a Factory, which returns a fresh,
// unconfigured plugin of the kind (an in-process gRPC client, a client of a
// plugin process, ...) and a function that releases it. Run executes the
// checks, each under its own deadline, and returns a Report.
package conformance
