package main

import (
	"strings"

	"github.com/aurora-go/aurora/plugins/builtin"
)

// PluginServeCommand is `aurora plugin serve KIND/NAME`.
type PluginServeCommand struct {
	Meta *Meta
}

func (c *PluginServeCommand) Synopsis() string {
	return "Serve a built-in plugin (started by the plugin host)"
}

func (c *PluginServeCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora plugin serve KIND/NAME

  Serves a built-in plugin over go-plugin gRPC. The scheduler and the
  executor start it as a child process; run by hand it refuses to start.
  Built-in plugins: ` + strings.Join(builtin.Names(), ", ") + `

Example:
  aurora plugin serve constraint/limit
`)
}

func (c *PluginServeCommand) Run(args []string) int {
	if len(args) != 1 {
		c.Meta.UI.Error("usage: aurora plugin serve KIND/NAME; built-in plugins: " + strings.Join(builtin.Names(), ", "))
		return exitInvalidCommand
	}
	if err := builtin.Serve(args[0]); err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	return exitOK
}
