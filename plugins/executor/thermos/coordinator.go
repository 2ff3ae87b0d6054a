package thermos

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	hclog "github.com/hashicorp/go-hclog"
)

// coordinatorEnv, set to "1", makes a binary that links this package run as
// a process coordinator instead of its main (see init).
const coordinatorEnv = "AURORA_THERMOS_COORDINATOR"

// Files of a run's checkpoint directory, <sandbox>/.thermos/runs/<process>/<run>.
const (
	startedFile    = "started.json"
	exitFile       = "exit.json"
	coordinatorLog = "coordinator.log"
)

// init turns the process into a coordinator when the plugin started it as
// one: the plugin re-executes its own binary (the aurora binary for the
// built-in plugin, a test binary in tests) with coordinatorEnv set, so
// every binary that can serve the plugin can also coordinate its processes.
func init() {
	if os.Getenv(coordinatorEnv) == "1" {
		os.Exit(runCoordinator(os.Stdin, os.Stdout, os.Stderr))
	}
}

// coordSpec is what the plugin tells a coordinator, on its stdin, about the
// run it coordinates.
type coordSpec struct {
	Dir     string   `json:"dir"` // the run's checkpoint directory
	Bash    string   `json:"bash"`
	Sandbox string   `json:"sandbox"`
	Env     []string `json:"env"`
	Process string   `json:"process"`
	Cmdline string   `json:"cmdline"`
	Run     int      `json:"run"`
	Log     struct {
		File    bool  `json:"file"`
		Console bool  `json:"console"`
		Rotate  bool  `json:"rotate"`
		Size    int64 `json:"size"`
		Backups int   `json:"backups"`
	} `json:"log"`
	// User, Uid, Gid and Groups are the identity to run as; User is empty
	// to keep the coordinator's.
	User    string   `json:"user,omitempty"`
	UID     uint32   `json:"uid,omitempty"`
	GID     uint32   `json:"gid,omitempty"`
	Groups  []uint32 `json:"groups,omitempty"`
	Warning string   `json:"warning,omitempty"`
}

// runStarted is a coordinator's started.json, also its one line on stdout:
// the run's process and the coordinator, each named by pid and start time,
// or why the process could not be started.
type runStarted struct {
	PID              int    `json:"pid"`
	StartTime        uint64 `json:"start_time"`
	Coordinator      int    `json:"coordinator_pid"`
	CoordinatorStart uint64 `json:"coordinator_start_time"`
	Error            string `json:"error,omitempty"`
}

// runExit is a coordinator's exit.json: how the run's process ended.
type runExit struct {
	ExitCode int       `json:"exit_code"`
	Signal   int       `json:"signal"`
	Ended    time.Time `json:"ended"`
}

// runDir is the checkpoint directory of one run of a process.
func runDir(sandbox, process string, run int) string {
	return filepath.Join(sandbox, checkpointDir, "runs", process, strconv.Itoa(run))
}

// runCoordinator is a coordinator's main: it reads its coordSpec from
// stdin, starts the run's process (in its own process group, killed if the
// coordinator dies), records started.json and reports it on stdout, waits
// for the process and records exit.json. It outlives the plugin that
// started it, so a restarted plugin learns how the process ended.
func runCoordinator(stdin io.Reader, stdout io.WriteCloser, stderr io.Writer) int {
	logger := hclog.New(&hclog.LoggerOptions{Name: "thermos.coordinator", Output: stderr, Level: hclog.Info})
	// The coordinator ends only when its process has: signals meant for
	// the executor's process group do not end it, and a plugin that died
	// (a broken stdout) is no reason to stop either. Caught, not ignored,
	// so that the process does not inherit the disposition.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGPIPE)
	go func() {
		for sig := range sigs {
			logger.Debug("ignoring signal", "signal", sig)
		}
	}()

	var spec coordSpec
	if err := json.NewDecoder(stdin).Decode(&spec); err != nil {
		logger.Error("cannot read the run's specification", "error", err)
		return 2
	}
	logger = logger.With("process", spec.Process, "run", spec.Run)
	report := func(st runStarted) {
		b, _ := json.Marshal(st)
		if err := writeFileAtomic(filepath.Join(spec.Dir, startedFile), b); err != nil {
			logger.Error("cannot record the start of the process", "error", err)
		}
		if _, err := stdout.Write(append(b, '\n')); err != nil {
			logger.Warn("cannot report the start to the plugin", "error", err)
		}
		stdout.Close()
	}

	self, _ := procStartTime(os.Getpid())
	cmd, release, err := startRun(spec.Bash, spec.Sandbox, spec.Env, spec.processConfig(), spec.Run, spec.runAs(), spec.Warning)
	if err != nil {
		logger.Error("cannot start the process", "error", err)
		report(runStarted{Coordinator: os.Getpid(), CoordinatorStart: self, Error: err.Error()})
		return 1
	}
	pid := cmd.Process.Pid
	start, _ := procStartTime(pid) // 0 if it has already exited
	report(runStarted{PID: pid, StartTime: start, Coordinator: os.Getpid(), CoordinatorStart: self})

	_ = cmd.Wait() // the exit status is in ProcessState
	release()
	code, sig := exitStatus(cmd.ProcessState)
	b, _ := json.Marshal(runExit{ExitCode: code, Signal: sig, Ended: time.Now().UTC()})
	if err := writeFileAtomic(filepath.Join(spec.Dir, exitFile), b); err != nil {
		logger.Error("cannot record the exit of the process", "exit_code", code, "signal", sig, "error", err)
		return 1
	}
	return 0
}

func (s *coordSpec) processConfig() processConfig {
	return processConfig{
		name:    s.Process,
		cmdline: s.Cmdline,
		logger: logConfig{toFile: s.Log.File, toConsole: s.Log.Console, rotate: s.Log.Rotate,
			logSize: s.Log.Size, backups: s.Log.Backups},
	}
}

func (s *coordSpec) runAs() *runAs {
	if s.User == "" {
		return nil
	}
	return &runAs{name: s.User, cred: &syscall.Credential{Uid: s.UID, Gid: s.GID, Groups: s.Groups}}
}

// newCoordSpec describes run number run of p for its coordinator.
func (t *task) newCoordSpec(p *process, run int, dir string) *coordSpec {
	s := &coordSpec{Dir: dir, Bash: t.bash, Sandbox: t.sandbox, Env: t.env, Process: p.cfg.name,
		Cmdline: p.cfg.cmdline, Run: run, Warning: t.userWarning}
	lc := p.cfg.logger
	s.Log.File, s.Log.Console, s.Log.Rotate, s.Log.Size, s.Log.Backups = lc.toFile, lc.toConsole, lc.rotate, lc.logSize, lc.backups
	if t.as != nil {
		s.User, s.UID, s.GID, s.Groups = t.as.name, t.as.cred.Uid, t.as.cred.Gid, t.as.cred.Groups
	}
	return s
}

// coordinator is a coordinator process this plugin instance started.
type coordinator struct {
	cmd *exec.Cmd
	dir string
}

// selfExe is the binary to run coordinators from: this one. On Linux
// /proc/self/exe still works when the file was replaced by an upgrade.
func selfExe() (string, error) {
	if runtime.GOOS == "linux" {
		if _, err := os.Stat("/proc/self/exe"); err == nil {
			return "/proc/self/exe", nil
		}
	}
	return os.Executable()
}

// startCoordinator starts the coordinator of one run and waits for its
// report. The coordinator does not die with the plugin: it joins the
// process group of the plugin's host (the executor's, which the agent kills
// with the executor), or a group of its own when the plugin runs in its
// host's group (in process).
func startCoordinator(spec *coordSpec) (*coordinator, runStarted, error) {
	var st runStarted
	exe, err := selfExe()
	if err != nil {
		return nil, st, fmt.Errorf("find the coordinator binary: %w", err)
	}
	in, err := json.Marshal(spec)
	if err != nil {
		return nil, st, fmt.Errorf("encode the run: %w", err)
	}
	if err := os.MkdirAll(spec.Dir, 0o700); err != nil {
		return nil, st, fmt.Errorf("create the run's checkpoint directory: %w", err)
	}
	for _, name := range []string{startedFile, exitFile} {
		if err := os.Remove(filepath.Join(spec.Dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, st, fmt.Errorf("clear the run's checkpoint directory: %w", err)
		}
	}
	logf, err := os.OpenFile(filepath.Join(spec.Dir, coordinatorLog), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, st, fmt.Errorf("open the coordinator log: %w", err)
	}
	defer logf.Close() // the coordinator has its own descriptor once started

	var cmd *exec.Cmd
	var out io.ReadCloser
	for _, pgid := range coordinatorGroups() {
		cmd = exec.Command(exe)
		cmd.Env = append([]string{coordinatorEnv + "=1"}, coordinatorExtraEnv()...)
		cmd.Dir = spec.Sandbox
		cmd.Stdin = bytes.NewReader(in)
		cmd.Stderr = logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: pgid}
		if out, err = cmd.StdoutPipe(); err != nil {
			return nil, st, fmt.Errorf("coordinator stdout: %w", err)
		}
		if err = cmd.Start(); err == nil {
			break
		}
	}
	if err != nil {
		return nil, st, fmt.Errorf("start the coordinator %s: %w", exe, err)
	}
	c := &coordinator{cmd: cmd, dir: spec.Dir}
	line, rerr := bufio.NewReader(out).ReadBytes('\n')
	if rerr == nil {
		rerr = json.Unmarshal(line, &st)
	}
	if rerr != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, st, fmt.Errorf("coordinator did not report the start of the process (see %s): %w",
			filepath.Join(spec.Dir, coordinatorLog), rerr)
	}
	if st.Error != "" {
		_ = cmd.Wait()
		return nil, st, errors.New(st.Error)
	}
	return c, st, nil
}

// coordinatorGroups are the process groups to try for a coordinator, best
// first: the host's (the parent's, when the plugin has a group of its own),
// then a new one.
func coordinatorGroups() []int {
	ppid := os.Getppid()
	if ppid <= 1 {
		return []int{0}
	}
	host, err := syscall.Getpgid(ppid)
	if err != nil || host == syscall.Getpgrp() {
		return []int{0}
	}
	return []int{host, 0}
}

// wait waits for the coordinator to exit and returns how the run ended.
func (c *coordinator) wait(name string, run int) exitEvent {
	err := c.cmd.Wait()
	ev := exitEvent{name: name, run: run}
	if ex, ok := readExit(c.dir); ok {
		ev.exitCode, ev.signal = ex.ExitCode, ex.Signal
		return ev
	}
	ev.lost = fmt.Sprintf("its coordinator ended (%v) without recording the exit", err)
	return ev
}

// watchRun waits, by polling, for a run whose coordinator this plugin
// instance did not start: until exit.json appears or the coordinator is
// gone.
func watchRun(dir, name string, run, coordPID int, coordStart uint64) exitEvent {
	ev := exitEvent{name: name, run: run}
	for {
		if ex, ok := readExit(dir); ok {
			ev.exitCode, ev.signal = ex.ExitCode, ex.Signal
			return ev
		}
		if !sameProcess(coordPID, coordStart) {
			if ex, ok := readExit(dir); ok { // it wrote the file and exited
				ev.exitCode, ev.signal = ex.ExitCode, ex.Signal
				return ev
			}
			ev.lost = fmt.Sprintf("its coordinator (pid %d) is gone and recorded no exit", coordPID)
			return ev
		}
		time.Sleep(watchPoll)
	}
}

// watchPoll is how often a recovered run's coordinator is checked.
const watchPoll = 50 * time.Millisecond

// sameProcess reports whether pid is alive and is the process that had
// start time start (0: unknown, any).
func sameProcess(pid int, start uint64) bool {
	now, alive := procStartTime(pid)
	return alive && (start == 0 || now == start)
}

func readExit(dir string) (runExit, bool) {
	var ex runExit
	b, err := os.ReadFile(filepath.Join(dir, exitFile))
	if err != nil || json.Unmarshal(b, &ex) != nil {
		return ex, false
	}
	return ex, true
}

func readStarted(dir string) (runStarted, bool) {
	var st runStarted
	b, err := os.ReadFile(filepath.Join(dir, startedFile))
	if err != nil || json.Unmarshal(b, &st) != nil {
		return st, false
	}
	return st, true
}

// writeFileAtomic replaces path with data: a temporary file in the same
// directory, synced, renamed over path, and the directory synced, so that
// a crash leaves either the old or the new content.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
