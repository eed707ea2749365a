#!/usr/bin/env bash
# The README's first command: on a fresh Debian 12 machine (as root),
# installs the build dependencies, builds wtsnet, installs it under
# /usr/local (library, headers, pkg-config file, CLI, man page) and lists
# this host's sessions.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
if [ ! -f build-release/build.ninja ]; then
    meson setup build-release --buildtype=release --prefix=/usr/local >/dev/null
fi
ninja -C build-release >/dev/null
meson install -C build-release --quiet >/dev/null
ldconfig
echo "wtsnet $(wtsnet --version | cut -d' ' -f2) installed. Sessions on this host:"
echo
exec wtsnet list "$@"
