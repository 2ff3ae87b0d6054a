package observer

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aurora-go/aurora/core/executor"
	"github.com/aurora-go/aurora/sdk"
)

// sandbox makes a task sandbox in the Mesos layout under root.
func sandbox(t *testing.T, root, id, state string, started time.Time) string {
	t.Helper()
	dir := filepath.Join(root, "slaves", "a1", "frameworks", "f1", "executors", "thermos-"+id, "runs", "c-"+id)
	for _, d := range []string{".aurora", ".logs/server/0", ".logs/server/1", ".logs/setup/0"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	st := executor.TaskStatusFile{TaskID: id, Job: "local/www-data/prod/hello", Instance: 2, Host: "agent-1", Plugin: "thermos",
		State: state, Health: "healthy", Started: started, Ports: map[string]uint64{"http": 31001},
		Processes: []sdk.ProcessStatus{{Name: "setup", State: "SUCCESS", Runs: 1}, {Name: "server", State: "RUNNING", PID: 4242, Runs: 2}}}
	b, _ := json.Marshal(st)
	files := map[string]string{
		".aurora/task.json":     string(b),
		".logs/server/1/stdout": strings.Repeat("old line\n", 20000) + "hello from run 1\n",
		".logs/server/1/stderr": "warning: <b>not bold</b>\n",
		".logs/server/0/stdout": "first run\n",
		".logs/setup/0/stdout":  "set up\n",
		"data/notes.txt":        "some notes\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// runs/latest points at the run, as on a Mesos agent: not a second task.
	_ = os.Symlink("c-"+id, filepath.Join(filepath.Dir(dir), "latest"))
	return dir
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestObserverPages(t *testing.T) {
	root := t.TempDir()
	now := time.Now()
	sb := sandbox(t, root, "task-running", "TASK_RUNNING", now)
	sandbox(t, root, "task-done", "TASK_FINISHED", now.Add(-time.Hour))
	if err := os.Symlink("/etc", filepath.Join(sb, "escape")); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Observer{Root: root, Name: "agent-1"}).Handler())
	defer srv.Close()

	tests := []struct {
		path    string
		code    int
		want    []string
		notWant []string
	}{
		{"/", 200, []string{`data-task-id="task-running"`, `data-task-id="task-done"`, "local/www-data/prod/hello", "RUNNING", "FINISHED"}, nil},
		{"/main/active", 200, []string{"task-running"}, []string{`data-task-id="task-done"`}},
		{"/main/finished", 200, []string{"task-done"}, []string{`data-task-id="task-running"`}},
		{"/task/task-running", 200, []string{`data-process="setup"`, `data-process="server"`, `<td class="runs">2</td>`, "4242",
			"/logs/task-running/server/1/stdout", "http: 31001", "healthy"}, nil},
		{"/process/task-running/server", 200, []string{"/logs/task-running/server/0/stdout", "/logs/task-running/server/1/stderr"}, nil},
		{"/logs/task-running/server/1/stdout", 200, []string{"hello from run 1"}, nil},
		{"/logs/task-running/server/1/stderr", 200, []string{"&lt;b&gt;not bold&lt;/b&gt;"}, []string{"<b>not bold"}},
		{"/logdata/task-running/server/0/stdout", 200, []string{`"data": "first run\n"`, `"size": 10`}, nil},
		{"/browse/task-running", 200, []string{"data/", ".logs/"}, nil},
		{"/browse/task-running/data/notes.txt", 200, []string{"some notes"}, nil},
		{"/download/task-running/data/notes.txt", 200, []string{"some notes"}, nil},
		{"/j/task/task-running", 200, []string{`"task_id": "task-running"`, `"sandbox": "` + sb}, nil},
		{"/task/nope", 404, []string{"no task"}, nil},
		{"/logs/task-running/server/1/env", 404, nil, nil},
		{"/browse/task-running/../../../../etc", 404, nil, []string{"passwd"}}, // cleaned by the mux: never the host /etc
		{"/browse/task-running/escape", 404, []string{"outside the sandbox"}, nil},
		{"/download/task-running/escape/passwd", 404, nil, nil},
	}
	for _, tt := range tests {
		code, body := get(t, srv, tt.path)
		if code != tt.code {
			t.Errorf("GET %s = %d, want %d: %s", tt.path, code, tt.code, body)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q", tt.path, w)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(body, w) {
				t.Errorf("GET %s holds %q", tt.path, w)
			}
		}
	}
	// The log page shows the tail, not the whole 180 KB file.
	_, body := get(t, srv, "/logs/task-running/server/1/stdout")
	if n := strings.Count(body, "old line"); n == 0 || n > 8000 {
		t.Errorf("log page shows %d old lines, want the last 64 KiB only", n)
	}
	var tasks []Task
	_, body = get(t, srv, "/j/tasks")
	if err := json.Unmarshal([]byte(body), &tasks); err != nil || len(tasks) != 2 || tasks[0].TaskID != "task-running" || !tasks[0].Active || tasks[1].Active {
		t.Fatalf("/j/tasks = %s (%v), want the active task first and no duplicate through runs/latest", body, err)
	}
}
