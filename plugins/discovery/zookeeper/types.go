package zookeeper

import "github.com/aurora-go/aurora/sdk"

// The registry speaks the SDK's discovery kind directly.
type (
	// EndpointKey identifies an endpoint: calls are idempotent by it.
	EndpointKey = sdk.EndpointKey
	// Endpoint is one announced port of a running task. Metadata
	// "primary" = "true" marks the member's serviceEndpoint; "zk_path"
	// asks for a custom serverset path.
	Endpoint = sdk.Endpoint
	// EndpointResult is the outcome for one endpoint; Err is empty on
	// success.
	EndpointResult = sdk.EndpointResult
)

// Metadata keys this registry reads.
const (
	MetaPrimary = "primary"
	MetaZKPath  = "zk_path"
)
