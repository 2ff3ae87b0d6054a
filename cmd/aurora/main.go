// Command aurora is Aurora-Go's single binary: the client CLI, `aurora dev`
// (everything on one machine), the Mesos executor and the built-in plugins.
package main

import (
	"fmt"
	"os"

	"github.com/mitchellh/cli"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	ui := &cli.BasicUi{Reader: os.Stdin, Writer: os.Stdout, ErrorWriter: os.Stderr}
	meta := &Meta{UI: ui}
	c := &cli.CLI{
		Name:     "aurora",
		Version:  Version,
		Args:     args,
		HelpFunc: cli.BasicHelpFunc("aurora"),
		Commands: map[string]cli.CommandFactory{
			"dev": func() (cli.Command, error) { return &DevCommand{Meta: meta}, nil },
			"job": func() (cli.Command, error) {
				return &nounCommand{name: "job", synopsis: "Run, inspect and kill jobs"}, nil
			},
			"job run":      func() (cli.Command, error) { return &JobRunCommand{Meta: meta}, nil },
			"job status":   func() (cli.Command, error) { return &JobStatusCommand{Meta: meta}, nil },
			"job kill":     func() (cli.Command, error) { return &JobKillCommand{Meta: meta}, nil },
			"job list":     func() (cli.Command, error) { return &JobListCommand{Meta: meta}, nil },
			"executor":     func() (cli.Command, error) { return &ExecutorCommand{Meta: meta}, nil },
			"observer":     func() (cli.Command, error) { return &ObserverCommand{Meta: meta}, nil },
			"plugin":       func() (cli.Command, error) { return &nounCommand{name: "plugin", synopsis: "Work with plugins"}, nil },
			"plugin serve": func() (cli.Command, error) { return &PluginServeCommand{Meta: meta}, nil },
			"version":      func() (cli.Command, error) { return &VersionCommand{Meta: meta}, nil },
			"scheduler":    func() (cli.Command, error) { return &SchedulerCommand{Meta: meta}, nil },
			"mesoslite":    func() (cli.Command, error) { return &MesosliteCommand{Meta: meta}, nil },
			"admin": func() (cli.Command, error) {
				return &nounCommand{name: "admin", synopsis: "Administer a cluster (Aurora's aurora_admin)"}, nil
			},
		},
	}
	for _, v := range adminVerbs {
		v := v
		c.Commands["admin "+v.name] = func() (cli.Command, error) { return &AdminCommand{Meta: meta, verb: v}, nil }
	}
	code, err := c.Run()
	if err != nil {
		fmt.Fprintf(os.Stderr, "aurora: %v\n", err)
		return 1
	}
	return code
}

// nounCommand shows the verbs of a noun such as "job".
type nounCommand struct {
	name, synopsis string
}

func (n *nounCommand) Help() string {
	return fmt.Sprintf("Usage: aurora %s <verb> [options] [args]\n\n  %s. Run `aurora %s -h` to list the verbs.", n.name, n.synopsis, n.name)
}
func (n *nounCommand) Synopsis() string { return n.synopsis }
func (n *nounCommand) Run([]string) int { return cli.RunResultHelp }
