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
Usage: aurora executor [-plugin NAME] [-plugin-cache DIR]

  The Mesos executor. A Mesos agent starts it with the MESOS_* environment;
  it runs the task through the executor plugin (default thermos) and
  reports its state. It is not meant to be run by hand.

  A job whose executor is a plugin of the cluster's catalog runs under it:
  the executor fetches the plugin's binary from the scheduler into the
  agent's plugin cache, verifying its sha256, and starts it. The cache is
  DIR, else $AURORA_PLUGIN_CACHE_DIR (the scheduler's
  executor.plugin_cache_dir), else aurora-plugin-cache in the agent's work
  dir. An enabled catalog plugin of kind discovery replaces the built-in
  ZooKeeper announcer the same way.
`)
}

func (c *ExecutorCommand) Run(args []string) int {
	fs := c.Meta.flagSet("executor", false)
	name := fs.String("plugin", "thermos", "")
	cacheDir := fs.String("plugin-cache", "", "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 0 {
		c.Meta.UI.Error("usage: aurora executor [-plugin NAME] [-plugin-cache DIR]")
		return exitInvalidCommand
	}
	log := logger("aurora-executor")
	spec, err := pluginhost.BuiltinSpec(sdk.KindExecutor, *name)
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	var cache *executor.PluginCache
	if *cacheDir != "" {
		if cache, err = executor.NewPluginCache(*cacheDir, nil, log.Named("plugin-cache")); err != nil {
			c.Meta.UI.Error(err.Error())
			return exitInvalidParam
		}
	}
	plugins := pluginhost.New(log.Named("plugins"))
	defer plugins.Shutdown()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := executor.Run(ctx, executor.Config{Plugin: spec, Plugins: plugins, Logger: log, PluginCache: cache}); err != nil {
		log.Error("executor stopped", "error", err)
		return exitCommandFailed
	}
	return exitOK
}
