package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// fakeConstraint records what it receives and answers with canned values.
type fakeConstraint struct {
	mu         sync.Mutex
	gotReq     *FilterRequest
	gotConfig  json.RawMessage
	resp       *FilterResponse
	err        error
	info       *Info
	schemaJSON string
}

func (f *fakeConstraint) Info(context.Context) (*Info, error) {
	return f.info, nil
}

func (f *fakeConstraint) ConfigSchema(context.Context) (*Schema, error) {
	return &Schema{JSON: json.RawMessage(f.schemaJSON)}, nil
}

func (f *fakeConstraint) Configure(_ context.Context, config json.RawMessage) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gotConfig = config
	return f.err
}

func (f *fakeConstraint) Filter(_ context.Context, req *FilterRequest) (*FilterResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gotReq = req
	return f.resp, f.err
}

func constraintClientFor(t *testing.T, impl ConstraintPlugin) ConstraintPlugin {
	t.Helper()
	raw := dispense(t, plugin.PluginSet{KindConstraint: &GRPCConstraintPlugin{Impl: impl}}, KindConstraint)
	c, ok := raw.(ConstraintPlugin)
	if !ok {
		t.Fatalf("dispensed %T, want a ConstraintPlugin", raw)
	}
	return c
}

func TestConstraintFilterRoundTrip(t *testing.T) {
	req := &FilterRequest{
		Group: TaskGroup{
			Role: "www-data", Environment: "prod", Job: "hello",
			Constraints: []Constraint{
				{Name: "host", Limit: 1},
				{Name: "zone", Values: []string{"a", "b"}},
				{Name: "os", Values: []string{"windows"}, Negated: true},
			},
		},
		ActiveTasks: map[string]map[string]int32{"host": {"h1": 1}},
		Hosts: []Host{
			{ID: "agent-1", Hostname: "h1", Attributes: map[string][]string{"host": {"h1"}, "zone": {"a"}}, Generation: 7},
			{ID: "agent-2", Hostname: "h2", Attributes: map[string][]string{"host": {"h2"}}, Generation: 1},
		},
	}
	fake := &fakeConstraint{resp: &FilterResponse{Results: []HostResult{
		{HostID: "agent-1", Vetoes: []Veto{{Type: VetoDynamic, Reason: "Limit not satisfied: host", Score: 10000}}},
		{HostID: "agent-2", Vetoes: []Veto{{Type: VetoStatic, Reason: "Constraint not satisfied: zone", Score: 10000}}},
	}}}
	c := constraintClientFor(t, fake)

	got, err := c.Filter(context.Background(), req)
	if err != nil {
		t.Fatalf("Filter: %v", err)
	}
	if !reflect.DeepEqual(fake.gotReq, req) {
		t.Fatalf("plugin received %+v\nwant %+v", fake.gotReq, req)
	}
	if !reflect.DeepEqual(got, fake.resp) {
		t.Fatalf("Filter returned %+v\nwant %+v", got, fake.resp)
	}
}

func TestConstraintBaseRoundTrip(t *testing.T) {
	fake := &fakeConstraint{
		info:       &Info{Name: "limit", Version: "1.2.3", Capabilities: []string{"score"}},
		schemaJSON: `{"type":"object"}`,
	}
	c := constraintClientFor(t, fake)
	ctx := context.Background()

	info, err := c.Info(ctx)
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	want := &Info{Name: "limit", Kind: KindConstraint, Version: "1.2.3", APIVersion: APIVersion, Capabilities: []string{"score"}}
	if !reflect.DeepEqual(info, want) {
		t.Fatalf("Info = %+v, want %+v (kind and API version filled in by the SDK)", info, want)
	}
	schema, err := c.ConfigSchema(ctx)
	if err != nil {
		t.Fatalf("ConfigSchema: %v", err)
	}
	if string(schema.JSON) != fake.schemaJSON {
		t.Fatalf("ConfigSchema = %s, want %s", schema.JSON, fake.schemaJSON)
	}
	if err := c.Configure(ctx, json.RawMessage(`{"a":1}`)); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	if string(fake.gotConfig) != `{"a":1}` {
		t.Fatalf("plugin got config %s", fake.gotConfig)
	}
}

func TestConstraintErrorsCarryStatus(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		code     codes.Code
		sentinel error
	}{
		{"plain", errors.New("zookeeper is down"), codes.Unknown, nil},
		{"invalid", fmt.Errorf("%w: max_skew must be positive", ErrInvalidArgument), codes.InvalidArgument, ErrInvalidArgument},
		{"deadline", fmt.Errorf("lookup: %w", context.DeadlineExceeded), codes.DeadlineExceeded, context.DeadlineExceeded},
		{"unavailable is not passed on", status.Error(codes.Unavailable, "backend gone"), codes.Unknown, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := constraintClientFor(t, &fakeConstraint{err: tt.err})
			_, err := c.Filter(context.Background(), &FilterRequest{})
			if err == nil {
				t.Fatal("Filter succeeded, want an error")
			}
			if got := status.Code(err); got != tt.code {
				t.Fatalf("status code = %v, want %v (err %v)", got, tt.code, err)
			}
			st, _ := status.FromError(err)
			if want := tt.err.Error(); !strings.Contains(st.Message(), want) && !strings.Contains(want, st.Message()) {
				t.Fatalf("status message = %q, want the plugin's message %q", st.Message(), want)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Fatalf("errors.Is(%v, %v) = false", err, tt.sentinel)
			}
			if errors.Is(err, ErrPluginUnavailable) {
				t.Fatalf("a plugin error must not look like a dead plugin: %v", err)
			}
		})
	}
}

func TestConstraintResponseContract(t *testing.T) {
	hosts := []Host{{ID: "a"}, {ID: "b"}}
	tests := []struct {
		name    string
		resp    *FilterResponse
		wantErr string
	}{
		{"too few results", &FilterResponse{Results: []HostResult{{HostID: "a"}}}, "1 results for 2 hosts"},
		{"wrong order", &FilterResponse{Results: []HostResult{{HostID: "b"}, {HostID: "a"}}}, `result 0 is for host "b"`},
		{"untyped veto", &FilterResponse{Results: []HostResult{{HostID: "a", Vetoes: []Veto{{Reason: "x"}}}, {HostID: "b"}}}, "want VetoStatic or VetoDynamic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := constraintClientFor(t, &fakeConstraint{resp: tt.resp})
			_, err := c.Filter(context.Background(), &FilterRequest{Hosts: hosts})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Filter error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}

	t.Run("empty host ids are filled in request order", func(t *testing.T) {
		c := constraintClientFor(t, &fakeConstraint{resp: &FilterResponse{Results: []HostResult{{}, {}}}})
		resp, err := c.Filter(context.Background(), &FilterRequest{Hosts: hosts})
		if err != nil {
			t.Fatalf("Filter: %v", err)
		}
		if resp.Results[0].HostID != "a" || resp.Results[1].HostID != "b" {
			t.Fatalf("results = %+v, want host ids a, b", resp.Results)
		}
	})
}

func TestDispenseUnservedKindFailsWithUnimplemented(t *testing.T) {
	// The plugin serves only the constraint kind; the host dispenses the
	// executor kind from its full plugin set, and calls fail clearly.
	conn := rawConn(t, plugin.PluginSet{KindConstraint: &GRPCConstraintPlugin{Impl: &fakeConstraint{info: &Info{Name: "x"}}}})
	raw, err := (&GRPCExecutorPlugin{}).GRPCClient(context.Background(), nil, conn)
	if err != nil {
		t.Fatalf("GRPCClient: %v", err)
	}
	_, err = raw.(ExecutorPlugin).Info(context.Background())
	if !errors.Is(err, ErrUnimplemented) {
		t.Fatalf("Info on an unserved kind: err = %v, want ErrUnimplemented", err)
	}
}

func TestFilterRequestAboveGRPCDefaultLimit(t *testing.T) {
	// About 13 MB of hosts: over gRPC's 4 MiB default, under MaxMessageSize.
	hosts := make([]Host, 0, 30000)
	pad := strings.Repeat("x", 200)
	for i := 0; len(hosts) < cap(hosts); i++ {
		hosts = append(hosts, Host{ID: fmt.Sprintf("agent-%d", i), Hostname: pad, Attributes: map[string][]string{"host": {pad}}})
	}
	results := make([]HostResult, len(hosts))
	for i, h := range hosts {
		results[i] = HostResult{HostID: h.ID, Vetoes: []Veto{{Type: VetoStatic, Reason: pad}}}
	}
	conn := rawConn(t, plugin.PluginSet{KindConstraint: &GRPCConstraintPlugin{Impl: &fakeConstraint{resp: &FilterResponse{Results: results}}}})
	raw, err := (&GRPCConstraintPlugin{}).GRPCClient(context.Background(), nil, conn)
	if err != nil {
		t.Fatalf("GRPCClient: %v", err)
	}
	resp, err := raw.(ConstraintPlugin).Filter(context.Background(), &FilterRequest{Hosts: hosts})
	if err != nil {
		t.Fatalf("Filter with %d hosts: %v", len(hosts), err)
	}
	if len(resp.Results) != len(hosts) {
		t.Fatalf("got %d results, want %d", len(resp.Results), len(hosts))
	}
}
