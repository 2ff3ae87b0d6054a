package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aurora-go/aurora/core/api"
)

// QuotaGetCommand is `aurora quota get`.
type QuotaGetCommand struct {
	Meta *Meta
}

func (c *QuotaGetCommand) Synopsis() string { return "Show a role's quota and what its tasks use" }

func (c *QuotaGetCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora quota get [options] CLUSTER/ROLE
       aurora quota get [options] CLUSTER ROLE

  Prints the role's allocated quota and what its active tasks consume, in
  Aurora's four pools: production or not (by tier) and shared or dedicated
  (by the dedicated constraint). Only production, shared tasks count
  against the quota. Quotas are set with ` + "`aurora admin set_quota`" + `.

Options:
  -json       Print the quota and consumption as JSON (bytes for RAM and disk).
  -addr ADDR  Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora quota get local/www-data
`)
}

func (c *QuotaGetCommand) Run(args []string) int {
	fs := c.Meta.flagSet("quota get", true)
	asJSON := fs.Bool("json", false, "")
	pos, err := parseArgs(fs, args)
	if err == nil && len(pos) == 1 {
		if cl, role, ok := strings.Cut(pos[0], "/"); ok {
			pos = []string{cl, role}
		}
	}
	if err != nil || len(pos) != 2 || pos[0] == "" || pos[1] == "" || strings.Contains(pos[1], "/") {
		return c.Meta.usage("aurora quota get [options] CLUSTER/ROLE", "quota get")
	}
	client, err := c.Meta.client(pos[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	info, err := client.Quota(context.Background(), pos[1])
	if err != nil {
		return c.Meta.fail(err)
	}
	if *asJSON {
		return printJSON(info)
	}
	var b strings.Builder
	section := func(title string, r api.Resources) {
		fmt.Fprintf(&b, "%s:\n  CPU: %s\n  RAM: %s\n  Disk: %s\n", title, formatCPU(r.CPU), formatBytes(r.RAM), formatBytes(r.Disk))
	}
	section("Allocated", info.Quota)
	section("Production shared pool resources consumed", info.Consumption.ProdShared)
	section("Production dedicated pool resources consumed", info.Consumption.ProdDedicated)
	section("Non-production shared pool resources consumed", info.Consumption.NonProdShared)
	section("Non-production dedicated pool resources consumed", info.Consumption.NonProdDedicated)
	c.Meta.UI.Output(strings.TrimRight(b.String(), "\n"))
	return exitOK
}
