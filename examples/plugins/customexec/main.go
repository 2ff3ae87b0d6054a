// Command customexec is an example executor plugin for Aurora-Go: each
// task runs one command, optionally through a wrapper from the plugin's
// configuration (e.g. ["nice", "-n", "10"]). See README.md.
package main

import (
	"fmt"
	"os"

	"github.com/aurora-go/aurora/sdk"
)

func main() {
	if !sdk.StartedByHost() {
		fmt.Fprintln(os.Stderr, "customexec is an Aurora-Go plugin: register it with `aurora plugin register`, do not run it by hand")
		os.Exit(1)
	}
	sdk.Serve(sdk.ServeOpts{Executor: New(sdk.NewLogger("customexec"))})
}
