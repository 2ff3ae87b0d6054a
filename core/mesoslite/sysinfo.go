package mesoslite

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

const (
	fallbackMemMB  = 4096
	fallbackDiskMB = 10240
)

// totalMemoryMB reads MemTotal from /proc/meminfo.
func totalMemoryMB() float64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return fallbackMemMB
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseFloat(fields[1], 64)
			if err != nil || kb <= 0 {
				break
			}
			return float64(int64(kb / 1024))
		}
	}
	return fallbackMemMB
}

// availableDiskMB measures the space available to unprivileged users on the
// file system holding dir (or its closest existing parent).
func availableDiskMB(dir string) float64 {
	for d := dir; d != ""; {
		var st syscall.Statfs_t
		if err := syscall.Statfs(d, &st); err == nil {
			mb := float64(uint64(st.Bavail)*uint64(st.Bsize)) / (1 << 20)
			if mb <= 0 {
				return fallbackDiskMB
			}
			return float64(int64(mb))
		}
		parent := parentDir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return fallbackDiskMB
}

func parentDir(d string) string {
	i := strings.LastIndexByte(strings.TrimRight(d, "/"), '/')
	switch {
	case i < 0:
		return d
	case i == 0:
		return "/"
	default:
		return d[:i]
	}
}
