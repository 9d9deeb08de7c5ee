#!/usr/bin/env bash
# Prints Flowdeck's version, the one place build.sh and package.sh take it
# from: `git describe` on a v<semver> tag (v1.2.0, v1.2.0-3-gabc1234), or
# 0.1.0-<commits>-g<hash> before the first tag; -dirty when the work tree
# has uncommitted changes. `--deb` prints it as a Debian version: the
# first "-" becomes "+" and the others ".", so dpkg reads no revision and
# orders later commits after earlier ones (0.1.0+12.gabc1234).
set -euo pipefail
cd "$(dirname "$0")/.."
if v=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
  v=${v#v}
elif git rev-parse --git-dir >/dev/null 2>&1; then
  v="0.1.0-$(git rev-list --count HEAD)-g$(git rev-parse --short HEAD)"
  git diff --quiet HEAD 2>/dev/null || v="$v-dirty"
else
  v="0.1.0-dev"
fi
if [ "${1:-}" = "--deb" ]; then
  v=$(sed -e 's/-/+/' -e 's/-/./g' <<<"$v")
fi
echo "$v"
