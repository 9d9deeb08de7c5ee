#!/usr/bin/env bash
# Runs every test: the generated API types (go generate), go mod tidy, go vet, Go tests (with the race detector on
# the concurrent packages; the S3 ones against a real SeaweedFS server that
# scripts/weed.sh builds once per machine), short fuzz runs, Vitest, the frontend type check, the browser tests
# against `flowdeck serve` of both builds (the desktop bin/flowdeck and the
# static bin/flowdeck-serve), the desktop entry, the .deb (built, installed
# with apt-get, its version), the window test under Xvfb (also the
# installed binary), and the Dockerfile (scripts/docker-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
bash scripts/build.sh

echo "== generated API types"
# frontend/src/lib/schema.ts is generated from package wire (wire/doc.go).
go generate ./...
if ! git diff --exit-code -- frontend/src/lib/schema.ts; then
  echo "frontend/src/lib/schema.ts differs from package wire: edit wire/, not schema.ts, then run GOTOOLCHAIN=local go generate ./... and commit the result (the diff is above)"
  exit 1
fi

echo "== go mod tidy"
for mod in . tools/dockerlint; do
  if ! (cd "$mod" && go mod tidy -diff); then
    echo "$mod/go.mod or go.sum is not tidy: run GOTOOLCHAIN=local go mod tidy in $mod (the diff is above)"
    exit 1
  fi
done

echo "== static build"
# ldd prints "not a dynamic executable" (and exits 1) for a static binary.
ldd_out=$(ldd bin/flowdeck-serve 2>&1 || true)
if ! grep -q "not a dynamic executable" <<<"$ldd_out"; then
  echo "bin/flowdeck-serve is not static; ldd says:"; echo "$ldd_out"
  exit 1
fi
deps=$(CGO_ENABLED=0 go list -deps .)
if grep -i wails <<<"$deps"; then
  echo "the serve-only build imports Wails (above)"
  exit 1
fi
echo "bin/flowdeck-serve is static ($ldd_out) and links no Wails"
bin/flowdeck-serve version

echo "== go vet"
go vet ./...
go vet -tags desktop,production,webkit2_41 ./...
go vet -tags windowtest ./internal/windowtest/

echo "== S3 server for the S3 tests (SeaweedFS, built once per machine)"
FLOWDECK_WEED=$(bash scripts/weed.sh)
export FLOWDECK_WEED

echo "== go test"
go test -count=1 -timeout 20m ./...
go test -count=1 -race -timeout 20m ./watcher/... ./app/
# The window package builds only with the desktop tag.
go test -count=1 -tags desktop,production,webkit2_41 ./app/window/

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

echo "== frontend type check (svelte-check, tsc)"
(cd frontend && npm run --silent check)

echo "== browser tests (desktop build: bin/flowdeck serve)"
FLOWDECK_BIN="$PWD/bin/flowdeck" node frontend/e2e/run.mjs

echo "== browser tests (static build: bin/flowdeck-serve serve)"
FLOWDECK_BIN="$PWD/bin/flowdeck-serve" node frontend/e2e/run.mjs

echo "== desktop entry"
desktop-file-validate build/linux/flowdeck.desktop
echo "desktop-file-validate: build/linux/flowdeck.desktop is valid"

echo "== .deb"
FLOWDECK_SKIP_BUILD=1 bash scripts/package.sh
deb=$(ls bin/flowdeck_*_amd64.deb)
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "./$deb" >/dev/null
want="flowdeck $(bash scripts/version.sh)"
got=$(/usr/bin/flowdeck version)
if [ "$got" != "$want" ]; then
  echo "the installed flowdeck says \"$got\", want \"$want\""
  exit 1
fi
echo "installed $deb: $got"

echo "== window test"
FLOWDECK_BIN="$PWD/bin/flowdeck" FLOWDECK_INSTALLED_BIN=/usr/bin/flowdeck \
  go test -count=1 -tags windowtest -timeout 10m ./internal/windowtest/
# The static build has no window and says so in one line.
FLOWDECK_BIN="$PWD/bin/flowdeck-serve" go test -count=1 -tags windowtest -run '^TestNoDisplay$' ./internal/windowtest/

echo "== Dockerfile"
bash scripts/docker-check.sh

echo "all tests passed"
