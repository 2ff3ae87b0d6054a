package sdk

import "context"

// EndpointKey identifies an endpoint: discovery calls are idempotent by it.
type EndpointKey struct {
	TaskID   string
	PortName string
}

// Endpoint is one announced port of a running task.
type Endpoint struct {
	Key EndpointKey
	// Owner is who announced the endpoint, e.g. the agent or executor ID;
	// List filters by it.
	Owner string
	// The task's job and instance.
	Role        string
	Environment string
	Job         string
	Instance    int32
	Host        string
	Port        int32
	Metadata    map[string]string
}

// EndpointResult is the outcome for one endpoint of an Announce or
// Withdraw; Err is empty on success.
type EndpointResult struct {
	Key EndpointKey
	Err string
}

// DiscoveryPlugin is the discovery kind: it publishes the endpoints of
// running tasks to a service registry (Aurora's ZooKeeper serversets, ...).
//
// Announce and Withdraw are idempotent by EndpointKey: announcing a key
// again replaces its endpoint, withdrawing an unknown key succeeds. Both
// return one result per item, in order; a failure of one item is reported
// in its result, an error means the whole call failed.
type DiscoveryPlugin interface {
	Base
	Announce(ctx context.Context, endpoints []Endpoint) ([]EndpointResult, error)
	Withdraw(ctx context.Context, keys []EndpointKey) ([]EndpointResult, error)
	// List returns the endpoints announced by owner ("" for every owner),
	// sorted by key, so a host can reconcile after a restart.
	List(ctx context.Context, owner string) ([]Endpoint, error)
}
