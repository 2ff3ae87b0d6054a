#!/usr/bin/env bash
# The quick start: starts `aurora dev` in the background (unless one is
# already serving), runs examples/hello.hcl and shows where its output is.
set -euo pipefail
cd "$(dirname "$0")/.."

AURORA=./bin/aurora
ADDR="${AURORA_ADDR:-127.0.0.1:8081}"
DATA_DIR="${AURORA_DATA_DIR:-$HOME/.aurora/dev}"
LOG="$DATA_DIR/dev.log"

export AURORA_ADDR="$ADDR"
serving() { "$AURORA" job list >/dev/null 2>&1; }

mkdir -p "$DATA_DIR"
if ! serving; then
	echo "Starting aurora dev (data in $DATA_DIR, log in $LOG)"
	nohup "$AURORA" dev -data-dir "$DATA_DIR" -http-addr "$ADDR" >"$LOG" 2>&1 &
	echo $! >"$DATA_DIR/dev.pid"
	for _ in $(seq 1 100); do
		serving && break
		sleep 0.2
	done
	serving || { echo "aurora dev did not start; see $LOG" >&2; exit 1; }
fi

if "$AURORA" job status local/www-data/prod/hello -json 2>/dev/null | grep -q '"status": "RUNNING"'; then
	echo "local/www-data/prod/hello is already running."
else
	"$AURORA" job run examples/hello.hcl
fi
sandbox=$("$AURORA" job status local/www-data/prod/hello -json | sed -n 's/.*"sandbox": "\(.*\)".*/\1/p' | tail -n 1)
echo
echo "The task writes to $sandbox/.logs/hello/0/stdout:"
sleep 1
tail -n 3 "$sandbox/.logs/hello/0/stdout" || true
cat <<EOT

Next:
  ./bin/aurora job status local/www-data/prod/hello
  ./bin/aurora job kill local/www-data/prod/hello
  kill \$(cat $DATA_DIR/dev.pid)     # stop aurora dev and its tasks
EOT
