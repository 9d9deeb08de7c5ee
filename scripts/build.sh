#!/usr/bin/env bash
# Builds the frontend and both Flowdeck binaries into bin/:
#   bin/flowdeck        the desktop build (window + serve; cgo, GTK 3 and
#                       WebKitGTK 4.1; build tag desktop)
#   bin/flowdeck-serve  the serve-only build (serve, demo --serve, version):
#                       CGO_ENABLED=0, static, no Wails, for servers and
#                       containers
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
bash scripts/deps.sh
(cd frontend && npm run --silent build)
version=$(bash scripts/version.sh)
mkdir -p bin
go build -tags desktop,production,webkit2_41 -ldflags "-s -w -X main.version=$version" -o bin/flowdeck .
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version" -o bin/flowdeck-serve .
echo "built bin/flowdeck and bin/flowdeck-serve ($version)"
