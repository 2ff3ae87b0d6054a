package mesoslite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// launchSpec is everything needed to start an executor's container: here, a
// process group in a sandbox directory.
type launchSpec struct {
	runsDir     string // .../executors/<id>/runs
	containerID string
	directory   string // runsDir/containerID
	command     mesos.CommandInfo
	env         []string
}

// process is a launched executor process, leader of its own process group.
// Its reaper (see children) closes done once it has exited.
type process struct {
	cmd    *exec.Cmd
	pid    int
	start  uint64 // start time in clock ticks since boot (procStartTime)
	done   chan struct{}
	status int32 // raw wait status, valid once done is closed
}

// sandboxPath is the Mesos sandbox layout under an agent's work dir.
func sandboxRunsDir(workDir, agentID, frameworkID, executorID string) string {
	return filepath.Join(workDir, "slaves", agentID, "frameworks", frameworkID, "executors", executorID, "runs")
}

// prepareSandbox creates the run directory and points runs/latest at it.
func prepareSandbox(spec *launchSpec) error {
	if err := os.MkdirAll(spec.directory, 0o755); err != nil {
		return fmt.Errorf("creating sandbox: %w", err)
	}
	latest := filepath.Join(spec.runsDir, "latest")
	if err := os.Remove(latest); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("replacing %s: %w", latest, err)
	}
	if err := os.Symlink(spec.containerID, latest); err != nil {
		return fmt.Errorf("linking %s: %w", latest, err)
	}
	return nil
}

// startProcess runs the command in the sandbox as a new process group with
// stdout and stderr appended to the sandbox's stdout and stderr files. With
// shell (the default) the value runs through /bin/sh -c; otherwise the value
// is executed with the arguments as argv, like execvp.
func startProcess(ctx context.Context, f *forker, spec *launchSpec, pdeathsig bool) (*process, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := spec.command
	var cmd *exec.Cmd
	if c.GetShell() {
		cmd = exec.Command("/bin/sh", "-c", c.GetValue())
	} else {
		path := c.GetValue()
		if !strings.Contains(path, "/") {
			lp, err := lookPath(path, spec.env)
			if err != nil {
				return nil, err
			}
			path = lp
		}
		args := c.Arguments
		if len(args) == 0 {
			args = []string{c.GetValue()}
		}
		cmd = &exec.Cmd{Path: path, Args: append([]string(nil), args...)}
	}
	cmd.Dir = spec.directory
	cmd.Env = spec.env
	stdout, err := os.OpenFile(filepath.Join(spec.directory, "stdout"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening stdout: %w", err)
	}
	defer stdout.Close()
	stderr, err := os.OpenFile(filepath.Join(spec.directory, "stderr"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening stderr: %w", err)
	}
	defer stderr.Close()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = executorSysProcAttr(pdeathsig)
	if err := f.start(ctx, cmd); err != nil {
		return nil, fmt.Errorf("starting executor: %w", err)
	}
	p := &process{cmd: cmd, pid: cmd.Process.Pid, done: make(chan struct{})}
	p.start, _ = procStartTime(p.pid)
	children.add(spec.containerID, p)
	return p, nil
}

// lookPath resolves a bare command name against the PATH of env.
func lookPath(name string, env []string) (string, error) {
	path := ""
	for _, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			path = kv[len("PATH="):]
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("executable %q not found in PATH", name)
}

// reap waits for the process, records its raw wait status (what Mesos
// reports in FAILURE.status), kills whatever is left of its process group
// and closes done.
func (p *process) reap() {
	err := p.cmd.Wait()
	p.killGroup()
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok {
		p.status = int32(ws)
	} else {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.status = int32(ee.ExitCode() << 8)
		}
	}
	close(p.done)
}

func (p *process) Pid() int              { return p.pid }
func (p *process) Done() <-chan struct{} { return p.done }
func (p *process) Kill()                 { p.killGroup() }

// Status is the raw wait status once Done is closed.
func (p *process) Status() *int32 {
	s := p.status
	return &s
}

// killGroup sends SIGKILL to the whole process group.
func (p *process) killGroup() {
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
}

// executorEnv is the executor's environment (mesos.md §3.3): the agent's own
// environment, Config.ExecutorEnv, the MESOS_* variables and last
// CommandInfo.environment.
func executorEnv(base map[string]string, mesosVars map[string]string, cmd *mesos.CommandInfo) []string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if i := strings.IndexByte(kv, '='); i > 0 {
			env[kv[:i]] = kv[i+1:]
		}
	}
	for k, v := range base {
		env[k] = v
	}
	for k, v := range mesosVars {
		env[k] = v
	}
	if cmd != nil && cmd.Environment != nil {
		for _, v := range cmd.Environment.Variables {
			env[v.Name] = v.GetValue()
		}
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// copyFile copies src to dst with mode.
func copyFile(dst string, src io.Reader, mode os.FileMode) error {
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, src); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// waitStatusString describes a raw wait status for logs.
func waitStatusString(status *int32) string {
	if status == nil {
		return "none"
	}
	ws := syscall.WaitStatus(*status)
	switch {
	case ws.Exited():
		return fmt.Sprintf("exited with %d", ws.ExitStatus())
	case ws.Signaled():
		return "killed by " + ws.Signal().String()
	default:
		return fmt.Sprintf("wait status %d", *status)
	}
}
