#!/usr/bin/env bash
# `make bench`: builds Flowdeck, generates the mfsim datastores the
# benchmarks need (the 1,000-run / 100,000-task one is cached, see
# FLOWDECK_BENCH_DIR), runs every benchmark and the soak test, prints one
# table and, at full size, writes it into the Summary of docs/benchmarks.md.
#
#   make bench                      everything, full size (~35 min with the datastore cached)
#   BENCH_QUICK=1 make bench        200 runs, short windows, a 2-minute soak; docs untouched
#   SOAK_MINUTES=10 go run ./internal/benchrun soak     the soak alone
#   go run ./internal/benchrun -only open,index bench   some benchmarks
#
# Needs what `make test` needs (scripts/deps.sh installs it), ~19 GB free
# under $TMPDIR (or FLOWDECK_BENCH_DIR) for the 1,000-run datastore, and
# root for the overlayfs view the live-run benchmark writes into (without
# it, the finished and the live runs are measured apart and summed).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
bash scripts/build.sh
if ! command -v strace >/dev/null; then
  # The idle benchmark counts the serve process's syscalls with strace.
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends strace >/dev/null ||
    echo "bench: strace could not be installed; the idle benchmark will say so" >&2
fi
exec go run ./internal/benchrun "$@"
