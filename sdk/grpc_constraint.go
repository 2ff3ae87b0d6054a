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
	d, err := s.cache.decode(req)
	if err != nil {
		return nil, toStatus(err)
	}
	if !d.resolved() {
		return &constraintv1.FilterResponse{MissingRefs: d.missing, MissingHostList: d.missingList, Features: serverFeatures}, nil
	}
	sreq := d.req
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
	out := filterResponseToProto(resp)
	out.Features = serverFeatures
	return out, nil
}

func (s *constraintServer) Score(ctx context.Context, req *constraintv1.FilterRequest) (_ *constraintv1.ScoreResponse, err error) {
	defer recoverPanic("Score", &err)
	if s.scorer == nil {
		return nil, toStatus(fmt.Errorf("%w: the plugin does not score hosts (no %q capability)", ErrUnimplemented, CapabilityScore))
	}
	d, err := s.cache.decode(req)
	if err != nil {
		return nil, toStatus(err)
	}
	if !d.resolved() {
		return &constraintv1.ScoreResponse{MissingRefs: d.missing, MissingHostList: d.missingList, Features: serverFeatures}, nil
	}
	sreq := d.req
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
	out := &constraintv1.ScoreResponse{Scores: make([]float64, len(resp.Scores)), Features: serverFeatures}
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
// some hosts or the candidate list (it restarted or dropped the session),
// they are resent.
func (c *constraintClient) Filter(ctx context.Context, req *FilterRequest) (*FilterResponse, error) {
	if req == nil {
		req = &FilterRequest{}
	}
	resp, err := exchange(ctx, c.session, req, "Filter", c.rpc.Filter)
	if err != nil {
		return nil, err
	}
	out, err := filterResponseFromProto(req, resp)
	if err != nil {
		return nil, fmt.Errorf("plugin Filter: %w", err)
	}
	return out, nil
}

// exchange sends req through the session's host cache until the plugin
// has everything it needs to answer: a request is resent when the plugin
// lacks the candidate list, then hosts, or a protocol feature.
func exchange[R cacheReply](ctx context.Context, s *clientSession, req *FilterRequest, method string,
	send func(context.Context, *constraintv1.FilterRequest, ...grpc.CallOption) (R, error)) (R, error) {
	const maxAttempts = 4 // a feature, the list, refs, and the answer
	for attempt := 1; ; attempt++ {
		wire, used := s.encode(req)
		resp, err := send(ctx, wire)
		if err != nil {
			var zero R
			return zero, fromRPC(method, err)
		}
		if !s.answered(used, resp) {
			return resp, nil
		}
		if attempt == maxAttempts {
			var zero R
			return zero, fmt.Errorf("plugin %s: the plugin still lacks %d hosts (candidate list missing: %t) after %d attempts",
				method, len(resp.GetMissingRefs()), resp.GetMissingHostList(), attempt)
		}
	}
}

// Score calls the optional Score; it fails with ErrUnimplemented when the
// plugin does not score.
func (c *constraintClient) Score(ctx context.Context, req *ScoreRequest) (*ScoreResponse, error) {
	if req == nil {
		req = &ScoreRequest{}
	}
	resp, err := exchange(ctx, c.session, req, "Score", c.rpc.Score)
	if err != nil {
		return nil, err
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
