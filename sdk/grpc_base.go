package sdk

import (
	"context"
	"encoding/json"
	"errors"

	"google.golang.org/grpc"

	basev1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/base/v1"
)

// baseServer implements the base RPCs that every kind's service declares.
type baseServer struct {
	impl Base
	kind string
}

func (s baseServer) info(ctx context.Context) (*basev1.InfoResponse, error) {
	info, err := s.impl.Info(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	if info == nil {
		return nil, toStatus(errors.New("plugin returned no Info"))
	}
	resp := &basev1.InfoResponse{
		Name:         info.Name,
		Kind:         info.Kind,
		Version:      info.Version,
		ApiVersion:   info.APIVersion,
		Capabilities: info.Capabilities,
	}
	if resp.Kind == "" {
		resp.Kind = s.kind
	}
	if resp.ApiVersion == 0 {
		resp.ApiVersion = APIVersion
	}
	return resp, nil
}

func (s baseServer) configSchema(ctx context.Context) (*basev1.ConfigSchemaResponse, error) {
	schema, err := s.impl.ConfigSchema(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	if schema == nil {
		return &basev1.ConfigSchemaResponse{}, nil
	}
	return &basev1.ConfigSchemaResponse{Json: schema.JSON}, nil
}

func (s baseServer) configure(ctx context.Context, req *basev1.ConfigureRequest) (*basev1.ConfigureResponse, error) {
	if err := s.impl.Configure(ctx, json.RawMessage(req.GetConfig())); err != nil {
		return nil, toStatus(err)
	}
	return &basev1.ConfigureResponse{}, nil
}

// baseRPC is the client side of the base RPCs, shared by the kinds' gRPC
// clients.
type baseRPC interface {
	Info(ctx context.Context, in *basev1.InfoRequest, opts ...grpc.CallOption) (*basev1.InfoResponse, error)
	ConfigSchema(ctx context.Context, in *basev1.ConfigSchemaRequest, opts ...grpc.CallOption) (*basev1.ConfigSchemaResponse, error)
	Configure(ctx context.Context, in *basev1.ConfigureRequest, opts ...grpc.CallOption) (*basev1.ConfigureResponse, error)
}

func callInfo(ctx context.Context, c baseRPC) (*Info, error) {
	resp, err := c.Info(ctx, &basev1.InfoRequest{})
	if err != nil {
		return nil, fromRPC("Info", err)
	}
	return &Info{
		Name:         resp.GetName(),
		Kind:         resp.GetKind(),
		Version:      resp.GetVersion(),
		APIVersion:   resp.GetApiVersion(),
		Capabilities: resp.GetCapabilities(),
	}, nil
}

func callConfigSchema(ctx context.Context, c baseRPC) (*Schema, error) {
	resp, err := c.ConfigSchema(ctx, &basev1.ConfigSchemaRequest{})
	if err != nil {
		return nil, fromRPC("ConfigSchema", err)
	}
	return &Schema{JSON: json.RawMessage(resp.GetJson())}, nil
}

func callConfigure(ctx context.Context, c baseRPC, config json.RawMessage) error {
	_, err := c.Configure(ctx, &basev1.ConfigureRequest{Config: config})
	return fromRPC("Configure", err)
}
