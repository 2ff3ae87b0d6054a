//go:build !race

package thermos

// coordinatorExtraEnv is added to a coordinator's environment: nothing
// outside race-detector builds (see race.go).
func coordinatorExtraEnv() []string { return nil }
