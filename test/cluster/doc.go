// Package cluster holds the scheduler's acceptance tests against an
// embedded Mesos cluster (core/mesoslite): a real scheduling.Scheduler and
// mesos.Driver committing through a raftlog node on disk, with faults
// injected into the cluster (dropped and duplicated status updates and
// acknowledgements, a cut subscription, agents disconnected or marked
// unreachable, master failover), and the placement benchmark through the
// same full path with simulated executors and out-of-process constraint
// plugins.
package cluster
