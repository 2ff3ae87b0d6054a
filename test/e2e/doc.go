// Package e2e holds end-to-end tests that build the real aurora binary and
// drive `aurora dev` through the CLI: jobs run as real executor and task
// processes on this machine.
package e2e
