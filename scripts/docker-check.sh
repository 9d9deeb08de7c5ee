#!/usr/bin/env bash
# Checks the Dockerfile with the best tool this machine has, and says which:
#   1. a Docker daemon answers: build the image and run its `version`;
#   2. else hadolint, when it is on PATH or apt can install it;
#   3. else (hadolint is a Haskell binary published on GitHub, not in
#      Debian 12, and this machine reaches no download site):
#      tools/dockerlint, BuildKit's parse-time Dockerfile checks and
#      Flowdeck's image rules, run from the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  echo "docker-check: a Docker daemon answers: building the image"
  docker build -q --build-arg VERSION="$(bash scripts/version.sh)" -t flowdeck:check .
  docker run --rm flowdeck:check version
  echo "docker-check: done: built the image (docker build) and ran it"
  exit 0
fi
echo "docker-check: no Docker daemon answers here, so the image is not built"

if ! command -v hadolint >/dev/null && command -v apt-cache >/dev/null &&
   apt-cache show hadolint >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq hadolint >/dev/null || true
fi
if command -v hadolint >/dev/null; then
  hadolint Dockerfile
  echo "docker-check: done: hadolint passes on the Dockerfile"
  exit 0
fi
echo "docker-check: hadolint is not installed and not installable here (no Debian package; its releases are GitHub downloads)"
(cd tools/dockerlint && go run . ../../Dockerfile)
echo "docker-check: done: BuildKit's parse-time checks and Flowdeck's image rules (tools/dockerlint) instead of hadolint"
