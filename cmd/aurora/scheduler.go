package main

import (
	"context"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/aurora-go/aurora/core/server"
)

// SchedulerCommand is `aurora scheduler`.
type SchedulerCommand struct {
	Meta *Meta
}

func (c *SchedulerCommand) Synopsis() string {
	return "Run a scheduler replica from an HCL configuration"
}

func (c *SchedulerCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora scheduler -config FILE

  Runs one scheduler replica. Replicas share a raft log; the leader
  subscribes to Mesos, schedules, and announces itself in ZooKeeper;
  followers serve reads and forward writes to it. See
  examples/scheduler.hcl for every setting.

Example:
  aurora scheduler -config /etc/aurora/scheduler.hcl
`)
}

func (c *SchedulerCommand) Run(args []string) int {
	fs := c.Meta.flagSet("scheduler", false)
	path := fs.String("config", "", "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 0 || *path == "" {
		c.Meta.UI.Error("usage: aurora scheduler -config FILE; see `aurora scheduler -h`")
		return exitInvalidCommand
	}
	cfg, err := server.LoadConfig(*path)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidConfig
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := server.New(cfg, logger("aurora")).Run(ctx); err != nil {
		c.Meta.UI.Error("aurora scheduler: " + err.Error())
		return exitCommandFailed
	}
	return exitOK
}
