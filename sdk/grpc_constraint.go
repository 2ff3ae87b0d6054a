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
// client that implements ScoringConstraintPlugin.
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
	constraintv1.RegisterConstraintPluginServer(s, newConstraintServer(p.Impl))
	return nil
}

// GRPCClient returns a ScoringConstraintPlugin that calls the plugin over
// c, with its own host cache session.
func (p *GRPCConstraintPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return &constraintClient{rpc: constraintv1.NewConstraintPluginClient(c), session: newClientSession()}, nil
}

// constraintServer adapts a ConstraintPlugin to the gRPC service.
type constraintServer struct {
	constraintv1.UnimplementedConstraintPluginServer
	base   baseServer
	impl   ConstraintPlugin
	scorer ConstraintScorer // nil unless impl implements it
	cache  *serverCache
}

func newConstraintServer(impl ConstraintPlugin) *constraintServer {
	s := &constraintServer{impl: impl, cache: newServerCache()}
	var caps []string
	if scorer, ok := impl.(ConstraintScorer); ok {
		s.scorer = scorer
		caps = append(caps, CapabilityScore)
	}
	s.base = newBaseServer(impl, KindConstraint, caps...)
	return s
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

func (s *constraintServer) Filter(ctx context.Context, req *constraintv1.FilterRequest) (_ *constraintv1.FilterResponse, err error) {
	defer recoverPanic("Filter", &err)
	sreq, missing, err := s.cache.decode(req)
	if err != nil {
		return nil, toStatus(err)
	}
	if len(missing) > 0 {
		return &constraintv1.FilterResponse{MissingRefs: missing}, nil
	}
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

func (s *constraintServer) Score(ctx context.Context, req *constraintv1.FilterRequest) (_ *constraintv1.ScoreResponse, err error) {
	defer recoverPanic("Score", &err)
	if s.scorer == nil {
		return nil, toStatus(fmt.Errorf("%w: the plugin does not score hosts (no %q capability)", ErrUnimplemented, CapabilityScore))
	}
	sreq, missing, err := s.cache.decode(req)
	if err != nil {
		return nil, toStatus(err)
	}
	if len(missing) > 0 {
		return &constraintv1.ScoreResponse{MissingRefs: missing}, nil
	}
	resp, err := s.scorer.Score(ctx, sreq)
	if err != nil {
		return nil, toStatus(err)
	}
	if resp == nil {
		resp = &ScoreResponse{}
	}
	if err := checkScoreResponse(sreq, resp); err != nil {
		return nil, toStatus(err)
	}
	out := &constraintv1.ScoreResponse{Scores: make([]float64, len(resp.Scores))}
	for i, sc := range resp.Scores {
		out.Scores[i] = sc.Score
	}
	return out, nil
}

// constraintClient is the host side: a ConstraintPlugin over gRPC.
type constraintClient struct {
	rpc     constraintv1.ConstraintPluginClient
	session *clientSession
}

var _ ScoringConstraintPlugin = (*constraintClient)(nil)

func (c *constraintClient) Info(ctx context.Context) (*Info, error) {
	return callInfo(ctx, c.rpc)
}

func (c *constraintClient) ConfigSchema(ctx context.Context) (*Schema, error) {
	return callConfigSchema(ctx, c.rpc)
}

func (c *constraintClient) Configure(ctx context.Context, config json.RawMessage) error {
	return callConfigure(ctx, c.rpc, config)
}

// Filter sends the request through the host cache. If the plugin lacks
// some hosts (it restarted or dropped the session), they are resent in full
// once.
func (c *constraintClient) Filter(ctx context.Context, req *FilterRequest) (*FilterResponse, error) {
	if req == nil {
		req = &FilterRequest{}
	}
	var resp *constraintv1.FilterResponse
	for attempt := 0; ; attempt++ {
		var err error
		resp, err = c.rpc.Filter(ctx, c.session.encode(req))
		if err != nil {
			return nil, fromRPC("Filter", err)
		}
		missing := resp.GetMissingRefs()
		if len(missing) == 0 {
			break
		}
		c.session.forget(missing)
		if attempt == 1 {
			return nil, fmt.Errorf("plugin Filter: the plugin still lacks %d hosts after they were resent", len(missing))
		}
	}
	out, err := filterResponseFromProto(req, resp)
	if err != nil {
		return nil, fmt.Errorf("plugin Filter: %w", err)
	}
	return out, nil
}

// Score calls the optional Score; it fails with ErrUnimplemented when the
// plugin does not score.
func (c *constraintClient) Score(ctx context.Context, req *ScoreRequest) (*ScoreResponse, error) {
	if req == nil {
		req = &ScoreRequest{}
	}
	var resp *constraintv1.ScoreResponse
	for attempt := 0; ; attempt++ {
		var err error
		resp, err = c.rpc.Score(ctx, c.session.encode(req))
		if err != nil {
			return nil, fromRPC("Score", err)
		}
		missing := resp.GetMissingRefs()
		if len(missing) == 0 {
			break
		}
		c.session.forget(missing)
		if attempt == 1 {
			return nil, fmt.Errorf("plugin Score: the plugin still lacks %d hosts after they were resent", len(missing))
		}
	}
	if len(resp.GetScores()) != len(req.Hosts) {
		return nil, fmt.Errorf("plugin Score: %d scores for %d hosts; want one score per host", len(resp.GetScores()), len(req.Hosts))
	}
	out := &ScoreResponse{Scores: make([]HostScore, len(req.Hosts))}
	for i, sc := range resp.GetScores() {
		out.Scores[i] = HostScore{HostID: req.Hosts[i].ID, Score: sc}
	}
	return out, nil
}
