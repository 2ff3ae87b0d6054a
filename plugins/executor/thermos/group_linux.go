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
