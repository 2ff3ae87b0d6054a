package main

import (
	"context"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/aurora-go/aurora/sdk"

	"github.com/aurora-go/aurora/core/executor"
	"github.com/aurora-go/aurora/core/pluginhost"
)

// ExecutorCommand is `aurora executor`, started by a Mesos agent.
type ExecutorCommand struct {
	Meta *Meta
}

func (c *ExecutorCommand) Synopsis() string {
	return "Run as the Mesos executor of a task (started by an agent)"
}

func (c *ExecutorCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora executor [-plugin NAME]

  The Mesos executor. A Mesos agent starts it with the MESOS_* environment;
  it runs the task through the executor plugin (default thermos) and
  reports its state. It is not meant to be run by hand.
`)
}

func (c *ExecutorCommand) Run(args []string) int {
	fs := c.Meta.flagSet("executor", false)
	name := fs.String("plugin", "thermos", "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 0 {
		c.Meta.UI.Error("usage: aurora executor [-plugin NAME]")
		return exitInvalidCommand
	}
	log := logger("aurora-executor")
	spec, err := pluginhost.BuiltinSpec(sdk.KindExecutor, *name)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	plugins := pluginhost.New(log.Named("plugins"))
	defer plugins.Shutdown()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := executor.Run(ctx, executor.Config{Plugin: spec, Plugins: plugins, Logger: log}); err != nil {
		log.Error("executor stopped", "error", err)
		return exitCommandFailed
	}
	return exitOK
}
