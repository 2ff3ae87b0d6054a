package plugintest

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"

	"github.com/aurora-go/aurora/sdk"
)

// Binary is a plugin process started with the production handshake.
type Binary struct {
	client *plugin.Client
	rpc    plugin.ClientProtocol
	stderr *syncBuffer
}

// BinaryOption configures StartBinary.
type BinaryOption func(*binaryConfig)

type binaryConfig struct {
	args []string
	env  []string
}

// WithArgs passes arguments to the plugin binary.
func WithArgs(args ...string) BinaryOption {
	return func(c *binaryConfig) { c.args = append(c.args, args...) }
}

// WithEnv sets the plugin's environment ("KEY=value"); the test process's
// environment is never inherited.
func WithEnv(env ...string) BinaryOption {
	return func(c *binaryConfig) { c.env = append(c.env, env...) }
}

// StartBinary runs the plugin at path as an Aurora host does: gRPC only,
// the SDK's handshake and versioned plugin sets, an empty environment plus
// WithEnv. The process is killed when the test ends; its stderr is logged if
// the test failed.
func StartBinary(t testing.TB, path string, opts ...BinaryOption) *Binary {
	t.Helper()
	b, err := startBinary(path, opts...)
	if err != nil {
		t.Fatalf("plugintest: %v", err)
	}
	t.Cleanup(func() {
		b.Kill()
		if t.Failed() {
			t.Logf("plugin %s stderr:\n%s", filepath.Base(path), b.Stderr())
		}
	})
	return b
}

func startBinary(path string, opts ...BinaryOption) (*Binary, error) {
	var cfg binaryConfig
	for _, o := range opts {
		o(&cfg)
	}
	cmd := exec.Command(path, cfg.args...)
	cmd.Env = append([]string{}, cfg.env...)
	stderr := &syncBuffer{}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: sdk.VersionedPlugins(),
		Cmd:              cmd,
		SkipHostEnv:      true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		StartTimeout:     30 * time.Second,
		Stderr:           stderr,
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "plugintest", Level: hclog.Error, Output: stderr}),
	})
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("start %s: %w\nstderr:\n%s", path, err, stderr.String())
	}
	return &Binary{client: client, rpc: rpc, stderr: stderr}, nil
}

// Dispense returns the typed client of kind (sdk.KindConstraint, ...).
func (b *Binary) Dispense(kind string) (sdk.Base, error) {
	raw, err := b.rpc.Dispense(kind)
	if err != nil {
		return nil, fmt.Errorf("dispense %s: %w", kind, err)
	}
	base, ok := raw.(sdk.Base)
	if !ok {
		return nil, fmt.Errorf("dispensed %T for %s", raw, kind)
	}
	return base, nil
}

// Kind returns the kind the binary serves, from the Info of the first kind
// that answers.
func (b *Binary) Kind(ctx context.Context) (string, *sdk.Info, error) {
	var lastErr error
	for _, kind := range sdk.Kinds() {
		p, err := b.Dispense(kind)
		if err != nil {
			return "", nil, err
		}
		info, err := p.Info(ctx)
		if err == nil {
			return kind, info, nil
		}
		lastErr = err
	}
	return "", nil, fmt.Errorf("the plugin serves no known kind: %w", lastErr)
}

// Constraint returns the constraint client of the process.
func (b *Binary) Constraint(t testing.TB) sdk.ScoringConstraintPlugin {
	return mustDispense[sdk.ScoringConstraintPlugin](t, b, sdk.KindConstraint)
}

// Executor returns the executor client of the process.
func (b *Binary) Executor(t testing.TB) sdk.ExecutorPlugin {
	return mustDispense[sdk.ExecutorPlugin](t, b, sdk.KindExecutor)
}

// Discovery returns the discovery client of the process.
func (b *Binary) Discovery(t testing.TB) sdk.DiscoveryPlugin {
	return mustDispense[sdk.DiscoveryPlugin](t, b, sdk.KindDiscovery)
}

// Quota returns the quota client of the process.
func (b *Binary) Quota(t testing.TB) sdk.QuotaPlugin {
	return mustDispense[sdk.QuotaPlugin](t, b, sdk.KindQuota)
}

func mustDispense[T any](t testing.TB, b *Binary, kind string) T {
	t.Helper()
	p, err := b.Dispense(kind)
	if err != nil {
		t.Fatalf("plugintest: %v", err)
	}
	return p.(T)
}

// Exited reports whether the process has exited.
func (b *Binary) Exited() bool { return b.client.Exited() }

// Kill stops the process (go-plugin's graceful shutdown, then SIGKILL).
func (b *Binary) Kill() { b.client.Kill() }

// Stderr returns what the plugin wrote to stderr so far.
func (b *Binary) Stderr() string { return b.stderr.String() }

// BuildBinary compiles the main package in dir (a path, e.g. ".") into a
// temporary directory and returns the binary's path.
func BuildBinary(t testing.TB, dir string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(mustAbs(t, dir)))
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("plugintest: go build %s: %v\n%s", dir, err, msg)
	}
	return out
}

func mustAbs(t testing.TB, dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
