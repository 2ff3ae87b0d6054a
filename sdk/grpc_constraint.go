package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	basev1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/base/v1"
	constraintv1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/constraint/v1"
)

// GRPCConstraintPlugin is the go-plugin plugin of the constraint kind. On the
// plugin side Impl is served over gRPC; on the host side Dispense returns a
// client that implements ConstraintPlugin.
type GRPCConstraintPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl ConstraintPlugin
}

var _ plugin.GRPCPlugin = (*GRPCConstraintPlugin)(nil)

// GRPCServer registers the constraint service for Impl.
func (p *GRPCConstraintPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("sdk: GRPCConstraintPlugin has no Impl to serve")
	}
	constraintv1.RegisterConstraintPluginServer(s, &constraintServer{
		base: baseServer{impl: p.Impl, kind: KindConstraint},
		impl: p.Impl,
	})
	return nil
}

// GRPCClient returns a ConstraintPlugin that calls the plugin over c.
func (p *GRPCConstraintPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return &constraintClient{rpc: constraintv1.NewConstraintPluginClient(c)}, nil
}

// constraintServer adapts a ConstraintPlugin to the gRPC service.
type constraintServer struct {
	constraintv1.UnimplementedConstraintPluginServer
	base baseServer
	impl ConstraintPlugin
}

func (s *constraintServer) Info(ctx context.Context, _ *basev1.InfoRequest) (*basev1.InfoResponse, error) {
	return s.base.info(ctx)
}

func (s *constraintServer) ConfigSchema(ctx context.Context, _ *basev1.ConfigSchemaRequest) (*basev1.ConfigSchemaResponse, error) {
	return s.base.configSchema(ctx)
}

func (s *constraintServer) Configure(ctx context.Context, req *basev1.ConfigureRequest) (*basev1.ConfigureResponse, error) {
	return s.base.configure(ctx, req)
}

func (s *constraintServer) Filter(ctx context.Context, req *constraintv1.FilterRequest) (*constraintv1.FilterResponse, error) {
	sreq := filterRequestFromProto(req)
	resp, err := s.impl.Filter(ctx, sreq)
	if err != nil {
		return nil, toStatus(err)
	}
	if resp == nil {
		resp = &FilterResponse{}
	}
	fillHostIDs(sreq, resp)
	if err := checkFilterResponse(sreq, resp); err != nil {
		return nil, toStatus(err)
	}
	return filterResponseToProto(resp), nil
}

// constraintClient is the host side: a ConstraintPlugin over gRPC.
type constraintClient struct {
	rpc constraintv1.ConstraintPluginClient
}

var _ ConstraintPlugin = (*constraintClient)(nil)

func (c *constraintClient) Info(ctx context.Context) (*Info, error) {
	return callInfo(ctx, c.rpc)
}

func (c *constraintClient) ConfigSchema(ctx context.Context) (*Schema, error) {
	return callConfigSchema(ctx, c.rpc)
}

func (c *constraintClient) Configure(ctx context.Context, config json.RawMessage) error {
	return callConfigure(ctx, c.rpc, config)
}

func (c *constraintClient) Filter(ctx context.Context, req *FilterRequest) (*FilterResponse, error) {
	if req == nil {
		req = &FilterRequest{}
	}
	resp, err := c.rpc.Filter(ctx, filterRequestToProto(req))
	if err != nil {
		return nil, fromRPC("Filter", err)
	}
	out, err := filterResponseFromProto(resp)
	if err != nil {
		return nil, fmt.Errorf("plugin Filter: %w", err)
	}
	if err := checkFilterResponse(req, out); err != nil {
		return nil, fmt.Errorf("plugin Filter: %w", err)
	}
	return out, nil
}
