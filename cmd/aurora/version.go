package main

import (
	"fmt"
	"runtime"
)

// VersionCommand is `aurora version`.
type VersionCommand struct {
	Meta *Meta
}

func (c *VersionCommand) Synopsis() string { return "Print the version" }
func (c *VersionCommand) Help() string {
	return "Usage: aurora version\n\n  Prints the version of this binary.\n\nExample:\n  aurora version"
}

func (c *VersionCommand) Run([]string) int {
	c.Meta.UI.Output(fmt.Sprintf("aurora %s (%s, %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH))
	return exitOK
}
