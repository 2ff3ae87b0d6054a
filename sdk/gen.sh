#!/usr/bin/env bash
# Regenerates the Go code for the plugin protocol from sdk/proto/**/*.proto.
# The generated files are committed next to the .proto files; run this after
# editing a .proto (the root GNUmakefile runs it for `make proto`).
#
# Needs protoc (3.21+) and the Go generators below. Missing generators are
# installed at the pinned versions with `go install`.
set -euo pipefail

cd "$(dirname "$0")"

PROTOC_GEN_GO_VERSION="${PROTOC_GEN_GO_VERSION:-v1.36.12}"
PROTOC_GEN_GO_GRPC_VERSION="${PROTOC_GEN_GO_GRPC_VERSION:-v1.6.2}"

gobin="$(go env GOBIN)"
if [ -z "$gobin" ]; then
	gobin="$(go env GOPATH)/bin"
fi
export PATH="$gobin:$PATH"

if ! command -v protoc >/dev/null 2>&1; then
	echo "gen.sh: protoc not found; install it (apt-get install protobuf-compiler, brew install protobuf)" >&2
	exit 1
fi
if ! command -v protoc-gen-go >/dev/null 2>&1; then
	go install "google.golang.org/protobuf/cmd/protoc-gen-go@${PROTOC_GEN_GO_VERSION}"
fi
if ! command -v protoc-gen-go-grpc >/dev/null 2>&1; then
	go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@${PROTOC_GEN_GO_GRPC_VERSION}"
fi

protos=()
while IFS= read -r f; do
	protos+=("$f")
done < <(find proto -name '*.proto' | LC_ALL=C sort)

protoc \
	--proto_path=proto \
	--go_out=proto --go_opt=paths=source_relative \
	--go-grpc_out=proto --go-grpc_opt=paths=source_relative \
	"${protos[@]}"

echo "gen.sh: generated Go code for ${#protos[@]} proto files"
