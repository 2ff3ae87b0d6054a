package conformance

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/aurora-go/aurora/sdk"
)

// DiscoveryChecks is the discovery suite: the base checks, idempotent
// Announce and Withdraw by (task id, port name), and List matching them.
func DiscoveryChecks(newPlugin Factory[sdk.DiscoveryPlugin], opts Options) []Check {
	cfg := configured(newPlugin, opts)
	const owner = "aurora-conformance-owner"
	ep := func(task, port string, p int32) sdk.Endpoint {
		return sdk.Endpoint{Key: sdk.EndpointKey{TaskID: task, PortName: port}, Owner: owner,
			Role: "www-data", Environment: "prod", Job: "conformance", Instance: 0, Host: "host-1", Port: p}
	}
	okAll := func(method string, keys []sdk.EndpointKey, res []sdk.EndpointResult, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		if len(res) != len(keys) {
			return fmt.Errorf("%s returned %d results for %d items", method, len(res), len(keys))
		}
		for i, r := range res {
			if r.Key != keys[i] {
				return fmt.Errorf("%s result %d is for %v, want %v", method, i, r.Key, keys[i])
			}
			if r.Err != "" {
				return fmt.Errorf("%s of %v failed: %s", method, r.Key, r.Err)
			}
		}
		return nil
	}
	list := func(ctx context.Context, p sdk.DiscoveryPlugin) (map[sdk.EndpointKey]int32, error) {
		eps, err := p.List(ctx, owner)
		if err != nil {
			return nil, fmt.Errorf("List: %w", err)
		}
		out := map[sdk.EndpointKey]int32{}
		for _, e := range eps {
			if _, dup := out[e.Key]; dup {
				return nil, fmt.Errorf("List returns %v twice", e.Key)
			}
			out[e.Key] = e.Port
		}
		return out, nil
	}
	checks := baseChecks(sdk.KindDiscovery, newPlugin, opts)
	return append(checks, Check{Name: "announce-withdraw-idempotent", Run: func(ctx context.Context) error {
		p, release, err := cfg(ctx)
		if err != nil {
			return fmt.Errorf("start and configure the plugin: %w", err)
		}
		defer release()
		a, b := ep("task-1", "http", 31000), ep("task-1", "admin", 31001)
		keys := []sdk.EndpointKey{a.Key, b.Key}
		for i := range 2 {
			res, err := p.Announce(ctx, []sdk.Endpoint{a, b})
			if err := okAll(fmt.Sprintf("Announce #%d", i+1), keys, res, err); err != nil {
				return err
			}
		}
		got, err := list(ctx, p)
		if err != nil {
			return err
		}
		if want := map[sdk.EndpointKey]int32{a.Key: 31000, b.Key: 31001}; !reflect.DeepEqual(got, want) {
			return fmt.Errorf("after announcing twice List = %v, want %v", got, want)
		}
		a.Port = 32000
		res, err := p.Announce(ctx, []sdk.Endpoint{a})
		if err := okAll("Announce of a moved endpoint", keys[:1], res, err); err != nil {
			return err
		}
		if got, err = list(ctx, p); err != nil {
			return err
		} else if got[a.Key] != 32000 || len(got) != 2 {
			return fmt.Errorf("after re-announcing %v on port 32000 List = %v", a.Key, got)
		}
		unknown := sdk.EndpointKey{TaskID: "task-9", PortName: "http"}
		for i := range 2 {
			wkeys := []sdk.EndpointKey{a.Key, unknown}
			res, err := p.Withdraw(ctx, wkeys)
			if err := okAll(fmt.Sprintf("Withdraw #%d", i+1), wkeys, res, err); err != nil {
				return err
			}
		}
		if got, err = list(ctx, p); err != nil {
			return err
		} else if keys := slices.Collect(mapKeys(got)); len(keys) != 1 || keys[0] != b.Key {
			return fmt.Errorf("after withdrawing %v List = %v, want only %v", a.Key, got, b.Key)
		}
		res, err = p.Withdraw(ctx, []sdk.EndpointKey{b.Key})
		return okAll("Withdraw", []sdk.EndpointKey{b.Key}, res, err)
	}})
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
