package builtin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/internal/zktest"
	"github.com/aurora-go/aurora/sdk"
	"github.com/aurora-go/aurora/sdk/plugintest"
)

// TestMain serves a built-in plugin when the test binary is started as
// `plugin serve KIND/NAME`, as the aurora binary is.
func TestMain(m *testing.M) {
	if len(os.Args) == 4 && os.Args[1] == "plugin" && os.Args[2] == "serve" {
		if err := Serve(os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var allNames = []string{"constraint/dedicated", "constraint/limit", "constraint/value", "discovery/zookeeper", "executor/docker", "executor/thermos", "quota/static"}

func TestNames(t *testing.T) {
	if got := Names(); !reflect.DeepEqual(got, allNames) {
		t.Fatalf("Names() = %v, want %v", got, allNames)
	}
}

func TestServeUnknownListsAvailable(t *testing.T) {
	err := Serve("constraint/nope")
	if err == nil || !strings.Contains(err.Error(), `"constraint/nope"`) ||
		!strings.Contains(err.Error(), strings.Join(allNames, ", ")) {
		t.Fatalf("Serve(unknown) = %v, want an error naming it and listing the built-ins", err)
	}
}

func TestServeRefusesWithoutHost(t *testing.T) {
	t.Setenv(sdk.Handshake.MagicCookieKey, "")
	if err := Serve("constraint/limit"); !errors.Is(err, ErrNotStartedByHost) {
		t.Fatalf("Serve without a host: err = %v, want ErrNotStartedByHost", err)
	}
}

func TestServeOptsMatchTheirNames(t *testing.T) {
	for name, opts := range plugins {
		o := opts(nil)
		var impls []sdk.Base
		for _, impl := range []sdk.Base{o.Constraint, o.Executor, o.Discovery, o.Quota} {
			if impl != nil {
				impls = append(impls, impl)
			}
		}
		if len(impls) != 1 {
			t.Fatalf("%s must serve exactly one kind: %+v", name, o)
		}
		info, err := impls[0].Info(context.Background())
		if err != nil {
			t.Fatalf("%s: Info: %v", name, err)
		}
		if got := info.Kind + "/" + info.Name; got != name {
			t.Errorf("plugin registered as %s reports itself as %s", name, got)
		}
		if v, ok := Version(name); !ok || v != info.Version {
			t.Errorf("Version(%s) = %q, %v; want %q", name, v, ok, info.Version)
		}
	}
}

// TestConformanceAsBinaries runs each built-in plugin's conformance suite
// against the plugin served by this test binary, as `aurora plugin serve`
// serves it, with the production handshake.
func TestConformanceAsBinaries(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	extra := map[string][]plugintest.Option{
		"executor/thermos": {plugintest.WithTasks(
			`{"processes":[{"name":"p","cmdline":"true"}]}`,
			`{"processes":[{"name":"p","cmdline":"sleep 1000"}]}`)},
		"quota/static": {plugintest.WithConfig(`{"roles":{"www-data":{"cpus":10,"ram_mb":1024,"disk_mb":1024}}}`)},
	}
	// The ZooKeeper announcer is checked against a real ZooKeeper.
	zks := zktest.Start(t)
	extra["discovery/zookeeper"] = []plugintest.Option{plugintest.WithConfig(fmt.Sprintf(`{"servers":[%q],"session_timeout":"4s"}`, zks.Addr()))}
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			opts := append([]plugintest.Option{plugintest.WithBinaryOptions(plugintest.WithArgs("plugin", "serve", name))}, extra[name]...)
			plugintest.RunBinaryConformance(t, exe, opts...)
		})
	}
}
