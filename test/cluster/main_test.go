package cluster

import (
	"fmt"
	"os"
	"testing"

	"github.com/aurora-go/aurora/core/mesoslite/testexec"
	"github.com/aurora-go/aurora/plugins/builtin"
)

// TestMain lets this test binary be the executor the agents start
// (testexec) and the built-in constraint plugins pluginhost starts
// (`plugin serve constraint/NAME`), as the aurora binary is.
func TestMain(m *testing.M) {
	if testexec.IsExecutor() {
		os.Exit(testexec.Main())
	}
	if len(os.Args) == 4 && os.Args[1] == "plugin" && os.Args[2] == "serve" {
		if err := builtin.Serve(os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
