// Package server wires a scheduler replica together: the replicated log,
// the state store, the plugin host, the Mesos framework driver, the
// scheduling loop and the HTTP API. Dev runs all of it in one process with
// the embedded Mesos cluster, for `aurora dev`.
//
// # Plugins
//
// The plugin catalog lives in the replicated log (state.PutPlugin and
// friends). A replica that becomes leader seeds the built-in plugins
// (constraint/dedicated, value, limit and quota/static) as enabled entries
// when they are missing, then runs every enabled constraint and quota entry
// (pluginRunner): built-ins as this binary (`aurora plugin serve`),
// registered plugins from the content-addressed store under
// <data_dir>/plugins, their sha256 verified at every start and with no
// inherited environment. The constraint plugins, each behind its failure
// policy, are combined and swapped into the scheduler's Constraints
// (swapConstraints) whenever the catalog changes, so enable, disable, pin,
// reload and deregister take effect at the next placement round without
// restarting the scheduler. A plugin that cannot start fails closed
// (every host vetoed, naming it) or open, per its entry, and is retried.
//
// Registration uploads the binary to the leader, which hashes it into its
// store (POST /v1/plugins/blobs/{sha256}), then verifies it against the
// entry (POST /v1/plugins). Every other replica copies the binaries of the
// catalog's entries from the leader in the background, verifying their
// sha256 (syncBlobs), so a replica that takes over already has them. A
// replica that was down during a registration and becomes leader before
// copying the binary cannot run that plugin (its failure policy applies)
// until it gets the binary; re-uploading it with `aurora plugin register`
// of a new version, or the same bytes to /v1/plugins/blobs, fixes it.
//
// The runner is also the scheduler's Admission: placement blocks are
// validated against the ConfigSchema of the enabled constraint plugin of
// the block's name, and job create and add instances ask the enabled quota
// plugins. The quotas of `aurora admin set_quota` are in the log; the
// leader configures the built-in quota/static plugin with them (on top of
// its entry's config) before each check, so the quotas enforced are always
// the log's. Other quota plugins keep their own configuration. A job's
// executor must be built in or an enabled catalog executor
// (ValidateExecutor); at launch the scheduler resolves it, and the enabled
// catalog discovery plugin, for the executor, with this replica's blob URL
// (executors.go). Executor and discovery plugins run on the agents, not on
// the leader.
//
// # Raft peers
//
// Replicas list their raft peers statically (raft.peers) or find each
// other in ZooKeeper (raft.discovery = "zookeeper", raft.bootstrap_expect):
// every replica registers there, a new cluster bootstraps once enough have
// registered, and the leader adds later registrations as voters, never
// removing any. raftpeers.go describes the znodes and the rules.
package server
