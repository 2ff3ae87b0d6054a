package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/aurora-go/aurora/core/server"
)

// DevCommand is `aurora dev`.
type DevCommand struct {
	Meta *Meta
}

func (c *DevCommand) Synopsis() string {
	return "Run a scheduler, an embedded Mesos cluster and the plugins on this machine"
}

func (c *DevCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora dev [options]

  Starts everything on this machine in one process: a one-node scheduler
  with its replicated log in the data dir, an embedded Mesos-compatible
  master with N agents, and the built-in plugins. The API serves the
  built-in cluster "local". SIGTERM or Ctrl-C stops it and its tasks; the
  next start on the same data dir brings the jobs back.

Options:
  -data-dir DIR    State directory (default ~/.aurora/dev).
  -http-addr ADDR  API address (default 127.0.0.1:8081).
  -agents N        Number of embedded agents (default 1).
  -config FILE     Optional HCL settings: the scheduler and backup blocks of
                   a server configuration (see examples/scheduler.hcl).

Example:
  aurora dev &
  aurora job run examples/hello.hcl
`)
}

func (c *DevCommand) Run(args []string) int {
	fs := c.Meta.flagSet("dev", false)
	home, _ := os.UserHomeDir()
	dataDir := fs.String("data-dir", filepath.Join(home, ".aurora", "dev"), "")
	addr := fs.String("http-addr", DefaultLocalAddr, "")
	agents := fs.Int("agents", 1, "")
	configFile := fs.String("config", "", "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 0 {
		c.Meta.UI.Error("usage: aurora dev [-data-dir DIR] [-http-addr ADDR] [-agents N]; see `aurora dev -h`")
		return exitInvalidCommand
	}
	var file *server.DevFile
	if *configFile != "" {
		if file, err = server.LoadDevFile(*configFile); err != nil {
			c.Meta.UI.Error(err.Error())
			return exitInvalidConfig
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = server.RunDev(ctx, server.DevConfig{
		DataDir: *dataDir, HTTPAddr: *addr, Agents: *agents, File: file, Logger: logger("aurora"),
		Ready: func(e server.DevEndpoints) {
			c.Meta.UI.Output("aurora dev: API " + e.API + ", Mesos master " + e.Master + ", observer " + e.Observer + ", data in " + *dataDir)
		},
	})
	if err != nil {
		c.Meta.UI.Error("aurora dev: " + err.Error())
		return exitCommandFailed
	}
	return exitOK
}
