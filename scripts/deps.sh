#!/usr/bin/env bash
# Installs what building and testing Flowdeck needs on Debian/Ubuntu, when it
# is missing: GTK + WebKitGTK 4.1 headers (window build), Xvfb (window
# tests), Chromium (browser tests), desktop-file-utils (the .desktop
# check), and the frontend's npm packages. dpkg-deb (make package) is part
# of dpkg.
# Go 1.26 and Node.js 20 are expected on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in libgtk-3-dev libwebkit2gtk-4.1-dev pkg-config xvfb xauth chromium fonts-dejavu-core desktop-file-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "deps: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

command -v go >/dev/null || { echo "deps: Go 1.26 is required (https://go.dev/dl/)" >&2; exit 1; }
command -v node >/dev/null || { echo "deps: Node.js 20 is required" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "deps: Node.js >= 20 is required (found $(node --version))" >&2; exit 1; }

if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  echo "deps: npm ci"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi
