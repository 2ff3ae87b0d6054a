package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/state"
	"github.com/aurora-go/aurora/sdk"
)

type vetoAll struct{ reason string }

func (v vetoAll) Filter(_ context.Context, req *sdk.FilterRequest) (*sdk.FilterResponse, error) {
	out := &sdk.FilterResponse{Results: make([]sdk.HostResult, len(req.Hosts))}
	for i := range req.Hosts {
		out.Results[i] = sdk.HostResult{HostID: req.Hosts[i].ID, Vetoes: []sdk.Veto{{Type: sdk.VetoStatic, Reason: v.reason}}}
	}
	return out, nil
}

func TestSwapConstraints(t *testing.T) {
	ctx := context.Background()
	req := &sdk.FilterRequest{Hosts: []sdk.Host{{ID: "a"}, {ID: "b"}}}
	var c swapConstraints
	if _, err := c.Filter(ctx, req); err == nil {
		t.Fatal("before the plugins start, Filter must fail (the scheduler then places nothing)")
	}
	c.set(nil)
	resp, err := c.Filter(ctx, req)
	if err != nil || len(resp.Results) != 2 || len(resp.Results[0].Vetoes) != 0 || resp.Results[1].HostID != "b" {
		t.Fatalf("no plugin enabled: no vetoes, one result per host: %+v %v", resp, err)
	}
	c.set(vetoAll{"first"})
	if resp, _ := c.Filter(ctx, req); resp.Results[0].Vetoes[0].Reason != "first" {
		t.Fatalf("the set filter answers: %+v", resp)
	}
	c.set(vetoAll{"second"})
	if resp, _ := c.Filter(ctx, req); resp.Results[1].Vetoes[0].Reason != "second" {
		t.Fatalf("a swapped filter answers the next call: %+v", resp)
	}
}

func TestFingerprintIgnoresStateAndPin(t *testing.T) {
	e := pluginhost.Entry{Kind: "constraint", Name: "z", Version: "0.1.0", State: pluginhost.StateEnabled}
	f := e
	f.State, f.Pinned = pluginhost.StateDisabled, true
	if fingerprint(e) != fingerprint(f) {
		t.Fatal("state and pin do not restart a running plugin")
	}
	f.Config = []byte(`{"max_skew":2}`)
	if fingerprint(e) == fingerprint(f) {
		t.Fatal("a new config restarts the plugin")
	}
}

func TestFetchBlobVerifiesTheHash(t *testing.T) {
	good := []byte("#!/bin/sh\necho plugin\n")
	gs := sha256.Sum256(good)
	goodSum := hex.EncodeToString(gs[:])
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/plugins/blobs/" + goodSum:
			_, _ = w.Write(good)
		case "/v1/plugins/blobs/" + strings.Repeat("1", 64):
			_, _ = w.Write([]byte("not what the catalog says"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	store, err := pluginhost.NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(srv.URL, "http://")
	ctx := context.Background()
	if err := fetchBlobFrom(ctx, srv.Client(), store, addr, goodSum); err != nil || !store.Has(goodSum) {
		t.Fatalf("fetching a good blob: %v (stored %v)", err, store.Has(goodSum))
	}
	bad := strings.Repeat("1", 64)
	err = fetchBlobFrom(ctx, srv.Client(), store, addr, bad)
	if !errors.Is(err, pluginhost.ErrChecksumMismatch) || !strings.Contains(err.Error(), bad) || store.Has(bad) {
		t.Fatalf("bytes that do not hash to the sum must be refused naming it, got %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(store.Dir(), "sha256"))
	if len(entries) != 1 {
		t.Fatalf("the refused bytes must not stay in the store: %v", entries)
	}
	if err := fetchBlobFrom(ctx, srv.Client(), store, addr, strings.Repeat("2", 64)); err == nil {
		t.Fatal("a blob the leader lacks is an error")
	}
}

func TestStaticQuotaConfigTakesTheLogsQuotas(t *testing.T) {
	st, _ := state.NewStore()
	if err := st.Apply(state.SetQuota{Quota: &state.Quota{Role: "www-data", CPU: 4, RAM: 2 << 30, Disk: 10 << 30}}); err != nil {
		t.Fatal(err)
	}
	r := &pluginRunner{s: &Server{store: st}}
	e := pluginhost.Entry{Kind: "quota", Name: "static", Version: "0.1.0", Builtin: true,
		Config: json.RawMessage(`{"roles":{"www-data":{"cpus":1},"batch":{"cpus":2}},"default":{"cpus":0.5}}`)}
	raw, err := r.staticQuotaConfig(e)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Roles   map[string]map[string]float64
		Default map[string]float64
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if w := got.Roles["www-data"]; w["cpus"] != 4 || w["ram_mb"] != 2048 || w["disk_mb"] != 10240 {
		t.Errorf("the log's quota replaces the entry's: %v", w)
	}
	if got.Roles["batch"]["cpus"] != 2 || got.Default["cpus"] != 0.5 {
		t.Errorf("the entry's other roles and default are kept: %s", raw)
	}
}

func TestPointerPath(t *testing.T) {
	for ptr, want := range map[string]string{"": "", "/max_skew": ".max_skew", "/zones/0/name": ".zones[0].name", "/a~1b": ".a/b"} {
		if got := pointerPath(ptr); got != want {
			t.Errorf("pointerPath(%q) = %q, want %q", ptr, got, want)
		}
	}
}
