#!/usr/bin/env bash
# `make package`: builds bin/flowdeck_<version>_amd64.deb from the desktop
# binary (bin/flowdeck), build/linux/flowdeck.desktop and the app icon in
# the hicolor sizes 16 to 512 px (internal/appicon). Install it with
#   sudo apt install ./bin/flowdeck_<version>_amd64.deb
# which pulls in GTK 3 and WebKitGTK 4.1 (Depends below).
#
# dpkg-deb is Debian's own tool for this and is on every Debian machine
# (package dpkg): no packaging tool to install and no Go dependency.
# FLOWDECK_SKIP_BUILD=1 packages the bin/flowdeck already built.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
[ "${FLOWDECK_SKIP_BUILD:-}" = 1 ] || bash scripts/build.sh
[ -x bin/flowdeck ] || { echo "package: bin/flowdeck is missing (run make build)" >&2; exit 1; }

version=$(bash scripts/version.sh --deb)
arch=$(dpkg --print-architecture)
[ "$arch" = amd64 ] || echo "package: building for $arch" >&2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/flowdeck"

install -D -m 0755 bin/flowdeck "$root/usr/bin/flowdeck"
install -D -m 0644 build/linux/flowdeck.desktop "$root/usr/share/applications/flowdeck.desktop"
go run ./internal/appicon -src build/appicon.png -out "$root/usr/share/icons/hicolor"
find "$root/usr/share/icons" -type d -exec chmod 0755 {} +
find "$root/usr/share/icons" -type f -exec chmod 0644 {} +

mkdir -p "$root/DEBIAN"
size_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: flowdeck
Version: $version
Architecture: $arch
Maintainer: Flowdeck maintainers <maintainers@users.noreply.r-seed-cf186642.example>
Installed-Size: $size_kb
Depends: libc6, libgtk-3-0, libwebkit2gtk-4.1-0
Section: devel
Priority: optional
Description: browse a Metaflow datastore and watch its cards live
 Flowdeck opens a local Metaflow datastore (.metaflow) in a desktop window
 and shows every flow, run, step, task and card, live while runs execute.
 "flowdeck serve" gives the same UI in a browser.
CONTROL

deb="bin/flowdeck_${version}_${arch}.deb"
rm -f bin/flowdeck_*_"$arch".deb
dpkg-deb --build --root-owner-group "$root" "$deb" >/dev/null
echo "built $deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'
