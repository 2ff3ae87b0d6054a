package state

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/core/pluginhost"
)

func samplePlugin(version string) pluginhost.Entry {
	return pluginhost.Entry{Kind: "constraint", Name: "zonespread", Version: version,
		SHA256: strings.Repeat("ab", 32), Command: "/store/sha256/" + strings.Repeat("ab", 32),
		Config: []byte(`{"max_skew":1}`)}
}

func TestPluginCommandsRoundTripThroughEncoding(t *testing.T) {
	ref := PluginRef{Kind: "constraint", Name: "zonespread", Version: "0.1.0"}
	cmds := []Command{
		PutPlugin{Entry: samplePlugin("0.1.0")},
		SetPluginState{PluginRef: ref, State: pluginhost.StateEnabled},
		PinPlugin{PluginRef: ref},
		DeletePlugin{PluginRef: ref},
	}
	for _, c := range cmds {
		raw, err := Encode(c)
		if err != nil {
			t.Fatalf("encode %T: %v", c, err)
		}
		got, err := Decode(raw)
		if err != nil {
			t.Fatalf("decode %T: %v", c, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("round trip of %T:\n got %#v\nwant %#v", c, got, c)
		}
	}
}

func TestPluginCatalogLifecycle(t *testing.T) {
	s, _ := NewStore()
	changed := s.PluginsChanged()
	v1 := PluginRef{Kind: "constraint", Name: "zonespread", Version: "0.1.0"}
	v2 := PluginRef{Kind: "constraint", Name: "zonespread", Version: "0.2.0"}
	for _, c := range []Command{
		PutPlugin{Entry: samplePlugin("0.1.0")},
		PutPlugin{Entry: samplePlugin("0.2.0")},
	} {
		if err := s.Apply(c); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-changed:
	default:
		t.Fatal("a plugin command must signal PluginsChanged")
	}
	e, err := s.Plugin(v1)
	if err != nil || e.State != pluginhost.StateDisabled || e.FailurePolicy != pluginhost.FailClosed {
		t.Fatalf("a put entry defaults to disabled and fail_closed: %+v %v", e, err)
	}
	if err := s.Apply(SetPluginState{PluginRef: v1, State: pluginhost.StateEnabled}); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(SetPluginState{PluginRef: v2, State: pluginhost.StateEnabled}); err != nil {
		t.Fatal(err)
	}
	cat, err := s.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := cat.Resolve("constraint", "zonespread"); r.Version != "0.2.0" {
		t.Fatalf("highest enabled version resolves, got %s", r.Version)
	}
	if err := s.Apply(PinPlugin{PluginRef: v1}); err != nil {
		t.Fatal(err)
	}
	cat, _ = s.Catalog()
	if r, _ := cat.Resolve("constraint", "zonespread"); r.Version != "0.1.0" {
		t.Fatalf("the pinned version resolves, got %s", r.Version)
	}
	if err := s.Apply(PinPlugin{PluginRef: v2}); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.Plugin(v1); e.Pinned {
		t.Fatal("pinning 0.2.0 must unpin 0.1.0")
	}
	if err := s.Apply(DeletePlugin{PluginRef: v1}); err == nil || !strings.Contains(err.Error(), "enabled") {
		t.Fatalf("deleting an enabled entry must be refused, got %v", err)
	}
	if err := s.Apply(DeletePlugin{PluginRef: v2}); err == nil || !strings.Contains(err.Error(), "pinned") {
		t.Fatalf("deleting a pinned entry must be refused, got %v", err)
	}
	if err := s.Apply(SetPluginState{PluginRef: v1, State: pluginhost.StateDisabled}); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(DeletePlugin{PluginRef: v1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Plugin(v1); !errors.Is(err, ErrNoPlugin) {
		t.Fatalf("a deleted entry is gone, got %v", err)
	}
	if err := s.Apply(SetPluginState{PluginRef: v1, State: "on"}); err == nil {
		t.Fatal("an unknown state must be refused")
	}
}

func TestSnapshotKeepsPluginCatalog(t *testing.T) {
	s, _ := NewStore()
	e := samplePlugin("0.1.0")
	e.Pinned = true
	if err := s.Apply(PutPlugin{Entry: e}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := s.Snapshot().WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), `{"version":5}`) {
		t.Fatalf("snapshot header: %.40s", buf.String())
	}
	r, _ := NewStore()
	changed := r.PluginsChanged()
	if err := r.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	default:
		t.Fatal("a restore must signal PluginsChanged")
	}
	got, err := r.Plugins()
	if err != nil || len(got) != 1 || !got[0].Pinned || got[0].SHA256 != e.SHA256 || string(got[0].Config) != `{"max_skew":1}` {
		t.Fatalf("restored catalog: %+v %v", got, err)
	}
}

func TestRestoreReadsVersion3Snapshots(t *testing.T) {
	old := `{"version":3}
{"quota":{"role":"www-data","cpu":1,"ram":1,"disk":1}}
`
	s, _ := NewStore()
	if err := s.Restore(strings.NewReader(old)); err != nil {
		t.Fatal(err)
	}
	if q, _ := s.Quota("www-data"); q == nil {
		t.Fatal("the quota of a version 3 snapshot is restored")
	}
	if ps, _ := s.Plugins(); len(ps) != 0 {
		t.Fatalf("a version 3 snapshot has no catalog: %v", ps)
	}
}
