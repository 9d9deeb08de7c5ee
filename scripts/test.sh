#!/usr/bin/env bash
# Runs every test: go vet, Go tests (with the race detector on the
# concurrent packages), short fuzz runs, Vitest, the browser tests against
# `flowdeck serve`, and the window test under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
bash scripts/build.sh

echo "== go vet"
go vet ./...
go vet -tags desktop,production,webkit2_41 .

echo "== go test"
go test -count=1 -timeout 20m ./...
go test -count=1 -race -timeout 20m ./watcher/ ./app/

echo "== fuzz (short)"
fuzztime=${FUZZTIME:-5s}
for pkg in $(go list ./...); do
  for f in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    fuzz() { go test -run='^$' -fuzz="^${f}\$" -fuzztime="$fuzztime" -fuzzminimizetime=1s "$pkg" 2>&1; }
    if ! out=$(fuzz); then
      # A finding writes its input under testdata/fuzz and fails for good;
      # the fuzzing engine's own hiccups on a loaded machine ("hung or
      # terminated unexpectedly") get one more try.
      if ! grep -q "Failing input written to" <<<"$out" && out=$(fuzz); then
        echo "fuzz ok (second try): $pkg $f"
        continue
      fi
      echo "$out" | tail -40
      echo "FUZZ FAILED: $pkg $f"
      exit 1
    fi
    echo "fuzz ok: $pkg $f"
  done
done

echo "== vitest"
(cd frontend && npm test --silent)

echo "== browser tests"
FLOWDECK_BIN="$PWD/bin/flowdeck" node frontend/e2e/run.mjs

echo "== window test"
FLOWDECK_BIN="$PWD/bin/flowdeck" go test -count=1 -tags windowtest -timeout 10m ./internal/windowtest/

echo "all tests passed"
