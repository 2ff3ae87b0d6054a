//go:build !unix

package sdk

import "os"

// detachStdout returns the real stdout. Without dup2 only os.Stdout is
// redirected; raw writes to the descriptor are not.
func detachStdout() (*os.File, error) {
	return os.Stdout, nil
}
