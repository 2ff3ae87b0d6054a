// Command zonespread is an example site constraint plugin for Aurora-Go:
// it spreads each job's tasks over the values of one agent attribute (by
// default "zone") so that no value runs more than max_skew tasks more than
// the least loaded one. See README.md.
package main

import (
	"fmt"
	"os"

	"github.com/aurora-go/aurora/sdk"
)

func main() {
	if !sdk.StartedByHost() {
		fmt.Fprintln(os.Stderr, "zonespread is an Aurora-Go plugin: register it with `aurora plugin register`, do not run it by hand")
		os.Exit(1)
	}
	sdk.Serve(sdk.ServeOpts{Constraint: New(sdk.NewLogger("zonespread"))})
}
