package main

import (
	"context"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/aurora-go/aurora/core/observer"
)

// ObserverCommand is `aurora observer`.
type ObserverCommand struct {
	Meta *Meta
}

func (c *ObserverCommand) Synopsis() string {
	return "Serve web pages over the task sandboxes of an agent"
}

func (c *ObserverCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora observer [-root DIR] [-addr ADDR]

  Serves the observer of one agent: the tasks whose sandboxes are under
  DIR (the agent's work dir), their processes with states and run counts,
  the sandbox files, and the tail of every process's stdout and stderr.
  aurora dev runs one for its embedded agents.

Options:
  -root DIR    Where to look for sandboxes (default /var/lib/mesos).
  -addr ADDR   Listen address (default 127.0.0.1:1338, Aurora's port).
`)
}

func (c *ObserverCommand) Run(args []string) int {
	fs := c.Meta.flagSet("observer", false)
	root := fs.String("root", "/var/lib/mesos", "")
	addr := fs.String("addr", "127.0.0.1:1338", "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 0 {
		c.Meta.UI.Error("usage: aurora observer [-root DIR] [-addr ADDR]")
		return exitInvalidCommand
	}
	if fi, err := os.Stat(*root); err != nil || !fi.IsDir() {
		c.Meta.UI.Error("aurora observer: -root " + *root + " is not a directory")
		return exitInvalidParam
	}
	host, _ := os.Hostname()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := &observer.Observer{Root: *root, Name: host, Logger: logger("aurora-observer")}
	err = o.Serve(ctx, *addr, func(a net.Addr) {
		c.Meta.UI.Output("aurora observer: http://" + a.String() + "/ over " + *root)
	})
	if err != nil {
		c.Meta.UI.Error("aurora observer: " + err.Error())
		return exitCommandFailed
	}
	return exitOK
}
