// Package dockertest runs a real dockerd for tests: Debian's docker.io,
// started with --iptables=false --bridge=none on a private socket and data
// root, with an image imported offline from the static busybox of
// Debian's busybox-static. No registry is contacted. A test that needs
// Docker is skipped, with the reason, only when no engine can be run here
// (dockerd missing, or it does not answer).
package dockertest
