#!/usr/bin/env bash
# Installs the Debian packages named in scripts/deps/<list>.list for each
# list given (build, test-base, logind, …). Nothing a package would start
# system-wide is started: a temporary policy-rc.d refuses every service
# start for the duration of the install.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
packages=()
for list in "$@"; do
    while read -r pkg _; do
        [[ -z "$pkg" || "$pkg" == \#* ]] || packages+=("$pkg")
    done <"$here/deps/$list.list"
done
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" -eq 0 ] || { echo "install-deps: missing ${missing[*]}; run as root to install them" >&2; exit 1; }

policy=/usr/sbin/policy-rc.d
placed_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    placed_policy=1
fi
trap '[ $placed_policy -eq 1 ] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600 -y -q --no-install-recommends)
apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
apt-get "${apt_opts[@]}" install "${missing[@]}" >/dev/null
