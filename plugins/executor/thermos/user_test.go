package thermos

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aurora-go/aurora/sdk"
)

// whoami runs a one-process task of role in a sandbox under parent and
// returns the user it ran as and its stderr log.
func whoami(t *testing.T, parent, role string) (user, stderr string) {
	t.Helper()
	e := newTestExecutor(t)
	sandbox := filepath.Join(parent, "sandbox-"+role)
	if err := os.MkdirAll(sandbox, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t)
	cfg := `{"processes":[{"name":"who","cmdline":"id -un; touch made-by-me"}],"job":{"role":"` + role + `"}}`
	if _, err := e.Start(ctx, &sdk.StartRequest{TaskID: "who-" + role, SandboxDir: sandbox, Config: json.RawMessage(cfg)}); err != nil {
		t.Fatal(err)
	}
	if res := wait(t, e, "who-"+role); res.Failed {
		t.Fatalf("task failed: %s", res.Message)
	}
	dir := filepath.Join(sandbox, ".logs", "who", "0")
	return strings.TrimSpace(readFile(t, filepath.Join(dir, "stdout"))), readFile(t, filepath.Join(dir, "stderr"))
}

func TestProcessesRunAsTheRolesUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("switching users needs an executor running as root")
	}
	open, err := os.MkdirTemp("", "thermos-user")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(open)
	if err := os.Chmod(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, _ := whoami(t, open, "nobody"); got != "nobody" {
		t.Fatalf("role nobody ran as %q", got)
	}
	// The user cannot reach a sandbox under a root-only directory: the
	// task still runs, as the executor's user, and says why.
	closed := t.TempDir() // 0700
	if got, stderr := whoami(t, closed, "nobody"); got != "root" || !strings.Contains(stderr, "cannot reach the sandbox") {
		t.Fatalf("closed sandbox: ran as %q, stderr %q", got, stderr)
	}
	// A role with no Unix user runs as the executor's user, silently.
	if got, stderr := whoami(t, open, "no-such-user-xyz"); got != "root" || stderr != "" {
		t.Fatalf("unknown user: ran as %q, stderr %q", got, stderr)
	}
}
