#!/usr/bin/env bash
# Builds Flowdeck and opens the demo: a simulated live run. Without a
# display it serves the UI on http://127.0.0.1:8324/ instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec bin/flowdeck demo
fi
echo "No display found: serving the demo to a browser instead."
exec bin/flowdeck demo --serve --addr "${FLOWDECK_ADDR:-127.0.0.1:8324}"
