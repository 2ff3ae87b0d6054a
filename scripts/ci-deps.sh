#!/bin/sh
# ci-deps.sh installs what the tests need beyond Go: Debian's ZooKeeper
# (zookeeper.jar and a JRE), which internal/zktest runs. Idempotent:
# nothing happens when the package is already installed. Runs apt-get
# directly as root, through sudo otherwise.
set -eu

if ! command -v dpkg >/dev/null 2>&1; then
	if [ -f /usr/share/java/zookeeper.jar ] && command -v java >/dev/null 2>&1; then
		exit 0
	fi
	echo "ci-deps: the ZooKeeper tests need Debian's zookeeper package (zookeeper.jar and a JRE); install ZooKeeper and Java by hand on this system" >&2
	exit 1
fi

if dpkg -s zookeeper >/dev/null 2>&1; then
	echo "ci-deps: zookeeper is already installed"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
else
	SUDO="sudo"
fi

echo "ci-deps: installing zookeeper"
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y zookeeper
