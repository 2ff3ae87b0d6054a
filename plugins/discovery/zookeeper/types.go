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

// ServiceInstance is a serverset member's data, in the JSON that Finagle's
// and Aurora's serverset readers expect.
type ServiceInstance struct {
	ServiceEndpoint     HostPort            `json:"serviceEndpoint"`
	AdditionalEndpoints map[string]HostPort `json:"additionalEndpoints"`
	Status              string              `json:"status"`
	Shard               *int32              `json:"shard,omitempty"`
}

// HostPort is one endpoint of a member.
type HostPort struct {
	Host string `json:"host"`
	Port int32  `json:"port"`
}

// StatusAlive is the only status Aurora writes.
const StatusAlive = "ALIVE"
