package main

import (
	"strings"
)

// ConfigListCommand is `aurora config list`.
type ConfigListCommand struct {
	Meta *Meta
}

func (c *ConfigListCommand) Synopsis() string { return "List the jobs a job file defines" }

func (c *ConfigListCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora config list [options] FILE

  Parses FILE and prints the key of every job it defines, one a line, in
  the order they are written.

Options:
  -json             Print the keys as a JSON list.
` + jobFileHelp + `

Example:
  aurora config list examples/hello.hcl
`)
}

func (c *ConfigListCommand) Run(args []string) int {
	fs := c.Meta.flagSet("config list", false)
	asJSON := fs.Bool("json", false, "")
	var jf jobFileFlags
	jf.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return c.Meta.usage("aurora config list [options] FILE", "config list")
	}
	jobs, code := loadJobs(c.Meta, pos[0], &jf)
	if jobs == nil {
		return code
	}
	keys := make([]string, 0, len(jobs))
	for _, j := range jobs {
		keys = append(keys, j.Cluster+"/"+j.Key.String())
	}
	if *asJSON {
		return printJSON(keys)
	}
	c.Meta.UI.Output(strings.Join(keys, "\n"))
	return exitOK
}
