package mesoslite

import (
	"os"
	"testing"

	"github.com/aurora-go/aurora/core/mesoslite/testexec"
)

func TestMain(m *testing.M) {
	if testexec.IsExecutor() {
		os.Exit(testexec.Main())
	}
	os.Exit(m.Run())
}
