package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/aurora-go/aurora/core/api"
)

// adminVerb is one of Aurora's aurora_admin commands.
type adminVerb struct {
	name, synopsis, args, example string
	nargs                         int // positional arguments after CLUSTER
	run                           func(ctx context.Context, c *api.Client, args []string) (interface{}, error)
}

var adminVerbs = []adminVerb{
	{name: "get_scheduler", synopsis: "Print the leading scheduler", nargs: 0,
		run: func(ctx context.Context, c *api.Client, _ []string) (interface{}, error) { return c.Scheduler(ctx) }},
	{name: "scheduler_snapshot", synopsis: "Snapshot the replicated log now and wait until it is done",
		run: func(ctx context.Context, c *api.Client, _ []string) (interface{}, error) {
			return map[string]string{"result": "snapshot taken"}, c.Snapshot(ctx)
		}},
	{name: "scheduler_backup_now", synopsis: "Write a backup of the scheduler's state now",
		run: func(ctx context.Context, c *api.Client, _ []string) (interface{}, error) { return c.Backup(ctx) }},
	{name: "scheduler_list_backups", synopsis: "List the backups, oldest first",
		run: func(ctx context.Context, c *api.Client, _ []string) (interface{}, error) { return c.ListBackups(ctx) }},
	{name: "scheduler_stage_recovery", synopsis: "Load a backup into the recovery staging area", args: "BACKUP_ID", nargs: 1,
		run: func(ctx context.Context, c *api.Client, a []string) (interface{}, error) {
			return map[string]string{"staged": a[0]}, c.StageRecovery(ctx, a[0])
		}},
	{name: "scheduler_print_recovery_tasks", synopsis: "Print the active tasks of the staged recovery",
		run: func(ctx context.Context, c *api.Client, _ []string) (interface{}, error) { return c.RecoveryTasks(ctx) }},
	{name: "scheduler_delete_recovery_tasks", synopsis: "Delete tasks from the staged recovery", args: "TASK_ID[,TASK_ID...]", nargs: 1,
		run: func(ctx context.Context, c *api.Client, a []string) (interface{}, error) {
			ids := strings.Split(a[0], ",")
			return map[string]int{"deleted": len(ids)}, c.DeleteRecoveryTasks(ctx, ids)
		}},
	{name: "scheduler_commit_recovery", synopsis: "Replace the live state with the staged recovery",
		run: func(ctx context.Context, c *api.Client, _ []string) (interface{}, error) {
			return map[string]string{"result": "recovery committed"}, c.CommitRecovery(ctx)
		}},
	{name: "scheduler_unload_recovery", synopsis: "Discard the staged recovery",
		run: func(ctx context.Context, c *api.Client, _ []string) (interface{}, error) {
			return map[string]string{"result": "recovery unloaded"}, c.UnloadRecovery(ctx)
		}},
}

// AdminCommand runs one admin verb.
type AdminCommand struct {
	Meta *Meta
	verb adminVerb
}

func (c *AdminCommand) Synopsis() string { return c.verb.synopsis }

func (c *AdminCommand) Help() string {
	usage := "aurora admin " + c.verb.name + " [-addr ADDR] CLUSTER"
	if c.verb.args != "" {
		usage += " " + c.verb.args
	}
	example := "aurora admin " + c.verb.name + " local"
	if c.verb.args != "" {
		example += " " + c.verb.args
	}
	return fmt.Sprintf("Usage: %s\n\n  %s. Prints the answer as JSON.\n\nExample:\n  %s", usage, c.verb.synopsis, example)
}

func (c *AdminCommand) Run(args []string) int {
	fs := c.Meta.flagSet("admin "+c.verb.name, true)
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1+c.verb.nargs {
		c.Meta.UI.Error(strings.SplitN(c.Help(), "\n", 2)[0] + "; see `aurora admin " + c.verb.name + " -h`")
		return exitInvalidCommand
	}
	client, err := c.Meta.client(pos[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	out, err := c.verb.run(context.Background(), client, pos[1:])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitFor(err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
	return exitOK
}
