package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mitchellh/cli"

	"github.com/aurora-go/aurora/core/api"
	"github.com/aurora-go/aurora/core/clusters"
)

// Exit codes, as Aurora's client uses them (reference aurora.md 1.1).
const (
	exitOK             = 0
	exitInvalidConfig  = 3
	exitCommandFailed  = 4
	exitInvalidCommand = 5
	exitInvalidParam   = 6
	exitNetworkError   = 7
	exitTimeout        = 9
	exitAPIError       = 10
	exitUnknownError   = 20
)

// DefaultLocalAddr is where `aurora dev` serves its API.
const DefaultLocalAddr = "127.0.0.1:8081"

// Meta holds what every command shares: the UI and the scheduler address.
type Meta struct {
	UI   cli.Ui
	addr string
}

// flagSet returns a flag set with the shared flags.
func (m *Meta) flagSet(name string, withAddr bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if withAddr {
		fs.StringVar(&m.addr, "addr", "", "scheduler API address (overrides AURORA_ADDR and the cluster)")
	}
	return fs
}

// client returns an API client for the cluster: -addr, then AURORA_ADDR,
// then the cluster's clusters.json entry (scheduler_uri, or the leader
// announced in ZooKeeper), then the built-in cluster "local" (the
// `aurora dev` address).
func (m *Meta) client(cluster string) (*api.Client, error) {
	addr := m.addr
	if addr == "" {
		addr = os.Getenv("AURORA_ADDR")
	}
	if addr == "" {
		all, err := clusters.Load()
		if err != nil {
			return nil, err
		}
		if c, ok := all[cluster]; ok {
			if addr, err = c.SchedulerURL(10 * time.Second); err != nil {
				return nil, fmt.Errorf("find the scheduler of cluster %s: %w", cluster, err)
			}
		} else if cluster == "local" {
			addr = DefaultLocalAddr
		} else {
			return nil, fmt.Errorf("unknown cluster %q: define it in clusters.json (/etc/aurora or ~/.aurora), or set -addr or AURORA_ADDR", cluster)
		}
	}
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	return api.NewClient(addr), nil
}

// logger is the logger of long-running commands: stderr, at the level in
// AURORA_LOG_LEVEL (info by default).
func logger(name string) hclog.Logger {
	level := hclog.LevelFromString(os.Getenv("AURORA_LOG_LEVEL"))
	if level == hclog.NoLevel {
		level = hclog.Info
	}
	return hclog.New(&hclog.LoggerOptions{Name: name, Level: level, Output: os.Stderr})
}

// exitFor maps an API error to Aurora's exit codes.
func exitFor(err error) int {
	if err == nil {
		return exitOK
	}
	var e *api.APIError
	if errors.As(err, &e) {
		return exitAPIError
	}
	if errors.Is(err, api.ErrUnreachable) {
		return exitNetworkError
	}
	return exitUnknownError
}

// parseArgs parses flags wherever they appear among the positional
// arguments, as Aurora's client allows (`aurora job status KEY -json`),
// and returns the positional arguments.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// arg returns the i-th positional argument, or "".
func arg(pos []string, i int) string {
	if i < len(pos) {
		return pos[i]
	}
	return ""
}
