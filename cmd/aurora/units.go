package main

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var dataPattern = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)$`)

// dataUnits are Aurora's 1024-based units; a number without a unit is MB,
// the unit Aurora's quotas are kept in.
var dataUnits = map[string]int64{
	"": 1 << 20, "B": 1,
	"K": 1 << 10, "KB": 1 << 10,
	"M": 1 << 20, "MB": 1 << 20,
	"G": 1 << 30, "GB": 1 << 30,
	"T": 1 << 40, "TB": 1 << 40,
}

// parseData reads an amount of RAM or disk as aurora_admin takes it:
// "4GB", "4G", "512MB", "1.5T", or a number of MB such as "4096".
func parseData(s string) (int64, error) {
	m := dataPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("%q is not an amount of data: use a number with a unit such as 512MB, 4GB or 1TB", s)
	}
	unit, ok := dataUnits[strings.ToUpper(m[2])]
	if !ok {
		return 0, fmt.Errorf("%q has unknown unit %q: use B, KB, MB, GB or TB (1024-based)", s, m[2])
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an amount of data: %w", s, err)
	}
	return int64(f * float64(unit)), nil
}

// parseDuration reads Aurora's durations: Go's forms plus days, such as
// "7d" or "1d12h".
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var days time.Duration
	if i := strings.Index(s, "d"); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration such as 30s, 10m, 12h or 7d", s)
		}
		days = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration such as 30s, 10m, 12h or 7d", s)
	}
	return days + d, nil
}

// formatCPU renders a number of cpus without float noise (0.3, not
// 0.30000000000000004).
func formatCPU(c float64) string {
	return strconv.FormatFloat(math.Round(c*1e6)/1e6, 'f', -1, 64)
}
