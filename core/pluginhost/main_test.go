package pluginhost

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"testing"

	hclog "github.com/hashicorp/go-hclog"

	"github.com/aurora-go/aurora/plugins/builtin"
)

// TestMain lets BuiltinSpec work in tests: started as `plugin serve
// KIND/NAME`, the test binary serves that built-in plugin, as the aurora
// binary does.
func TestMain(m *testing.M) {
	if len(os.Args) == 4 && os.Args[1] == "plugin" && os.Args[2] == "serve" {
		if err := builtin.Serve(os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// logBuffer collects a host's log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newTestHost returns a host that logs into the returned buffer and is
// shut down when the test ends; its log is printed if the test fails.
func newTestHost(t *testing.T, opts ...Option) (*Host, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	h := New(hclog.New(&hclog.LoggerOptions{Name: "test", Level: hclog.Debug, Output: logs}), opts...)
	t.Cleanup(func() {
		h.Shutdown()
		if t.Failed() {
			t.Logf("host log:\n%s", logs.String())
		}
	})
	return h, logs
}

func builtinSpec(t *testing.T, kind, name string) Spec {
	t.Helper()
	spec, err := BuiltinSpec(kind, name)
	if err != nil {
		t.Fatalf("BuiltinSpec: %v", err)
	}
	return spec
}
