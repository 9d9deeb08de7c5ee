#!/usr/bin/env bash
# Builds the frontend and the flowdeck binary (window + serve) into bin/.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
bash scripts/deps.sh
(cd frontend && npm run --silent build)
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
mkdir -p bin
go build -tags desktop,production,webkit2_41 -ldflags "-s -w -X main.version=$version" -o bin/flowdeck .
echo "built bin/flowdeck ($version)"
