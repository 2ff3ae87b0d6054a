// Package builtin is the registry of the plugins built into the aurora
// binary. `aurora plugin serve KIND/NAME` calls Serve, so one binary ships
// every built-in plugin while each still runs out of process, started by a
// plugin host like any external plugin.
package builtin
