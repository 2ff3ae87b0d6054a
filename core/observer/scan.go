package observer

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/aurora-go/aurora/core/executor"
)

// maxDepth bounds the search for sandboxes below the root: the Mesos
// layout slaves/A/frameworks/F/executors/E/runs/C is 8 levels deep.
const maxDepth = 14

// Task is one task sandbox found under the root.
type Task struct {
	executor.TaskStatusFile
	Sandbox string `json:"sandbox"`
	// Active is false once the executor reported a terminal state.
	Active bool `json:"active"`
}

// terminal Mesos states.
var terminal = map[string]bool{
	"TASK_FINISHED": true, "TASK_FAILED": true, "TASK_KILLED": true, "TASK_LOST": true,
	"TASK_ERROR": true, "TASK_DROPPED": true, "TASK_GONE": true,
}

// scan finds every sandbox under root that holds an executor status file.
// It does not follow symbolic links (runs/latest) and does not look inside
// a sandbox once found.
func scan(root string) ([]*Task, error) {
	var tasks []*Task
	root = filepath.Clean(root)
	base := strings.Count(root, string(filepath.Separator))
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			return nil // a directory that vanished or is unreadable
		}
		if !d.IsDir() {
			return nil
		}
		if strings.Count(path, string(filepath.Separator))-base > maxDepth {
			return filepath.SkipDir
		}
		st, err := executor.ReadStatus(path)
		if err != nil {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") && name != ".") {
				return filepath.SkipDir // .logs, .aurora of no task, ...
			}
			return nil
		}
		tasks = append(tasks, &Task{TaskStatusFile: *st, Sandbox: path, Active: !terminal[st.State]})
		return filepath.SkipDir
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(tasks, func(i, j int) bool {
		if tasks[i].Active != tasks[j].Active {
			return tasks[i].Active
		}
		if !tasks[i].Started.Equal(tasks[j].Started) {
			return tasks[i].Started.After(tasks[j].Started)
		}
		return tasks[i].TaskID < tasks[j].TaskID
	})
	return tasks, nil
}

// find returns the task with id, or nil.
func find(root, id string) (*Task, error) {
	tasks, err := scan(root)
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		if t.TaskID == id {
			return t, nil
		}
	}
	return nil, nil
}

// Run is one run of a process, from the sandbox's .logs layout.
type Run struct {
	Run         int   `json:"run"`
	StdoutBytes int64 `json:"stdout_bytes"`
	StderrBytes int64 `json:"stderr_bytes"`
}

// runs lists the runs of a process: <sandbox>/.logs/<process>/<run>.
func runs(sandbox, process string) []Run {
	entries, err := os.ReadDir(filepath.Join(sandbox, ".logs", process))
	if err != nil {
		return nil
	}
	var out []Run
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil || !e.IsDir() {
			continue
		}
		r := Run{Run: n}
		if fi, err := os.Stat(filepath.Join(sandbox, ".logs", process, e.Name(), "stdout")); err == nil {
			r.StdoutBytes = fi.Size()
		}
		if fi, err := os.Stat(filepath.Join(sandbox, ".logs", process, e.Name(), "stderr")); err == nil {
			r.StderrBytes = fi.Size()
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Run < out[j].Run })
	return out
}

// processNames are the processes of a task: those the executor reported,
// then any other with logs.
func processNames(t *Task) []string {
	seen := map[string]bool{}
	var names []string
	for _, p := range t.Processes {
		if !seen[p.Name] {
			seen[p.Name] = true
			names = append(names, p.Name)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(t.Sandbox, ".logs"))
	for _, e := range entries {
		if e.IsDir() && !seen[e.Name()] {
			seen[e.Name()] = true
			names = append(names, e.Name())
		}
	}
	return names
}

// errOutside means a path leaves the sandbox.
var errOutside = errors.New("path is outside the sandbox")

// sandboxPath resolves rel inside sandbox, refusing paths (and symbolic
// links) that lead outside it.
func sandboxPath(sandbox, rel string) (string, error) {
	clean := filepath.Clean("/" + rel)
	full := filepath.Join(sandbox, clean)
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return "", err
	}
	realSandbox, err := filepath.EvalSymlinks(sandbox)
	if err != nil {
		return "", err
	}
	if real != realSandbox && !strings.HasPrefix(real, realSandbox+string(filepath.Separator)) {
		return "", errOutside
	}
	return real, nil
}

// tail reads at most n bytes from the end of path, starting at a line
// boundary when it had to cut, and returns the file's size.
func tail(path string, n int64) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	size := fi.Size()
	off := size - n
	if off < 0 {
		off = 0
	}
	buf := make([]byte, size-off)
	if _, err := f.ReadAt(buf, off); err != nil && len(buf) > 0 {
		return "", size, err
	}
	if off > 0 {
		if i := strings.IndexByte(string(buf), '\n'); i >= 0 {
			buf = buf[i+1:]
		}
	}
	return string(buf), size, nil
}
