package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	basev1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/base/v1"
	quotav1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/quota/v1"
)

// GRPCQuotaPlugin is the go-plugin plugin of the quota kind. On the plugin
// side Impl is served over gRPC; on the host side Dispense returns a client
// that implements QuotaPlugin.
type GRPCQuotaPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl QuotaPlugin
}

var _ plugin.GRPCPlugin = (*GRPCQuotaPlugin)(nil)

// GRPCServer registers the quota service for Impl.
func (p *GRPCQuotaPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("sdk: GRPCQuotaPlugin has no Impl to serve")
	}
	quotav1.RegisterQuotaPluginServer(s, &quotaServer{base: newBaseServer(p.Impl, KindQuota), impl: p.Impl})
	return nil
}

// GRPCClient returns a QuotaPlugin that calls the plugin over c.
func (p *GRPCQuotaPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return &quotaClient{rpc: quotav1.NewQuotaPluginClient(c)}, nil
}

type quotaServer struct {
	quotav1.UnimplementedQuotaPluginServer
	base baseServer
	impl QuotaPlugin
}

func (s *quotaServer) Info(ctx context.Context, _ *basev1.InfoRequest) (*basev1.InfoResponse, error) {
	return s.base.info(ctx)
}

func (s *quotaServer) ConfigSchema(ctx context.Context, _ *basev1.ConfigSchemaRequest) (*basev1.ConfigSchemaResponse, error) {
	return s.base.configSchema(ctx)
}

func (s *quotaServer) Configure(ctx context.Context, req *basev1.ConfigureRequest) (*basev1.ConfigureResponse, error) {
	return s.base.configure(ctx, req)
}

func (s *quotaServer) Check(ctx context.Context, req *quotav1.CheckRequest) (_ *quotav1.CheckResponse, err error) {
	defer recoverPanic("Check", &err)
	d, err := s.impl.Check(ctx, &QuotaCheckRequest{
		Role:     req.GetRole(),
		Proposed: usagesFromProto(req.GetProposed()),
		Current:  usagesFromProto(req.GetCurrent()),
	})
	if err != nil {
		return nil, toStatus(err)
	}
	if d == nil {
		return nil, toStatus(errors.New("quota plugin returned no decision"))
	}
	return &quotav1.CheckResponse{Allowed: d.Allowed, Reason: d.Reason}, nil
}

func (s *quotaServer) Get(ctx context.Context, req *quotav1.GetRequest) (_ *quotav1.GetResponse, err error) {
	defer recoverPanic("Get", &err)
	qs, err := s.impl.Get(ctx, req.GetRoles())
	if err != nil {
		return nil, toStatus(err)
	}
	if n := len(req.GetRoles()); n > 0 && len(qs) != n {
		return nil, toStatus(fmt.Errorf("quota plugin returned %d quotas for %d roles; want one per role", len(qs), n))
	}
	out := &quotav1.GetResponse{Quotas: make([]*quotav1.RoleQuota, len(qs))}
	for i, q := range qs {
		out.Quotas[i] = &quotav1.RoleQuota{Role: q.Role, Quota: resourcesToProto(q.Quota)}
	}
	return out, nil
}

type quotaClient struct {
	rpc quotav1.QuotaPluginClient
}

var _ QuotaPlugin = (*quotaClient)(nil)

func (c *quotaClient) Info(ctx context.Context) (*Info, error) {
	return callInfo(ctx, c.rpc)
}

func (c *quotaClient) ConfigSchema(ctx context.Context) (*Schema, error) {
	return callConfigSchema(ctx, c.rpc)
}

func (c *quotaClient) Configure(ctx context.Context, config json.RawMessage) error {
	return callConfigure(ctx, c.rpc, config)
}

func (c *quotaClient) Check(ctx context.Context, req *QuotaCheckRequest) (*QuotaDecision, error) {
	if req == nil {
		req = &QuotaCheckRequest{}
	}
	resp, err := c.rpc.Check(ctx, &quotav1.CheckRequest{
		Role:     req.Role,
		Proposed: usagesToProto(req.Proposed),
		Current:  usagesToProto(req.Current),
	})
	if err != nil {
		return nil, fromRPC("Check", err)
	}
	return &QuotaDecision{Allowed: resp.GetAllowed(), Reason: resp.GetReason()}, nil
}

func (c *quotaClient) Get(ctx context.Context, roles []string) ([]RoleQuota, error) {
	resp, err := c.rpc.Get(ctx, &quotav1.GetRequest{Roles: roles})
	if err != nil {
		return nil, fromRPC("Get", err)
	}
	out := make([]RoleQuota, len(resp.GetQuotas()))
	for i, q := range resp.GetQuotas() {
		out[i] = RoleQuota{Role: q.GetRole(), Quota: resourcesFromProto(q.GetQuota())}
	}
	return out, nil
}

func resourcesToProto(r Resources) *quotav1.Resources {
	return &quotav1.Resources{Cpus: r.CPUs, RamMb: r.RAMMB, DiskMb: r.DiskMB, Gpus: r.GPUs}
}

func resourcesFromProto(r *quotav1.Resources) Resources {
	return Resources{CPUs: r.GetCpus(), RAMMB: r.GetRamMb(), DiskMB: r.GetDiskMb(), GPUs: r.GetGpus()}
}

func usagesToProto(us []Usage) []*quotav1.Usage {
	out := make([]*quotav1.Usage, len(us))
	for i, u := range us {
		out[i] = &quotav1.Usage{Tier: u.Tier, Production: u.Production, Dedicated: u.Dedicated, Resources: resourcesToProto(u.Resources)}
	}
	return out
}

func usagesFromProto(us []*quotav1.Usage) []Usage {
	out := make([]Usage, len(us))
	for i, u := range us {
		out[i] = Usage{Tier: u.GetTier(), Production: u.GetProduction(), Dedicated: u.GetDedicated(), Resources: resourcesFromProto(u.GetResources())}
	}
	return out
}
