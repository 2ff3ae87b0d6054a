package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	basev1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/base/v1"
)

// baseServer implements the base RPCs that every kind's service declares.
type baseServer struct {
	impl Base
	kind string
	// caps are the capabilities detected on impl; Info adds them.
	caps    []string
	schemas *schemaCache
}

func newBaseServer(impl Base, kind string, caps ...string) baseServer {
	return baseServer{impl: impl, kind: kind, caps: caps, schemas: &schemaCache{}}
}

// recoverPanic turns a panic in plugin code into an Internal error naming
// the method, so a buggy plugin fails the call instead of the process. The
// stack goes to stderr, which the host logs.
func recoverPanic(method string, err *error) {
	if r := recover(); r != nil {
		fmt.Fprintf(os.Stderr, "plugin panicked in %s: %v\n%s", method, r, debug.Stack())
		*err = status.Errorf(codes.Internal, "plugin panicked in %s: %v", method, r)
	}
}

func (s baseServer) info(ctx context.Context) (_ *basev1.InfoResponse, err error) {
	defer recoverPanic("Info", &err)
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
		Capabilities: slices.Clone(info.Capabilities),
	}
	for _, c := range s.caps {
		if !slices.Contains(resp.Capabilities, c) {
			resp.Capabilities = append(resp.Capabilities, c)
		}
	}
	if resp.Kind == "" {
		resp.Kind = s.kind
	}
	if resp.ApiVersion == 0 {
		resp.ApiVersion = APIVersion
	}
	return resp, nil
}

func (s baseServer) configSchema(ctx context.Context) (_ *basev1.ConfigSchemaResponse, err error) {
	defer recoverPanic("ConfigSchema", &err)
	schema, err := s.impl.ConfigSchema(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	if schema == nil {
		return &basev1.ConfigSchemaResponse{}, nil
	}
	return &basev1.ConfigSchemaResponse{Json: schema.JSON}, nil
}

// configure validates the configuration against the plugin's ConfigSchema
// before the plugin sees it.
func (s baseServer) configure(ctx context.Context, req *basev1.ConfigureRequest) (_ *basev1.ConfigureResponse, err error) {
	defer recoverPanic("Configure", &err)
	config := json.RawMessage(req.GetConfig())
	schema, err := s.impl.ConfigSchema(ctx)
	if err != nil {
		return nil, toStatus(fmt.Errorf("config schema: %w", err))
	}
	var doc []byte
	if schema != nil {
		doc = schema.JSON
	}
	compiled, err := s.schemas.get(doc)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "the plugin's %v", err)
	}
	if err := compiled.Validate(config); err != nil {
		return nil, toStatus(err)
	}
	if err := s.impl.Configure(ctx, config); err != nil {
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
