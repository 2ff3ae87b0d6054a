package docker

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// runnerDir is the plugin's directory in the sandbox: the runner script,
// one file per process command line, and status/<process> files that the
// runner rewrites as "STATE RUNS EXIT_CODE".
const runnerDir = ".docker"

// runnerPrelude is the POSIX sh runner that is the container's command.
// It runs the processes one after another, each run as `sh FILE` (bash
// when the image has it) with its output in the Thermos layout
// .logs/<process>/<run>/{stdout,stderr}; a failed run is retried until
// max_failures (0 = forever), min_duration apart; a daemon runs again
// after success. SIGTERM (docker stop) is passed to every process of the
// container, and the runner then exits 143.
const runnerPrelude = `#!/bin/sh
M=%s
D="$M/` + runnerDir + `"
SH=/bin/sh
[ -x /bin/bash ] && SH=/bin/bash
stopping=0
on_term() { stopping=1; kill -TERM -1 2>/dev/null; }
trap on_term TERM INT
st() { printf '%%s %%s %%s\n' "$2" "$3" "$4" > "$D/status/$1.tmp" && mv "$D/status/$1.tmp" "$D/status/$1"; }
pause() { sleep "$1" & wait $!; }
run() {
  name=$1; max=$2; min=$3; daemon=$4; eph=$5; runs=0; fails=0
  while :; do
    mkdir -p "$M/.logs/$name/$runs"
    st "$name" RUNNING $((runs+1)) 0
    "$SH" "$D/$name.sh" >>"$M/.logs/$name/$runs/stdout" 2>>"$M/.logs/$name/$runs/stderr" &
    child=$!
    wait $child; rc=$?
    while kill -0 $child 2>/dev/null; do wait $child; rc=$?; done
    runs=$((runs+1))
    if [ $stopping = 1 ]; then st "$name" KILLED $runs $rc; exit 143; fi
    if [ $rc = 0 ]; then
      if [ $daemon = 1 ]; then st "$name" WAITING $runs 0; pause $min; continue; fi
      st "$name" SUCCESS $runs 0
      return 0
    fi
    fails=$((fails+1))
    if [ $max != 0 ] && [ $fails -ge $max ]; then
      st "$name" FAILED $runs $rc
      [ $eph = 1 ] && return 0
      return $rc
    fi
    st "$name" WAITING $runs $rc
    pause $min
    [ $stopping = 1 ] && exit 143
  done
}
rc=0
`

// writeRunner writes the runner script and the process files into the
// sandbox, and resets the status files.
func writeRunner(sandbox, mount string, procs []process) error {
	dir := filepath.Join(sandbox, runnerDir)
	if err := os.RemoveAll(filepath.Join(dir, "status")); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "status"), 0o755); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, runnerPrelude, shellQuote(mount))
	for _, p := range procs {
		if err := os.WriteFile(filepath.Join(dir, p.name+".sh"), []byte(p.cmdline+"\n"), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "status", p.name), []byte("WAITING 0 0\n"), 0o644); err != nil {
			return err
		}
		call := fmt.Sprintf("run %s %d %d %d %d", shellQuote(p.name), p.maxFailures,
			int(math.Ceil(p.minDuration.Seconds())), b2i(p.daemon), b2i(p.ephemeral))
		if p.final {
			fmt.Fprintf(&b, "%s || true\n", call) // final processes run whatever happened
		} else {
			fmt.Fprintf(&b, "[ $rc = 0 ] && { %s || rc=$?; }\n", call)
		}
	}
	b.WriteString("exit $rc\n")
	return os.WriteFile(filepath.Join(dir, "runner.sh"), []byte(b.String()), 0o755)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// procStatus is one process as the runner last recorded it.
type procStatus struct {
	name     string
	state    string
	runs     int
	exitCode int
}

// readStatus reads the runner's status files, in the run order.
func readStatus(sandbox string, procs []process) []procStatus {
	out := make([]procStatus, 0, len(procs))
	for _, p := range procs {
		s := procStatus{name: p.name, state: "WAITING"}
		if b, err := os.ReadFile(filepath.Join(sandbox, runnerDir, "status", p.name)); err == nil {
			f := strings.Fields(string(b))
			if len(f) == 3 {
				s.state = f[0]
				s.runs, _ = strconv.Atoi(f[1])
				s.exitCode, _ = strconv.Atoi(f[2])
			}
		}
		out = append(out, s)
	}
	return out
}
