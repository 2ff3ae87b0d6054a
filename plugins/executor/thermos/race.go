//go:build race

package thermos

import "os"

// coordinatorExtraEnv is added to a coordinator's environment. A binary
// built with the race detector (tests) sleeps a second at exit by default,
// which would delay every exit a coordinator reports.
func coordinatorExtraEnv() []string {
	return []string{"GORACE=" + os.Getenv("GORACE") + " atexit_sleep_ms=0"}
}
