//go:build linux

package thermos

import (
	"bytes"
	"os"
	"strconv"
)

// livePgids returns the process groups that have a live (not zombie)
// process. Zombies do not count: their parent, possibly an init that does
// not reap, decides when they go away.
func livePgids() (map[int]struct{}, bool) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, false
	}
	live := make(map[int]struct{})
	for _, e := range entries {
		name := e.Name()
		if name[0] < '0' || name[0] > '9' {
			continue
		}
		stat, err := os.ReadFile("/proc/" + name + "/stat")
		if err != nil {
			continue // exited meanwhile
		}
		if state, pgrp, ok := parseStat(stat); ok && state != 'Z' && state != 'X' {
			live[pgrp] = struct{}{}
		}
	}
	return live, true
}

// procStartTime returns the start time of process pid (field 22 of
// /proc/<pid>/stat, in clock ticks since boot) and whether it is alive (not
// a zombie). Together with the pid it names one process: a pid recycled for
// another process has another start time.
func procStartTime(pid int) (start uint64, alive bool) {
	if pid <= 0 {
		return 0, false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	state, _, ok := parseStat(stat)
	if !ok || state == 'Z' || state == 'X' {
		return 0, false
	}
	i := bytes.LastIndexByte(stat, ')')
	fields := bytes.Fields(stat[i+1:])
	// fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
	if len(fields) < 20 {
		return 0, false
	}
	start, err = strconv.ParseUint(string(fields[19]), 10, 64)
	if err != nil {
		return 0, false
	}
	return start, true
}

// parseStat extracts the state and process group from /proc/<pid>/stat:
// "pid (comm) state ppid pgrp ...", where comm may hold spaces and parens.
func parseStat(stat []byte) (state byte, pgrp int, ok bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, 0, false
	}
	fields := bytes.Fields(stat[i+1:])
	if len(fields) < 3 || len(fields[0]) != 1 {
		return 0, 0, false
	}
	pgrp, err := strconv.Atoi(string(fields[2]))
	if err != nil {
		return 0, 0, false
	}
	return fields[0][0], pgrp, true
}
