// Package server wires a scheduler replica together: the replicated log,
// the state store, the plugin host, the Mesos framework driver, the
// scheduling loop and the HTTP API. Dev runs all of it in one process with
// the embedded Mesos cluster, for `aurora dev`.
package server
