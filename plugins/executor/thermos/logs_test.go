package thermos

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRotatingFileKeepsBackups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stdout")
	r, err := newRotatingFile(path, 10, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if _, err := fmt.Fprintf(r, "line-%d----", i); err != nil { // 10 bytes each
			t.Fatal(err)
		}
	}
	r.f.Close()
	want := map[string]string{"stdout": "line-4----", "stdout.1": "line-3----", "stdout.2": "line-2----"}
	for name, content := range want {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(path), name))
		if err != nil || !strings.HasPrefix(string(b), content) {
			t.Errorf("%s = %q, %v; want %q", name, b, err, content)
		}
	}
	if _, err := os.Stat(path + ".3"); !os.IsNotExist(err) {
		t.Errorf("a third backup was kept: %v", err)
	}
}

func TestParseLogger(t *testing.T) {
	for _, c := range []struct {
		in   string
		want logConfig
		bad  bool
	}{
		{in: `{}`, want: logConfig{toFile: true, logSize: defaultLogSize, backups: defaultLogBackups}},
		{in: `{"destination":"both","mode":"rotate","rotate":{"log_size":100,"backups":1}}`, want: logConfig{toFile: true, toConsole: true, rotate: true, logSize: 100, backups: 1}},
		{in: `{"destination":"console"}`, want: logConfig{toConsole: true, logSize: defaultLogSize, backups: defaultLogBackups}},
		{in: `{"destination":"none"}`, want: logConfig{logSize: defaultLogSize, backups: defaultLogBackups}},
		{in: `{"destination":"syslog"}`, bad: true},
		{in: `{"mode":"rotate","rotate":{"log_size":0,"backups":1}}`, bad: true},
	} {
		cfg, err := parseTaskConfig([]byte(`{"processes":[{"name":"p","cmdline":"true","logger":` + c.in + `}]}`))
		if (err != nil) != c.bad {
			t.Errorf("logger %s: error %v, want error %t", c.in, err, c.bad)
			continue
		}
		if !c.bad && cfg.processes[0].logger != c.want {
			t.Errorf("logger %s = %+v, want %+v", c.in, cfg.processes[0].logger, c.want)
		}
	}
}

// A process whose logger rotates leaves at most `backups` old logs of at
// most log_size bytes; "console" output lands in the sandbox's own stdout.
func TestProcessLoggers(t *testing.T) {
	e := newTestExecutor(t)
	id, sandbox := start(t, e, `{"processes":[
		{"name":"chatty","cmdline":"for i in $(seq 1 300); do echo 0123456789; done",
		 "logger":{"destination":"file","mode":"rotate","rotate":{"log_size":1000,"backups":2}}},
		{"name":"console","cmdline":"echo to-the-console; echo oops >&2","logger":{"destination":"both"}}]}`, nil)
	if res := wait(t, e, id); res.Failed {
		t.Fatalf("task failed: %s", res.Message)
	}
	dir := filepath.Join(sandbox, ".logs", "chatty", "0")
	for _, name := range []string{"stdout", "stdout.1", "stdout.2"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.Size() > 1000 || st.Size() == 0 {
			t.Errorf("%s: %v, %v; want a log of at most 1000 bytes", name, st, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "stdout.3")); !os.IsNotExist(err) {
		t.Errorf("stdout.3 exists: only 2 backups must be kept")
	}
	if got := readFile(t, filepath.Join(dir, "stdout")); !strings.HasSuffix(got, "0123456789\n") {
		t.Errorf("the newest log does not end with the last line: %q", got)
	}
	if got := readFile(t, filepath.Join(sandbox, "stdout")); !strings.Contains(got, "to-the-console") {
		t.Errorf("console output missing from the sandbox's stdout: %q", got)
	}
	if got := readFile(t, filepath.Join(sandbox, ".logs", "console", "0", "stderr")); !strings.Contains(got, "oops") {
		t.Errorf("'both' did not also write the process's own log: %q", got)
	}
}
