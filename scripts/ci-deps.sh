#!/bin/sh
# ci-deps.sh installs what the tests need beyond Go, from Debian's packages:
#   zookeeper       zookeeper.jar and a JRE, which internal/zktest runs
#   chromium        headless browser for the observer's page tests
#   docker.io       dockerd, which the executor/docker plugin's tests start
#                   themselves (--iptables=false --bridge=none)
#   busybox-static  the static busybox the docker tests import as an image
# Idempotent: installed packages are left alone. Runs apt-get directly as
# root, through sudo otherwise.
set -eu

PACKAGES="zookeeper chromium docker.io busybox-static"

if ! command -v dpkg >/dev/null 2>&1; then
	if [ -f /usr/share/java/zookeeper.jar ] && command -v java >/dev/null 2>&1; then
		exit 0
	fi
	echo "ci-deps: the tests need Debian's $PACKAGES packages; install ZooKeeper, Java, Chromium, dockerd and a static busybox by hand on this system" >&2
	exit 1
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg -s "$p" >/dev/null 2>&1; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "ci-deps: $PACKAGES already installed"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
else
	SUDO="sudo"
fi

echo "ci-deps: installing$missing"
$SUDO apt-get update
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
