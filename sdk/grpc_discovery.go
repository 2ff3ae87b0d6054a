package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	basev1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/base/v1"
	discoveryv1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/discovery/v1"
)

// GRPCDiscoveryPlugin is the go-plugin plugin of the discovery kind. On the
// plugin side Impl is served over gRPC; on the host side Dispense returns a
// client that implements DiscoveryPlugin.
type GRPCDiscoveryPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl DiscoveryPlugin
}

var _ plugin.GRPCPlugin = (*GRPCDiscoveryPlugin)(nil)

// GRPCServer registers the discovery service for Impl.
func (p *GRPCDiscoveryPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("sdk: GRPCDiscoveryPlugin has no Impl to serve")
	}
	discoveryv1.RegisterDiscoveryPluginServer(s, &discoveryServer{base: newBaseServer(p.Impl, KindDiscovery), impl: p.Impl})
	return nil
}

// GRPCClient returns a DiscoveryPlugin that calls the plugin over c.
func (p *GRPCDiscoveryPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return &discoveryClient{rpc: discoveryv1.NewDiscoveryPluginClient(c)}, nil
}

type discoveryServer struct {
	discoveryv1.UnimplementedDiscoveryPluginServer
	base baseServer
	impl DiscoveryPlugin
}

func (s *discoveryServer) Info(ctx context.Context, _ *basev1.InfoRequest) (*basev1.InfoResponse, error) {
	return s.base.info(ctx)
}

func (s *discoveryServer) ConfigSchema(ctx context.Context, _ *basev1.ConfigSchemaRequest) (*basev1.ConfigSchemaResponse, error) {
	return s.base.configSchema(ctx)
}

func (s *discoveryServer) Configure(ctx context.Context, req *basev1.ConfigureRequest) (*basev1.ConfigureResponse, error) {
	return s.base.configure(ctx, req)
}

func (s *discoveryServer) Announce(ctx context.Context, req *discoveryv1.AnnounceRequest) (_ *discoveryv1.DiscoveryResponse, err error) {
	defer recoverPanic("Announce", &err)
	eps := make([]Endpoint, len(req.GetEndpoints()))
	keys := make([]EndpointKey, len(eps))
	for i, e := range req.GetEndpoints() {
		eps[i] = endpointFromProto(e)
		keys[i] = eps[i].Key
	}
	res, err := s.impl.Announce(ctx, eps)
	if err != nil {
		return nil, toStatus(err)
	}
	return discoveryResultsToProto(keys, res)
}

func (s *discoveryServer) Withdraw(ctx context.Context, req *discoveryv1.WithdrawRequest) (_ *discoveryv1.DiscoveryResponse, err error) {
	defer recoverPanic("Withdraw", &err)
	keys := make([]EndpointKey, len(req.GetKeys()))
	for i, k := range req.GetKeys() {
		keys[i] = endpointKeyFromProto(k)
	}
	res, err := s.impl.Withdraw(ctx, keys)
	if err != nil {
		return nil, toStatus(err)
	}
	return discoveryResultsToProto(keys, res)
}

func (s *discoveryServer) List(ctx context.Context, req *discoveryv1.ListRequest) (_ *discoveryv1.ListResponse, err error) {
	defer recoverPanic("List", &err)
	eps, err := s.impl.List(ctx, req.GetOwner())
	if err != nil {
		return nil, toStatus(err)
	}
	out := &discoveryv1.ListResponse{Endpoints: make([]*discoveryv1.Endpoint, len(eps))}
	for i := range eps {
		out.Endpoints[i] = endpointToProto(&eps[i])
	}
	return out, nil
}

// discoveryResultsToProto checks the one-result-per-item contract, filling
// in keys a plugin left empty.
func discoveryResultsToProto(keys []EndpointKey, res []EndpointResult) (*discoveryv1.DiscoveryResponse, error) {
	if len(res) != len(keys) {
		return nil, toStatus(fmt.Errorf("discovery plugin returned %d results for %d endpoints; want one per endpoint", len(res), len(keys)))
	}
	out := &discoveryv1.DiscoveryResponse{Results: make([]*discoveryv1.Result, len(res))}
	for i, r := range res {
		if r.Key == (EndpointKey{}) {
			r.Key = keys[i]
		}
		if r.Key != keys[i] {
			return nil, toStatus(fmt.Errorf("discovery result %d is for %v, want %v (results must follow request order)", i, r.Key, keys[i]))
		}
		out.Results[i] = &discoveryv1.Result{Key: endpointKeyToProto(r.Key), Error: r.Err}
	}
	return out, nil
}

type discoveryClient struct {
	rpc discoveryv1.DiscoveryPluginClient
}

var _ DiscoveryPlugin = (*discoveryClient)(nil)

func (c *discoveryClient) Info(ctx context.Context) (*Info, error) {
	return callInfo(ctx, c.rpc)
}

func (c *discoveryClient) ConfigSchema(ctx context.Context) (*Schema, error) {
	return callConfigSchema(ctx, c.rpc)
}

func (c *discoveryClient) Configure(ctx context.Context, config json.RawMessage) error {
	return callConfigure(ctx, c.rpc, config)
}

func (c *discoveryClient) Announce(ctx context.Context, endpoints []Endpoint) ([]EndpointResult, error) {
	req := &discoveryv1.AnnounceRequest{Endpoints: make([]*discoveryv1.Endpoint, len(endpoints))}
	for i := range endpoints {
		req.Endpoints[i] = endpointToProto(&endpoints[i])
	}
	resp, err := c.rpc.Announce(ctx, req)
	if err != nil {
		return nil, fromRPC("Announce", err)
	}
	return discoveryResultsFromProto("Announce", len(endpoints), resp)
}

func (c *discoveryClient) Withdraw(ctx context.Context, keys []EndpointKey) ([]EndpointResult, error) {
	req := &discoveryv1.WithdrawRequest{Keys: make([]*discoveryv1.EndpointKey, len(keys))}
	for i, k := range keys {
		req.Keys[i] = endpointKeyToProto(k)
	}
	resp, err := c.rpc.Withdraw(ctx, req)
	if err != nil {
		return nil, fromRPC("Withdraw", err)
	}
	return discoveryResultsFromProto("Withdraw", len(keys), resp)
}

func (c *discoveryClient) List(ctx context.Context, owner string) ([]Endpoint, error) {
	resp, err := c.rpc.List(ctx, &discoveryv1.ListRequest{Owner: owner})
	if err != nil {
		return nil, fromRPC("List", err)
	}
	out := make([]Endpoint, len(resp.GetEndpoints()))
	for i, e := range resp.GetEndpoints() {
		out[i] = endpointFromProto(e)
	}
	return out, nil
}

func discoveryResultsFromProto(method string, n int, resp *discoveryv1.DiscoveryResponse) ([]EndpointResult, error) {
	if len(resp.GetResults()) != n {
		return nil, fmt.Errorf("plugin %s: %d results for %d items; want one per item", method, len(resp.GetResults()), n)
	}
	out := make([]EndpointResult, n)
	for i, r := range resp.GetResults() {
		out[i] = EndpointResult{Key: endpointKeyFromProto(r.GetKey()), Err: r.GetError()}
	}
	return out, nil
}

func endpointKeyToProto(k EndpointKey) *discoveryv1.EndpointKey {
	return &discoveryv1.EndpointKey{TaskId: k.TaskID, PortName: k.PortName}
}

func endpointKeyFromProto(k *discoveryv1.EndpointKey) EndpointKey {
	return EndpointKey{TaskID: k.GetTaskId(), PortName: k.GetPortName()}
}

func endpointToProto(e *Endpoint) *discoveryv1.Endpoint {
	return &discoveryv1.Endpoint{
		Key:         endpointKeyToProto(e.Key),
		Owner:       e.Owner,
		Role:        e.Role,
		Environment: e.Environment,
		Job:         e.Job,
		Instance:    e.Instance,
		Host:        e.Host,
		Port:        e.Port,
		Metadata:    e.Metadata,
	}
}

func endpointFromProto(e *discoveryv1.Endpoint) Endpoint {
	return Endpoint{
		Key:         endpointKeyFromProto(e.GetKey()),
		Owner:       e.GetOwner(),
		Role:        e.GetRole(),
		Environment: e.GetEnvironment(),
		Job:         e.GetJob(),
		Instance:    e.GetInstance(),
		Host:        e.GetHost(),
		Port:        e.GetPort(),
		Metadata:    e.GetMetadata(),
	}
}
