package main

import (
	"context"
	"fmt"
	"net/url"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// JobOpenCommand is `aurora job open`.
type JobOpenCommand struct {
	Meta *Meta
}

func (c *JobOpenCommand) Synopsis() string { return "Print a job's URL on its scheduler and open it" }

func (c *JobOpenCommand) Help() string {
	return strings.TrimSpace(`
Usage: aurora job open [options] CLUSTER[/ROLE[/ENV[/NAME]]]

  Prints the scheduler URL of a job (or of a cluster's, role's or
  environment's jobs) and opens it with xdg-open (or open on macOS) when
  one is installed. Without a browser opener it just prints the URL.
  The URL is the scheduler's JSON view of the job.

Options:
  -no-browser  Only print the URL.
  -addr ADDR   Scheduler API address (default: AURORA_ADDR, then the cluster).

Example:
  aurora job open local/www-data/prod/hello
`)
}

func (c *JobOpenCommand) Run(args []string) int {
	fs := c.Meta.flagSet("job open", true)
	noBrowser := fs.Bool("no-browser", false, "")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return c.Meta.usage("aurora job open [options] CLUSTER[/ROLE[/ENV[/NAME]]]", "job open")
	}
	parts := strings.Split(strings.TrimSuffix(pos[0], "/"), "/")
	if len(parts) > 4 {
		c.Meta.UI.Error(fmt.Sprintf("%q has more than CLUSTER/ROLE/ENV/NAME", pos[0]))
		return exitInvalidParam
	}
	for _, p := range parts {
		if p == "" {
			c.Meta.UI.Error(fmt.Sprintf("%q has an empty part; use CLUSTER[/ROLE[/ENV[/NAME]]]", pos[0]))
			return exitInvalidParam
		}
	}
	client, err := c.Meta.client(parts[0])
	if err != nil {
		c.Meta.UI.Error(err.Error())
		return exitInvalidParam
	}
	target := client.Addr + "/v1/jobs"
	switch len(parts) {
	case 4:
		target += "/" + strings.Join(parts[1:], "/")
	case 2, 3:
		glob := append(append([]string{}, parts[1:]...), "*", "*")[:3]
		target += "?pattern=" + url.QueryEscape(strings.Join(glob, "/"))
	}
	c.Meta.UI.Output(target)
	if !*noBrowser {
		openBrowser(target)
	}
	return exitOK
}

// openBrowser opens target with the desktop's opener, if there is one. It
// never fails: the URL has been printed already.
func openBrowser(target string) {
	opener := "xdg-open"
	if runtime.GOOS == "darwin" {
		opener = "open"
	}
	path, err := exec.LookPath(opener)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = exec.CommandContext(ctx, path, target).Run()
}
