//go:build unix

package sdk

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
)

// serveEnv makes the test binary serve a plugin instead of running tests.
const serveEnv = "SDK_TEST_SERVE_PLUGIN"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		serveNoisyPlugin()
		return
	}
	os.Exit(m.Run())
}

// echoConstraint accepts every host and says which it saw.
type echoConstraint struct{ fakeConstraint }

func (*echoConstraint) Info(context.Context) (*Info, error) {
	return &Info{Name: "echo", Version: "0.0.1"}, nil
}

func (*echoConstraint) Filter(_ context.Context, req *FilterRequest) (*FilterResponse, error) {
	resp := &FilterResponse{Results: make([]HostResult, len(req.Hosts))}
	for i, h := range req.Hosts {
		resp.Results[i] = HostResult{HostID: h.ID}
	}
	return resp, nil
}

// serveNoisyPlugin is Serve with prints to stdout between the guard and
// the handshake, the window in which they would otherwise break it.
func serveNoisyPlugin() {
	guard, err := guardStdout(os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("noise from fmt.Println")
	_, _ = os.NewFile(1, "fd1").Write([]byte("noise on descriptor 1\n"))
	servePlugins(pluginSet(ServeOpts{Constraint: &echoConstraint{}}), NewLogger("echo"))
	guard.close()
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

func TestServeSubprocessSurvivesStdoutNoise(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = []string{serveEnv + "=1", LogLevelEnv + "=debug"}
	var stderr syncBuffer
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: VersionedPlugins(),
		Cmd:              cmd,
		SkipHostEnv:      true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Stderr:           &stderr,
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "host", Level: hclog.Warn, Output: os.Stderr}),
	})
	defer client.Kill()

	rpc, err := client.Client()
	if err != nil {
		t.Fatalf("start plugin: %v\nplugin stderr:\n%s", err, stderr.String())
	}
	raw, err := rpc.Dispense(KindConstraint)
	if err != nil {
		t.Fatalf("Dispense: %v", err)
	}
	c := raw.(ConstraintPlugin)

	info, err := c.Info(context.Background())
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	if info.Name != "echo" || info.Kind != KindConstraint || info.APIVersion != APIVersion {
		t.Fatalf("Info = %+v", info)
	}

	// Above gRPC's 4 MiB default, through the real Serve server options.
	hosts := make([]Host, 20000)
	for i := range hosts {
		hosts[i] = Host{ID: fmt.Sprintf("agent-%d", i), Hostname: strings.Repeat("h", 300)}
	}
	resp, err := c.Filter(context.Background(), &FilterRequest{Hosts: hosts})
	if err != nil {
		t.Fatalf("Filter with %d hosts: %v", len(hosts), err)
	}
	if len(resp.Results) != len(hosts) {
		t.Fatalf("got %d results, want %d", len(resp.Results), len(hosts))
	}

	for _, want := range []string{"noise from fmt.Println", "noise on descriptor 1"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("plugin stderr lacks %q; stdout noise must be diverted there\nstderr:\n%s", want, stderr.String())
		}
	}
	if !strings.Contains(stderr.String(), `"@level"`) {
		t.Errorf("plugin stderr has no hclog JSON lines:\n%s", stderr.String())
	}
}
