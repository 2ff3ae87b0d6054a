package observer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
)

// tailBytes is how much of a log or file the pages show.
const tailBytes = 64 << 10

// Observer serves the pages of the tasks under Root.
type Observer struct {
	// Root is searched for task sandboxes: an agent's work dir, or any
	// directory above sandboxes.
	Root   string
	Logger hclog.Logger
	// Name is shown in the title (the agent's hostname).
	Name string
}

// Handler returns the observer's HTTP handler.
func (o *Observer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", o.index)
	mux.HandleFunc("GET /main/{which}", o.index)
	mux.HandleFunc("GET /task/{id}", o.task)
	mux.HandleFunc("GET /process/{id}/{process}", o.process)
	mux.HandleFunc("GET /logs/{id}/{process}/{run}/{stream}", o.logs)
	mux.HandleFunc("GET /logdata/{id}/{process}/{run}/{stream}", o.logdata)
	mux.HandleFunc("GET /browse/{id}", o.browse)
	mux.HandleFunc("GET /browse/{id}/{path...}", o.browse)
	mux.HandleFunc("GET /download/{id}/{path...}", o.download)
	mux.HandleFunc("GET /j/tasks", o.jsonTasks)
	mux.HandleFunc("GET /j/task/{id}", o.jsonTask)
	return mux
}

// Serve listens on addr and serves until ctx ends. ready, if set, gets
// the listener's address.
func (o *Observer) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("observer: %w", err)
	}
	return o.ServeListener(ctx, ln, ready)
}

// ServeListener serves on ln until ctx ends.
func (o *Observer) ServeListener(ctx context.Context, ln net.Listener, ready func(net.Addr)) error {
	srv := &http.Server{Handler: o.Handler(), ReadHeaderTimeout: 10 * time.Second}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		return nil
	}
}

func (o *Observer) logger() hclog.Logger {
	if o.Logger == nil {
		return hclog.NewNullLogger()
	}
	return o.Logger
}

func (o *Observer) fail(w http.ResponseWriter, code int, err error) {
	if code >= 500 {
		o.logger().Warn("observer request failed", "error", err)
	}
	http.Error(w, err.Error(), code)
}

func (o *Observer) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		o.logger().Warn("observer template", "page", name, "error", err)
	}
}

// lookup finds the task of the request's {id}.
func (o *Observer) lookup(w http.ResponseWriter, r *http.Request) *Task {
	t, err := find(o.Root, r.PathValue("id"))
	if err != nil {
		o.fail(w, http.StatusInternalServerError, err)
		return nil
	}
	if t == nil {
		o.fail(w, http.StatusNotFound, fmt.Errorf("no task %q under %s", r.PathValue("id"), o.Root))
		return nil
	}
	return t
}

func (o *Observer) index(w http.ResponseWriter, r *http.Request) {
	which := r.PathValue("which")
	if which == "" {
		which = "all"
	}
	tasks, err := scan(o.Root)
	if err != nil {
		o.fail(w, http.StatusInternalServerError, err)
		return
	}
	var shown []*Task
	active := 0
	for _, t := range tasks {
		if t.Active {
			active++
		}
		if which == "all" || (which == "active") == t.Active {
			shown = append(shown, t)
		}
	}
	o.render(w, "index", map[string]any{
		"Name": o.Name, "Root": o.Root, "Which": which, "Tasks": shown,
		"Active": active, "Finished": len(tasks) - active, "All": len(tasks),
	})
}

// processRow is one line of a task's process table.
type processRow struct {
	Name, State   string
	PID, ExitCode int
	Runs, LastRun int
	HasLogs       bool
}

func (o *Observer) task(w http.ResponseWriter, r *http.Request) {
	t := o.lookup(w, r)
	if t == nil {
		return
	}
	var rows []processRow
	reported := map[string]int{}
	for i, p := range t.Processes {
		reported[p.Name] = i
	}
	for _, name := range processNames(t) {
		row := processRow{Name: name, State: "UNKNOWN", LastRun: -1}
		if i, ok := reported[name]; ok {
			p := t.Processes[i]
			row.State, row.PID, row.ExitCode, row.Runs = p.State, p.PID, p.ExitCode, p.Runs
		}
		if rs := runs(t.Sandbox, name); len(rs) > 0 {
			row.HasLogs, row.LastRun = true, rs[len(rs)-1].Run
			if row.Runs == 0 {
				row.Runs = len(rs)
			}
		}
		rows = append(rows, row)
	}
	ports := make([]string, 0, len(t.Ports))
	for name, p := range t.Ports {
		ports = append(ports, name+": "+strconv.FormatUint(p, 10))
	}
	sort.Strings(ports)
	o.render(w, "task", map[string]any{"Name": o.Name, "T": t, "Processes": rows, "Ports": ports})
}

func (o *Observer) process(w http.ResponseWriter, r *http.Request) {
	t := o.lookup(w, r)
	if t == nil {
		return
	}
	name := r.PathValue("process")
	o.render(w, "process", map[string]any{"Name": o.Name, "T": t, "Process": name, "Runs": runs(t.Sandbox, name)})
}

// logPath is the log file of the request's process, run and stream.
func (o *Observer) logPath(w http.ResponseWriter, r *http.Request) (*Task, string, bool) {
	t := o.lookup(w, r)
	if t == nil {
		return nil, "", false
	}
	stream := r.PathValue("stream")
	if stream != "stdout" && stream != "stderr" {
		o.fail(w, http.StatusNotFound, fmt.Errorf("no log stream %q: use stdout or stderr", stream))
		return nil, "", false
	}
	if _, err := strconv.Atoi(r.PathValue("run")); err != nil {
		o.fail(w, http.StatusNotFound, fmt.Errorf("run %q is not a number", r.PathValue("run")))
		return nil, "", false
	}
	p, err := sandboxPath(t.Sandbox, path.Join(".logs", r.PathValue("process"), r.PathValue("run"), stream))
	if err != nil {
		o.fail(w, http.StatusNotFound, err)
		return nil, "", false
	}
	return t, p, true
}

func (o *Observer) logs(w http.ResponseWriter, r *http.Request) {
	t, p, ok := o.logPath(w, r)
	if !ok {
		return
	}
	text, size, err := tail(p, tailBytes)
	if err != nil {
		o.fail(w, http.StatusNotFound, err)
		return
	}
	o.render(w, "logs", map[string]any{
		"Name": o.Name, "T": t, "Process": r.PathValue("process"), "Run": r.PathValue("run"),
		"Stream": r.PathValue("stream"), "Text": text, "Size": size,
	})
}

// logdata is the tail of a log as JSON, for the log page's refresh.
func (o *Observer) logdata(w http.ResponseWriter, r *http.Request) {
	_, p, ok := o.logPath(w, r)
	if !ok {
		return
	}
	text, size, err := tail(p, tailBytes)
	if err != nil {
		o.fail(w, http.StatusNotFound, err)
		return
	}
	writeJSON(w, map[string]any{"data": text, "size": size})
}

// entry is one line of a directory listing.
type entry struct {
	Name, Path string
	Dir        bool
	Size       int64
	Mod        time.Time
}

func (o *Observer) browse(w http.ResponseWriter, r *http.Request) {
	t := o.lookup(w, r)
	if t == nil {
		return
	}
	rel := strings.Trim(r.PathValue("path"), "/")
	p, err := sandboxPath(t.Sandbox, rel)
	if err != nil {
		o.fail(w, http.StatusNotFound, err)
		return
	}
	fi, err := os.Stat(p)
	if err != nil {
		o.fail(w, http.StatusNotFound, err)
		return
	}
	data := map[string]any{"Name": o.Name, "T": t, "Path": rel, "Parent": path.Dir("/" + rel)}
	if !fi.IsDir() {
		text, size, err := tail(p, tailBytes)
		if err != nil {
			o.fail(w, http.StatusInternalServerError, err)
			return
		}
		data["Text"], data["Size"] = text, size
		o.render(w, "file", data)
		return
	}
	dirents, err := os.ReadDir(p)
	if err != nil {
		o.fail(w, http.StatusInternalServerError, err)
		return
	}
	var entries []entry
	for _, d := range dirents {
		info, err := d.Info()
		if err != nil {
			continue
		}
		entries = append(entries, entry{Name: d.Name(), Path: path.Join(rel, d.Name()), Dir: info.IsDir() || info.Mode()&fs.ModeSymlink != 0 && isDir(path.Join(p, d.Name())),
			Size: info.Size(), Mod: info.ModTime()})
	}
	data["Entries"] = entries
	o.render(w, "browse", data)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func (o *Observer) download(w http.ResponseWriter, r *http.Request) {
	t := o.lookup(w, r)
	if t == nil {
		return
	}
	p, err := sandboxPath(t.Sandbox, r.PathValue("path"))
	if err != nil {
		o.fail(w, http.StatusNotFound, err)
		return
	}
	if fi, err := os.Stat(p); err != nil || fi.IsDir() {
		o.fail(w, http.StatusNotFound, errors.New("not a file"))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeFile(w, r, p)
}

func (o *Observer) jsonTasks(w http.ResponseWriter, r *http.Request) {
	tasks, err := scan(o.Root)
	if err != nil {
		o.fail(w, http.StatusInternalServerError, err)
		return
	}
	if tasks == nil {
		tasks = []*Task{}
	}
	writeJSON(w, tasks)
}

func (o *Observer) jsonTask(w http.ResponseWriter, r *http.Request) {
	if t := o.lookup(w, r); t != nil {
		writeJSON(w, t)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
