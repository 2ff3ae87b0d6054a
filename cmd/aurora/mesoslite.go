package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/aurora-go/aurora/core/mesoslite"
	"github.com/aurora-go/aurora/core/server"
)

// MesosliteCommand is `aurora mesoslite`: the embedded Mesos cluster on
// its own, for schedulers run with `aurora scheduler`.
type MesosliteCommand struct {
	Meta *Meta
}

func (c *MesosliteCommand) Synopsis() string {
	return "Run the embedded Mesos-compatible master and agents on their own"
}

func (c *MesosliteCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora mesoslite [-agents N] [-work-dir DIR] [-url-file FILE]

  Runs the Mesos-compatible master and N agents that ` + "`aurora dev`" + ` embeds,
  serving the v1 scheduler and executor HTTP APIs on loopback, for
  scheduler replicas started with ` + "`aurora scheduler`" + ` (mesos.master).
  Prints the master URL, and writes it to -url-file if given.

Example:
  aurora mesoslite -agents 3 -url-file /tmp/master.url
`)
}

func (c *MesosliteCommand) Run(args []string) int {
	fs := c.Meta.flagSet("mesoslite", false)
	home, _ := os.UserHomeDir()
	agents := fs.Int("agents", 1, "")
	workDir := fs.String("work-dir", filepath.Join(home, ".aurora", "mesoslite"), "")
	urlFile := fs.String("url-file", "", "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 0 || *agents < 1 {
		c.Meta.UI.Error("usage: aurora mesoslite [-agents N] [-work-dir DIR] [-url-file FILE]")
		return exitInvalidCommand
	}
	log := logger("aurora")
	cluster, err := mesoslite.New(mesoslite.Config{Agents: server.DevAgents(*agents), WorkDir: *workDir, Logger: log.Named("mesoslite")})
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitCommandFailed
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cluster.Start(ctx); err != nil {
		c.Meta.UI.Error(err.Error())
		return exitCommandFailed
	}
	c.Meta.UI.Output(cluster.MasterURL())
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(cluster.MasterURL()+"\n"), 0o644); err != nil {
			c.Meta.UI.Error(err.Error())
		}
	}
	<-ctx.Done()
	if err := cluster.Shutdown(context.Background()); err != nil {
		c.Meta.UI.Error(err.Error())
		return exitCommandFailed
	}
	return exitOK
}
