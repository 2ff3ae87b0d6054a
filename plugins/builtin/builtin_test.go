package builtin

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/sdk"
)

func TestNames(t *testing.T) {
	if got, want := Names(), []string{"constraint/limit", "executor/docker", "executor/thermos"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
}

func TestServeUnknownListsAvailable(t *testing.T) {
	err := Serve("constraint/nope")
	if err == nil || !strings.Contains(err.Error(), `"constraint/nope"`) ||
		!strings.Contains(err.Error(), "constraint/limit, executor/docker, executor/thermos") {
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
		var impl sdk.Base
		switch {
		case o.Constraint != nil && o.Executor == nil:
			impl = o.Constraint
		case o.Executor != nil && o.Constraint == nil:
			impl = o.Executor
		default:
			t.Fatalf("%s must serve exactly one kind: %+v", name, o)
		}
		info, err := impl.Info(context.Background())
		if err != nil {
			t.Fatalf("%s: Info: %v", name, err)
		}
		if got := info.Kind + "/" + info.Name; got != name {
			t.Errorf("plugin registered as %s reports itself as %s", name, got)
		}
	}
}
