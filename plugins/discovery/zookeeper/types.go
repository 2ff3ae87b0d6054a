package zookeeper

// These types have the shape of the SDK's discovery kind (sdk.EndpointKey,
// sdk.Endpoint, sdk.EndpointResult), so that serving this registry as a
// plugin is a matter of converting field by field.

// EndpointKey identifies an endpoint: calls are idempotent by it.
type EndpointKey struct {
	TaskID   string
	PortName string
}

// Endpoint is one announced port of a running task.
type Endpoint struct {
	Key EndpointKey
	// Owner is who announced the endpoint (the executor); List filters by
	// it.
	Owner       string
	Role        string
	Environment string
	Job         string
	Instance    int32
	Host        string
	Port        int32
	// Metadata: "primary" = "true" marks the member's serviceEndpoint;
	// "zk_path" asks for a custom serverset path.
	Metadata map[string]string
}

// EndpointResult is the outcome for one endpoint; Err is empty on success.
type EndpointResult struct {
	Key EndpointKey
	Err string
}

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
