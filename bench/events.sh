#!/usr/bin/env bash
# The issue-14 benchmark, in the logind namespace of tests/integration/logind-ns:
#   latency: N logon/logoff pairs (`su -l`, default 100 = 200 events): from a
#            bare sd-bus listener's receipt of SessionNew/SessionRemoved (what
#            busctl monitor sees) to the wtsnet record reaching the caller
#            (WTSNetReadSessionEvent): median, p99
#   idle:    CPU over SECONDS (default 60) of a process with a pending
#            WTSWaitSystemEvent(WTS_EVENT_ALL) and no events, side by side
#            with `busctl monitor` and `dbus-monitor --system` on the same signals
# usage: bash bench/events.sh [BUILD_DIR (build)] [N (100)] [SECONDS (60)]
# Results: docs/benchmarks.md. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath -m "${1:-build}")
n=${2:-100}
secs=${3:-60}

[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" bench/events-latency >/dev/null

source tests/integration/logind-ns/ns.sh
NS_TIE_TO_SHELL=1
mon_pids=()
cleanup() {
    local p
    for p in "${mon_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    ns_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ns_boot
ns_setup_users
probe=$(ns_path "$build/bench/events-latency")

echo "== latency: $n logon/logoff pairs =="
ns_run env BENCH_USER=wtsitbob "$probe" latency "$n"

echo "== idle CPU over $secs s =="
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)
match="type='signal',sender='org.freedesktop.login1'"
ns_run busctl monitor --system --match "$match" >/dev/null 2>&1 &
mon_pids+=($!)
ns_run dbus-monitor --system "$match" >/dev/null 2>&1 &
mon_pids+=($!)
sleep 1
# nsenter's children are the monitors themselves
kids=()
for p in "${mon_pids[@]}"; do kids+=("$(cut -d' ' -f1 "/proc/$p/task/$p/children")"); done
before=()
for k in "${kids[@]}"; do before+=("$(ticks "$k")"); done
ns_run "$probe" idle "$secs"
i=0
for name in "busctl monitor" "dbus-monitor"; do
    after=$(ticks "${kids[i]}")
    echo "$name, $secs s: $(((after - before[i]) * 1000000 / hz)) us (user + system, clock-tick resolution $((1000000 / hz)) us)"
    i=$((i + 1))
done
