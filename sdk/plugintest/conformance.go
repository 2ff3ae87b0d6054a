package plugintest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aurora-go/aurora/sdk"
	"github.com/aurora-go/aurora/sdk/conformance"
)

// Option tunes a conformance run.
type Option func(*options)

type options struct {
	suite  conformance.Options
	binary []BinaryOption
}

// WithConfig gives the plugin a valid configuration (JSON).
func WithConfig(config string) Option {
	return func(o *options) { o.suite.Config = json.RawMessage(config) }
}

// WithGroup sets the task group of Filter and Score requests.
func WithGroup(g sdk.TaskGroup) Option {
	return func(o *options) { o.suite.Group = &g }
}

// WithTasks gives an executor suite a task configuration that exits 0
// within seconds (short) and one that runs until stopped (long).
func WithTasks(short, long string) Option {
	return func(o *options) {
		o.suite.ShortTask, o.suite.LongTask = json.RawMessage(short), json.RawMessage(long)
	}
}

// WithRoles sets the roles of a quota suite.
func WithRoles(roles ...string) Option {
	return func(o *options) { o.suite.Roles = roles }
}

// WithBinaryOptions passes options to every process RunBinaryConformance
// starts.
func WithBinaryOptions(opts ...BinaryOption) Option {
	return func(o *options) { o.binary = append(o.binary, opts...) }
}

// WithCheckTimeout bounds each check (default one minute).
func WithCheckTimeout(d time.Duration) Option {
	return func(o *options) { o.suite.CheckTimeout = d }
}

func collect(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// RunConstraintConformance runs the constraint suite against instances made
// by factory, each served in-process over gRPC.
func RunConstraintConformance(t *testing.T, factory func() sdk.ConstraintPlugin, opts ...Option) {
	t.Helper()
	o := collect(opts)
	client := func(t testing.TB, impl sdk.ConstraintPlugin) sdk.ConstraintPlugin { return ConstraintClient(t, impl) }
	run(t, sdk.KindConstraint, conformance.ConstraintChecks(inProcess(t, factory, client), o.suite), o.suite)
}

// RunExecutorConformance runs the executor suite against instances made by
// factory, each served in-process over gRPC. Give it tasks with WithTasks.
func RunExecutorConformance(t *testing.T, factory func() sdk.ExecutorPlugin, opts ...Option) {
	t.Helper()
	o := collect(opts)
	run(t, sdk.KindExecutor, conformance.ExecutorChecks(inProcess(t, factory, ExecutorClient), o.suite), o.suite)
}

// RunDiscoveryConformance runs the discovery suite against instances made
// by factory, each served in-process over gRPC.
func RunDiscoveryConformance(t *testing.T, factory func() sdk.DiscoveryPlugin, opts ...Option) {
	t.Helper()
	o := collect(opts)
	run(t, sdk.KindDiscovery, conformance.DiscoveryChecks(inProcess(t, factory, DiscoveryClient), o.suite), o.suite)
}

// RunQuotaConformance runs the quota suite against instances made by
// factory, each served in-process over gRPC.
func RunQuotaConformance(t *testing.T, factory func() sdk.QuotaPlugin, opts ...Option) {
	t.Helper()
	o := collect(opts)
	run(t, sdk.KindQuota, conformance.QuotaChecks(inProcess(t, factory, QuotaClient), o.suite), o.suite)
}

// RunBinaryConformance runs the suite of the kind the binary at path serves
// (read from its Info) against one process started with the production
// handshake, as a host would run it; each check dispenses a fresh client
// of it.
func RunBinaryConformance(t *testing.T, path string, opts ...Option) {
	t.Helper()
	o := collect(opts)
	b := StartBinary(t, path, o.binary...)
	kind, _, err := b.Kind(context.Background())
	if err != nil {
		t.Fatalf("plugintest: %s: %v", path, err)
	}
	factory := func(ctx context.Context) (sdk.Base, func(), error) {
		if b.Exited() {
			return nil, nil, fmt.Errorf("the plugin process exited; stderr:\n%s", b.Stderr())
		}
		p, err := b.Dispense(kind)
		if err != nil {
			return nil, nil, err
		}
		return p, func() {}, nil
	}
	checks, err := conformance.Checks(kind, factory, o.suite)
	if err != nil {
		t.Fatal(err)
	}
	run(t, kind, checks, o.suite)
	if b.Exited() {
		t.Errorf("the plugin process exited during the suite; stderr:\n%s", b.Stderr())
	}
}

// inProcess adapts a factory of implementations to a conformance factory of
// in-process clients. Each client's connection closes at the end of the
// test; release is a no-op.
func inProcess[T sdk.Base, C sdk.Base](t *testing.T, factory func() T, client func(testing.TB, T) C) conformance.Factory[C] {
	return func(context.Context) (C, func(), error) {
		return client(t, factory()), func() {}, nil
	}
}

// run runs each check as a subtest.
func run(t *testing.T, kind string, checks []conformance.Check, o conformance.Options) {
	t.Helper()
	for _, c := range checks {
		t.Run(kind+"/"+c.Name, func(t *testing.T) {
			rep := conformance.Run(context.Background(), kind, []conformance.Check{c}, o.CheckTimeout)
			res := rep.Results[0]
			switch {
			case res.Skipped:
				t.Skip(res.Err)
			case res.Err != nil:
				t.Fatal(res.Err)
			}
		})
	}
}
