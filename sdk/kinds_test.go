package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// scoringConstraint scores each host by its position.
type scoringConstraint struct{ echoVetoes }

func (*scoringConstraint) Score(_ context.Context, req *ScoreRequest) (*ScoreResponse, error) {
	resp := &ScoreResponse{Scores: make([]HostScore, len(req.Hosts))}
	for i := range req.Hosts {
		resp.Scores[i].Score = float64(i)
	}
	return resp, nil
}

func TestScoreCapabilityIsDetected(t *testing.T) {
	ctx := context.Background()
	plain := constraintClientFor(t, &fakeConstraint{info: &Info{Name: "p"}}).(ScoringConstraintPlugin)
	info, err := plain.Info(ctx)
	if err != nil || slices.Contains(info.Capabilities, CapabilityScore) {
		t.Fatalf("Info of a plugin without Score = %+v, %v; want no score capability", info, err)
	}
	if _, err := plain.Score(ctx, &ScoreRequest{Hosts: cacheHosts(1, 1)}); !errors.Is(err, ErrUnimplemented) {
		t.Fatalf("Score on a plugin without it: err = %v, want ErrUnimplemented", err)
	}

	scorer := constraintClientFor(t, &scoringConstraint{echoVetoes{fakeConstraint{info: &Info{Name: "s"}}}}).(ScoringConstraintPlugin)
	info, err = scorer.Info(ctx)
	if err != nil || !slices.Contains(info.Capabilities, CapabilityScore) {
		t.Fatalf("Info of a scorer = %+v, %v; want the score capability", info, err)
	}
	req := &ScoreRequest{Hosts: cacheHosts(3, 1)}
	resp, err := scorer.Score(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	want := []HostScore{{"agent-0", 0}, {"agent-1", 1}, {"agent-2", 2}}
	if !reflect.DeepEqual(resp.Scores, want) {
		t.Fatalf("Score = %+v, want %+v", resp.Scores, want)
	}
}

const skewSchema = `{"type":"object","properties":{"max_skew":{"type":"integer","minimum":1}},"required":["max_skew"],"additionalProperties":false}`

func TestConfigureValidatesAgainstSchema(t *testing.T) {
	fake := &fakeConstraint{schemaJSON: skewSchema}
	c := constraintClientFor(t, fake)
	ctx := context.Background()
	for _, bad := range []string{`{"max_skew":"x"}`, `{"max_skew":0}`, `{}`, ``, `{"max_skew":1,"other":2}`, `[1]`, `{`} {
		err := c.Configure(ctx, json.RawMessage(bad))
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Configure(%s): err = %v, want ErrInvalidArgument", bad, err)
		}
	}
	if fake.gotConfig != nil {
		t.Fatalf("the plugin saw an invalid config %s", fake.gotConfig)
	}
	err := c.Configure(ctx, json.RawMessage(`{"max_skew":"x"}`))
	if !strings.Contains(err.Error(), "/max_skew") {
		t.Errorf("error %q does not point at the field", err)
	}
	if err := c.Configure(ctx, json.RawMessage(`{"max_skew":2}`)); err != nil {
		t.Fatalf("Configure with a valid config: %v", err)
	}
}

func TestCompileSchemaRefusesExternalReferences(t *testing.T) {
	if _, err := CompileSchema(json.RawMessage(`{"$ref":"file:///etc/passwd"}`)); err == nil {
		t.Fatal("compiled a schema that reads a file")
	}
	if _, err := CompileSchema(json.RawMessage(`{"type":12}`)); err == nil {
		t.Fatal("compiled an invalid schema")
	}
	cs, err := CompileSchema(nil)
	if err != nil || cs.Validate(json.RawMessage(`[1,2]`)) != nil {
		t.Fatalf("an empty schema must accept anything: %v", err)
	}
}

func TestDecodeConfig(t *testing.T) {
	var cfg struct {
		A int `json:"a"`
	}
	cfg.A = 5
	if err := DecodeConfig(nil, &cfg); err != nil || cfg.A != 5 {
		t.Fatalf("empty config changed defaults: %+v %v", cfg, err)
	}
	if err := DecodeConfig(json.RawMessage(`{"b":1}`), &cfg); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("unknown field: err = %v", err)
	}
	if err := DecodeConfig(json.RawMessage(`{"a":2}`), &cfg); err != nil || cfg.A != 2 {
		t.Fatalf("DecodeConfig = %+v, %v", cfg, err)
	}
}

// panicky panics in Filter.
type panicky struct{ fakeConstraint }

func (*panicky) Filter(context.Context, *FilterRequest) (*FilterResponse, error) {
	panic("boom")
}

func TestPluginPanicBecomesInternalError(t *testing.T) {
	c := constraintClientFor(t, &panicky{})
	_, err := c.Filter(context.Background(), &FilterRequest{Hosts: cacheHosts(1, 1)})
	if status.Code(err) != codes.Internal || !strings.Contains(err.Error(), "panicked in Filter: boom") {
		t.Fatalf("err = %v, want Internal naming the panic", err)
	}
}

// memDiscovery is a map of endpoints.
type memDiscovery struct {
	fakeConstraint
	eps map[EndpointKey]Endpoint
}

func (m *memDiscovery) Announce(_ context.Context, eps []Endpoint) ([]EndpointResult, error) {
	out := make([]EndpointResult, len(eps))
	for i, e := range eps {
		m.eps[e.Key] = e
		if e.Port == 0 {
			out[i].Err = "no port"
		}
	}
	return out, nil
}

func (m *memDiscovery) Withdraw(_ context.Context, keys []EndpointKey) ([]EndpointResult, error) {
	out := make([]EndpointResult, len(keys))
	for _, k := range keys {
		delete(m.eps, k)
	}
	return out, nil
}

func (m *memDiscovery) List(context.Context, string) ([]Endpoint, error) {
	var out []Endpoint
	for _, e := range m.eps {
		out = append(out, e)
	}
	return out, nil
}

func TestDiscoveryRoundTrip(t *testing.T) {
	raw := dispense(t, plugin.PluginSet{KindDiscovery: &GRPCDiscoveryPlugin{Impl: &memDiscovery{fakeConstraint: fakeConstraint{info: &Info{Name: "mem"}}, eps: map[EndpointKey]Endpoint{}}}}, KindDiscovery)
	c := raw.(DiscoveryPlugin)
	ctx := context.Background()
	ep := Endpoint{Key: EndpointKey{"t1", "http"}, Owner: "agent-1", Role: "r", Environment: "prod", Job: "j", Instance: 3,
		Host: "h1", Port: 8080, Metadata: map[string]string{"a": "b"}}
	res, err := c.Announce(ctx, []Endpoint{ep, {Key: EndpointKey{"t1", "admin"}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []EndpointResult{{Key: ep.Key}, {Key: EndpointKey{"t1", "admin"}, Err: "no port"}}; !reflect.DeepEqual(res, want) {
		t.Fatalf("Announce = %+v, want %+v", res, want)
	}
	if _, err := c.Withdraw(ctx, []EndpointKey{{"t1", "admin"}}); err != nil {
		t.Fatal(err)
	}
	list, err := c.List(ctx, "")
	if err != nil || !reflect.DeepEqual(list, []Endpoint{ep}) {
		t.Fatalf("List = %+v, %v; want %+v", list, err, ep)
	}
	info, err := c.Info(ctx)
	if err != nil || info.Kind != KindDiscovery {
		t.Fatalf("Info = %+v, %v", info, err)
	}
}

// fixedQuota allows what fits in 10 cpus.
type fixedQuota struct{ fakeConstraint }

func (*fixedQuota) Check(_ context.Context, req *QuotaCheckRequest) (*QuotaDecision, error) {
	var total float64
	for _, u := range append(req.Proposed, req.Current...) {
		total += u.Resources.CPUs
	}
	if total > 10 {
		return &QuotaDecision{Reason: "cpus"}, nil
	}
	return &QuotaDecision{Allowed: true}, nil
}

func (*fixedQuota) Get(_ context.Context, roles []string) ([]RoleQuota, error) {
	out := make([]RoleQuota, len(roles))
	for i, r := range roles {
		out[i] = RoleQuota{Role: r, Quota: Resources{CPUs: 10, RAMMB: 1, DiskMB: 2, GPUs: 3}}
	}
	return out, nil
}

func TestQuotaRoundTrip(t *testing.T) {
	raw := dispense(t, plugin.PluginSet{KindQuota: &GRPCQuotaPlugin{Impl: &fixedQuota{}}}, KindQuota)
	c := raw.(QuotaPlugin)
	ctx := context.Background()
	d, err := c.Check(ctx, &QuotaCheckRequest{Role: "r", Proposed: []Usage{{Tier: "preferred", Production: true, Resources: Resources{CPUs: 4}}},
		Current: []Usage{{Resources: Resources{CPUs: 7}}}})
	if err != nil || d.Allowed || d.Reason != "cpus" {
		t.Fatalf("Check = %+v, %v; want denied", d, err)
	}
	qs, err := c.Get(ctx, []string{"a", "b"})
	want := []RoleQuota{{"a", Resources{10, 1, 2, 3}}, {"b", Resources{10, 1, 2, 3}}}
	if err != nil || !reflect.DeepEqual(qs, want) {
		t.Fatalf("Get = %+v, %v", qs, err)
	}
}
