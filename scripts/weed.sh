#!/usr/bin/env bash
# Builds SeaweedFS's `weed` (the S3-compatible server the S3 tests start on
# loopback) once per machine and prints the binary's path. Idempotent: a
# cached binary is printed without building.
#
# `go install github.com/seaweedfs/seaweedfs/weed@<version>` is refused
# (its go.mod has replace directives), so the module is downloaded from the
# Go module proxy, copied to a writable folder and built there. The build
# takes about 4 minutes on 2 cores and gives a ~233 MB binary, so it lives
# in the user cache, never in the repository.
#
# FLOWDECK_WEED_CACHE overrides the cache folder (CI can point it at a
# cached directory).
set -euo pipefail
export GOTOOLCHAIN=local

# The pinned version: the newest that builds with our Go toolchain.
version=v0.0.0-20261109003541-7506e5f91cd6
cache=${FLOWDECK_WEED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flowdeck}
bin=$cache/weed-$version/weed

if [[ -x $bin ]]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
dir=$(go mod download -json "github.com/seaweedfs/seaweedfs@$version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [[ -z $dir || ! -d $dir ]]; then
  echo "weed.sh: go mod download gave no module folder for seaweedfs@$version" >&2
  exit 1
fi

src=$(mktemp -d "$cache/weed-src.XXXXXX")
trap 'chmod -R u+w "$src" 2>/dev/null; rm -rf "$src"' EXIT
cp -R "$dir/." "$src/"
chmod -R u+w "$src"

echo "weed.sh: building weed $version (about 4 minutes)..." >&2
start=$SECONDS
(cd "$src" && GOFLAGS=-mod=mod nice go build -o "$src/weed.out" ./weed)
mkdir -p "$(dirname "$bin")"
# Rename into place so that a parallel or interrupted run never leaves a
# half-written binary at the cached path.
mv "$src/weed.out" "$bin.tmp.$$"
mv "$bin.tmp.$$" "$bin"
echo "weed.sh: built in $((SECONDS - start)) s" >&2
echo "$bin"
