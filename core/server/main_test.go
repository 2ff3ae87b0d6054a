package server

import (
	"fmt"
	"os"
	"testing"

	"github.com/aurora-go/aurora/plugins/builtin"
)

// TestMain lets built-in catalog entries start in tests: started as
// `plugin serve KIND/NAME`, the test binary serves that built-in plugin,
// as the aurora binary does.
func TestMain(m *testing.M) {
	if len(os.Args) == 4 && os.Args[1] == "plugin" && os.Args[2] == "serve" {
		if err := builtin.Serve(os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
