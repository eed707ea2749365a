#!/usr/bin/env bash
# The issue-2 benchmark: N live logind sessions (default 200) in the test
# namespace of tests/integration/logind-ns; then, side by side with hyperfine:
#   wtsnet:      WTSEnumerateSessionsW + user, state, client address per session
#   per-session: loginctl list-sessions + loginctl show-session per session
#   bare list:   loginctl list-sessions
# usage: bash bench/logind-sessions.sh [BUILD_DIR (build-bench)] [N (200)]
# Results: docs/benchmarks.md. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath -m "${1:-build-bench}")
n=${2:-200}

bash scripts/install-deps.sh build logind bench
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" bench/wtsnet-list-sessions >/dev/null

source tests/integration/logind-ns/ns.sh
NS_TIE_TO_SHELL=1 # never outlive this script, even when it is killed
trap ns_cleanup EXIT
trap 'exit 1' INT TERM
ns_boot
ns_setup_users
ns_start_sshd

# One in five sessions comes over ssh (from 127.0.0.1 or 127.0.0.2, so that
# there are client addresses to report); the rest are `su -l` sessions.
n_ssh=$((n / 5))
n_su=$((n - n_ssh))
key=$(ns_path "$NS_DIR/id_ed25519")
ns_run bash -c '
    n_su=$1 n_ssh=$2 key=$3 port=$4; shift 4; users=("$@")
    for ((i = 0; i < n_su; i++)); do
        setsid su -l "${users[i % 3]}" -c "exec sleep 3600" </dev/null >/dev/null 2>&1 &
    done
    for ((i = 0; i < n_ssh; i++)); do
        setsid ssh -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
            -o LogLevel=ERROR -i "$key" -p "$port" -b "127.0.0.$((1 + i % 2))" -l "${users[i % 3]}" -tt \
            127.0.0.1 "exec sleep 3600" </dev/null >/dev/null 2>&1 &
        sleep 0.02
    done' bench "$n_su" "$n_ssh" "$key" "$NS_SSH_PORT" "${NS_USERS[@]}"
for ((i = 0; i < 1200; i++)); do
    have=$(ns_run loginctl list-sessions --no-legend --no-pager | wc -l)
    [ "$have" -ge "$n" ] && break
    sleep 0.1
done
echo "# $have live sessions"
[ "$have" -ge "$n" ] || { echo "only $have of $n sessions came up" >&2; exit 1; }

ns_run "$(ns_path "$build/bench/wtsnet-list-sessions")" >"$NS_DIR/list.txt"
head -n 5 "$NS_DIR/list.txt"
# -N: no shell around the commands (wtsnet takes ~4 ms, below what hyperfine
# can correct a shell's start-up for); the per-session loop brings its own sh.
per_session='sh -c '"'"'loginctl list-sessions --no-legend --no-pager | while read -r s _; do loginctl show-session "$s" -p Name -p State -p RemoteHost --no-pager; done'"'"
ns_run hyperfine -N --warmup 5 --min-runs 20 --export-markdown "$(ns_path "$NS_DIR/results.md")" \
    -n "wtsnet enumerate + 3 queries per session" "$(ns_path "$build/bench/wtsnet-list-sessions")" \
    -n "loginctl list-sessions + show-session per session" "$per_session" \
    -n "loginctl list-sessions" "loginctl list-sessions --no-pager"
cat "$NS_DIR/results.md"
