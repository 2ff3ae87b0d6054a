package sdk

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	constraintv1 "github.com/aurora-go/aurora/sdk/proto/aurora/plugin/constraint/v1"
)

func cacheHosts(n int, gen uint64) []Host {
	hosts := make([]Host, n)
	for i := range hosts {
		hosts[i] = Host{ID: fmt.Sprintf("agent-%d", i), Hostname: fmt.Sprintf("h%d", i),
			Attributes: map[string][]string{"host": {fmt.Sprintf("h%d", i)}, "rack": {fmt.Sprintf("r%d", i%3)}}, Generation: gen}
	}
	return hosts
}

// encodeOnly is s.encode without the features it relied on.
func encodeOnly(s *clientSession, req *FilterRequest) *constraintv1.FilterRequest {
	out, _ := s.encode(req)
	return out
}

func TestClientSessionSendsHostsOnlyWhenNewOrChanged(t *testing.T) {
	s := newClientSession()
	req := &FilterRequest{Hosts: cacheHosts(3, 1)}
	if got := len(encodeOnly(s, req).Hosts); got != 3 {
		t.Fatalf("first request sends %d hosts in full, want 3", got)
	}
	second := encodeOnly(s, req)
	if len(second.Hosts) != 0 {
		t.Fatalf("second request sends %d hosts in full, want 0 (all cached)", len(second.Hosts))
	}
	if !reflect.DeepEqual(second.HostRefs, []uint32{0, 1, 2}) || !reflect.DeepEqual(second.HostGenerations, []uint64{1, 1, 1}) {
		t.Fatalf("refs %v generations %v", second.HostRefs, second.HostGenerations)
	}
	req.Hosts[1].Generation = 2
	req.Hosts = append(req.Hosts, Host{ID: "new", Generation: 1})
	third := encodeOnly(s, req)
	var ids []string
	for _, h := range third.Hosts {
		ids = append(ids, h.Id)
	}
	if !reflect.DeepEqual(ids, []string{"agent-1", "new"}) {
		t.Fatalf("third request sends %v in full, want the changed and the new host", ids)
	}
	s.forget([]uint32{0})
	if got := encodeOnly(s, req).Hosts; len(got) != 1 || got[0].Id != "agent-0" {
		t.Fatalf("after forget(0) the request sends %v, want agent-0", got)
	}
}

func TestContentGenerationTracksAttributes(t *testing.T) {
	a := Host{ID: "a", Hostname: "h", Attributes: map[string][]string{"rack": {"r1"}, "zone": {"z"}}}
	b := Host{ID: "a", Hostname: "h", Attributes: map[string][]string{"zone": {"z"}, "rack": {"r1"}}}
	if contentGeneration(&a) != contentGeneration(&b) {
		t.Fatal("the content generation depends on map order")
	}
	b.Attributes["rack"] = []string{"r2"}
	if contentGeneration(&a) == contentGeneration(&b) {
		t.Fatal("the content generation ignores an attribute change")
	}
	if contentGeneration(&Host{}) == 0 {
		t.Fatal("content generation 0 means 'not tracked'")
	}
}

// countingConn records what each Filter call carried. With old set it
// plays a plugin built with an SDK from before protocol features: the
// fields it does not know are dropped from requests and replies.
type countingConn struct {
	grpc.ClientConnInterface
	full    []int  // hosts sent in full
	refs    []int  // candidates sent as refs
	compact []bool // active tasks sent as active_counts
	old     bool
}

func (c *countingConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	if r, ok := args.(*constraintv1.FilterRequest); ok {
		c.full = append(c.full, len(r.Hosts))
		c.refs = append(c.refs, len(r.HostRefs))
		c.compact = append(c.compact, len(r.ActiveCounts) > 0)
		if c.old {
			r = proto.Clone(r).(*constraintv1.FilterRequest)
			r.HostList, r.ActiveCounts = 0, nil
			args = r
		}
	}
	err := c.ClientConnInterface.Invoke(ctx, method, args, reply, opts...)
	if r, ok := reply.(*constraintv1.FilterResponse); ok && c.old {
		r.Features, r.MissingHostList = 0, false
	}
	return err
}

func TestFilterResendsHostsAfterPluginRestart(t *testing.T) {
	echo := &echoVetoes{}
	conn := rawConn(t, plugin.PluginSet{KindConstraint: &GRPCConstraintPlugin{Impl: echo}})
	counting := &countingConn{ClientConnInterface: conn}
	c := &constraintClient{rpc: constraintv1.NewConstraintPluginClient(counting), session: newClientSession()}
	req := &FilterRequest{Hosts: cacheHosts(50, 7)}
	ctx := context.Background()
	for range 2 {
		resp, err := c.Filter(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		checkEcho(t, req, resp)
	}
	// The plugin forgets everything, as a restarted process would.
	c.rpc = constraintv1.NewConstraintPluginClient(counting)
	other := rawConn(t, plugin.PluginSet{KindConstraint: &GRPCConstraintPlugin{Impl: echo}})
	counting.ClientConnInterface = other
	resp, err := c.Filter(ctx, req)
	if err != nil {
		t.Fatalf("Filter after the plugin lost its cache: %v", err)
	}
	checkEcho(t, req, resp)
	// Calls: the hosts in full; the list by id; after the restart the
	// list by id (unknown), the refs (unknown), the hosts in full.
	if want := []int{50, 0, 0, 0, 50}; !reflect.DeepEqual(counting.full, want) {
		t.Fatalf("hosts sent in full per call = %v, want %v (cached, then resent once)", counting.full, want)
	}
	if want := []int{50, 0, 0, 50, 50}; !reflect.DeepEqual(counting.refs, want) {
		t.Fatalf("candidates sent as refs per call = %v, want %v", counting.refs, want)
	}
}

func TestFilterNamesAKeptCandidateList(t *testing.T) {
	conn := rawConn(t, plugin.PluginSet{KindConstraint: &GRPCConstraintPlugin{Impl: &echoVetoes{}}})
	counting := &countingConn{ClientConnInterface: conn}
	c := &constraintClient{rpc: constraintv1.NewConstraintPluginClient(counting), session: newClientSession()}
	req := &FilterRequest{Hosts: cacheHosts(20, 3)}
	ctx := context.Background()
	filter := func() {
		t.Helper()
		resp, err := c.Filter(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		checkEcho(t, req, resp)
	}
	filter()
	filter()
	filter()
	// A changed host: the candidates travel as refs again, the changed
	// host in full, and the new list is named from then on.
	req.Hosts[4].Generation = 4
	req.Hosts[4].Attributes = map[string][]string{"rack": {"moved"}}
	filter()
	filter()
	// Another order is another list.
	req.Hosts[0], req.Hosts[1] = req.Hosts[1], req.Hosts[0]
	filter()
	if want := []int{20, 0, 0, 20, 0, 20}; !reflect.DeepEqual(counting.refs, want) {
		t.Fatalf("candidates sent as refs per call = %v, want %v", counting.refs, want)
	}
	if want := []int{20, 0, 0, 1, 0, 0}; !reflect.DeepEqual(counting.full, want) {
		t.Fatalf("hosts sent in full per call = %v, want %v", counting.full, want)
	}
}

// activeEcho vetoes every host with a reason listing the active tasks it
// was sent.
type activeEcho struct{ fakeConstraint }

func (*activeEcho) Filter(_ context.Context, req *FilterRequest) (*FilterResponse, error) {
	resp := &FilterResponse{Results: make([]HostResult, len(req.Hosts))}
	for i, h := range req.Hosts {
		resp.Results[i] = HostResult{HostID: h.ID, Vetoes: []Veto{{Type: VetoDynamic, Reason: fmt.Sprint(req.ActiveTasks), Score: 1}}}
	}
	return resp, nil
}

func TestFilterFeaturesFollowThePlugin(t *testing.T) {
	conn := rawConn(t, plugin.PluginSet{KindConstraint: &GRPCConstraintPlugin{Impl: &activeEcho{}}})
	counting := &countingConn{ClientConnInterface: conn, old: true}
	c := &constraintClient{rpc: constraintv1.NewConstraintPluginClient(counting), session: newClientSession()}
	active := map[string]map[string]int32{"host": {"h1": 1, "h2": 2}, "rack": {"r1": 3}}
	req := &FilterRequest{Hosts: cacheHosts(10, 1), ActiveTasks: active}
	want := fmt.Sprint(active)
	ctx := context.Background()
	filter := func() {
		t.Helper()
		resp, err := c.Filter(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Results) != len(req.Hosts) {
			t.Fatalf("%d results for %d hosts", len(resp.Results), len(req.Hosts))
		}
		for _, r := range resp.Results {
			if len(r.Vetoes) != 1 || r.Vetoes[0].Reason != want {
				t.Fatalf("host %s: the plugin saw active tasks %v, want %s", r.HostID, r.Vetoes, want)
			}
		}
	}
	// A plugin of an older SDK only ever gets the first form.
	filter()
	filter()
	// Upgraded, it announces the features and gets the compact forms.
	counting.old = false
	filter() // announces
	filter()
	filter()
	// Downgraded again (a pinned older version), the compact request is
	// answered without the features and sent again in the first form.
	counting.old = true
	filter()
	filter()
	if want := []int{10, 10, 10, 0, 0, 0, 10, 10}; !reflect.DeepEqual(counting.refs, want) {
		t.Fatalf("candidates sent as refs per call = %v, want %v", counting.refs, want)
	}
	if want := []bool{false, false, false, true, true, true, false, false}; !reflect.DeepEqual(counting.compact, want) {
		t.Fatalf("active tasks sent compact per call = %v, want %v", counting.compact, want)
	}
}

// echoVetoes vetoes each host with a reason naming its rack attribute, so
// a test sees which attributes the plugin had.
type echoVetoes struct{ fakeConstraint }

func (*echoVetoes) Filter(_ context.Context, req *FilterRequest) (*FilterResponse, error) {
	resp := &FilterResponse{Results: make([]HostResult, len(req.Hosts))}
	for i, h := range req.Hosts {
		resp.Results[i] = HostResult{HostID: h.ID}
		if i%2 == 0 {
			resp.Results[i].Vetoes = []Veto{{Type: VetoStatic, Reason: fmt.Sprint("rack ", h.Attributes["rack"]), Score: 1}}
		}
	}
	return resp, nil
}

func checkEcho(t *testing.T, req *FilterRequest, resp *FilterResponse) {
	t.Helper()
	for i, r := range resp.Results {
		if r.HostID != req.Hosts[i].ID {
			t.Fatalf("result %d is for %s", i, r.HostID)
		}
		want := 0
		if i%2 == 0 {
			want = 1
		}
		if len(r.Vetoes) != want {
			t.Fatalf("host %s has %d vetoes, want %d", r.HostID, len(r.Vetoes), want)
		}
		if want == 1 && r.Vetoes[0].Reason != fmt.Sprint("rack ", req.Hosts[i].Attributes["rack"]) {
			t.Fatalf("host %s: plugin saw attributes %q", r.HostID, r.Vetoes[0].Reason)
		}
	}
}

func TestServerCacheEvictsLeastRecentlyUsedSession(t *testing.T) {
	c := newServerCache()
	for id := uint64(1); id <= maxCachedSessions+1; id++ {
		c.session(id)
	}
	if len(c.sessions) != maxCachedSessions {
		t.Fatalf("%d sessions kept, want %d", len(c.sessions), maxCachedSessions)
	}
	if _, ok := c.sessions[1]; ok {
		t.Fatal("the oldest session was kept")
	}
}

func TestSparseResponseRoundTrip(t *testing.T) {
	req := &FilterRequest{Hosts: cacheHosts(5, 1)}
	v1 := Veto{Type: VetoStatic, Reason: "a", Score: 1}
	v2 := Veto{Type: VetoDynamic, Reason: "b", Score: 2}
	resp := &FilterResponse{Results: []HostResult{
		{HostID: "agent-0", Vetoes: []Veto{v1}},
		{HostID: "agent-1"},
		{HostID: "agent-2", Vetoes: []Veto{v1, v2}},
		{HostID: "agent-3"},
		{HostID: "agent-4", Vetoes: []Veto{v2}},
	}}
	wire := filterResponseToProto(resp)
	if len(wire.Vetoes) != 2 {
		t.Fatalf("%d distinct vetoes on the wire, want 2", len(wire.Vetoes))
	}
	got, err := filterResponseFromProto(req, wire)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, resp) {
		t.Fatalf("round trip = %+v, want %+v", got, resp)
	}
	bad := filterResponseToProto(resp)
	bad.VetoedHosts[1] = 0
	if _, err := filterResponseFromProto(req, bad); err == nil {
		t.Fatal("accepted positions that are not ascending")
	}
}
