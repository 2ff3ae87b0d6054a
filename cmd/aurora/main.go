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
		Commands: commands(meta),
	}
	code, err := c.Run()
	if err != nil {
		fmt.Fprintf(os.Stderr, "aurora: %v\n", err)
		return 1
	}
	return code
}

// commands is every command of the binary by its name, "noun verb" for
// Aurora's nouns.
func commands(meta *Meta) map[string]cli.CommandFactory {
	cmd := func(c cli.Command) cli.CommandFactory { return func() (cli.Command, error) { return c, nil } }
	noun := func(name, synopsis string) cli.CommandFactory {
		return cmd(&nounCommand{name: name, synopsis: synopsis})
	}
	m := map[string]cli.CommandFactory{
		"dev":       cmd(&DevCommand{Meta: meta}),
		"executor":  cmd(&ExecutorCommand{Meta: meta}),
		"version":   cmd(&VersionCommand{Meta: meta}),
		"observer":  cmd(&ObserverCommand{Meta: meta}),
		"scheduler": cmd(&SchedulerCommand{Meta: meta}),
		"mesoslite": cmd(&MesosliteCommand{Meta: meta}),

		"plugin":            noun("plugin", "Work with plugins"),
		"plugin serve":      cmd(&PluginServeCommand{Meta: meta}),
		"plugin list":       cmd(&PluginListCommand{Meta: meta}),
		"plugin info":       cmd(&PluginInfoCommand{Meta: meta}),
		"plugin register":   cmd(&PluginRegisterCommand{Meta: meta}),
		"plugin verify":     cmd(&PluginVerifyCommand{Meta: meta}),
		"plugin enable":     cmd(&PluginStateCommand{Meta: meta, Verb: "enable"}),
		"plugin disable":    cmd(&PluginStateCommand{Meta: meta, Verb: "disable"}),
		"plugin pin":        cmd(&PluginStateCommand{Meta: meta, Verb: "pin"}),
		"plugin deregister": cmd(&PluginStateCommand{Meta: meta, Verb: "deregister"}),
		"plugin reload":     cmd(&PluginReloadCommand{Meta: meta}),

		"job":         noun("job", "Create, inspect, change and kill jobs"),
		"job run":     cmd(&JobRunCommand{Meta: meta}),
		"job create":  cmd(&JobCreateCommand{Meta: meta}),
		"job status":  cmd(&JobStatusCommand{Meta: meta}),
		"job kill":    cmd(&JobKillCommand{Meta: meta}),
		"job killall": cmd(&JobKillCommand{Meta: meta, all: true}),
		"job restart": cmd(&JobRestartCommand{Meta: meta}),
		"job list":    cmd(&JobListCommand{Meta: meta}),
		"job inspect": cmd(&JobInspectCommand{Meta: meta}),
		"job diff":    cmd(&JobDiffCommand{Meta: meta}),
		"job add":     cmd(&JobAddCommand{Meta: meta}),
		"job open":    cmd(&JobOpenCommand{Meta: meta}),

		"config":      noun("config", "Work with job files"),
		"config list": cmd(&ConfigListCommand{Meta: meta}),

		"task":     noun("task", "Run commands in the sandboxes of a job's tasks"),
		"task run": cmd(&TaskRunCommand{Meta: meta}),
		"task ssh": cmd(&TaskSSHCommand{Meta: meta}),

		"quota":     noun("quota", "Show a role's quota and what it uses"),
		"quota get": cmd(&QuotaGetCommand{Meta: meta}),

		"sla":                   noun("sla", "Compute a job's uptime from its task events"),
		"sla get-task-up-count": cmd(&SLAUpCountCommand{Meta: meta}),
		"sla get-job-uptime":    cmd(&SLAUptimeCommand{Meta: meta}),

		"admin":                 noun("admin", "Administer a cluster (Aurora's aurora_admin)"),
		"admin query":           cmd(&AdminQueryCommand{Meta: meta}),
		"admin prune_tasks":     cmd(&AdminPruneCommand{Meta: meta}),
		"admin set_quota":       cmd(&AdminQuotaCommand{Meta: meta}),
		"admin increase_quota":  cmd(&AdminQuotaCommand{Meta: meta, increase: true}),
		"admin reconcile_tasks": cmd(&AdminReconcileCommand{Meta: meta}),
	}
	for _, v := range adminVerbs {
		m["admin "+v.name] = cmd(&AdminCommand{Meta: meta, verb: v})
	}
	return m
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
