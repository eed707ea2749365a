#!/usr/bin/env bash
# The audit provider's benchmark (issue 5), as root, on a host where logind
# does not run:
#
#     bash bench/bench-audit.sh BUILD_DIR [SESSIONS] [PROCESSES_PER_SESSION…]
#
# For each PROCESSES_PER_SESSION (default: 5 13 25 50, i.e. about 1,000 to
# 10,000 processes), it starts SESSIONS (default 200) kernel audit sessions
# the way pam_loginuid does (a process writes a uid to /proc/self/loginuid;
# the kernel gives it a new session id that its children inherit), each
# with that many processes, then times, side by side:
#   wtsnet  bench-audit: WTSEnumerateSessionsExW + WTSQuerySessionInformationW
#           of user, state and client address for every session (median of
#           10 rounds on one handle, and one cold round on a fresh handle),
#           and its peak RSS;
#   shell   who + ps -e -o pid,luid,tty,lstart,comm + /proc/*/sessionid (ps
#           has no column for the audit session id), grouped with awk
#           (median of 10 runs);
# and finally logs every benchmark session off through WTSLogoffSession.
# Results go to stdout as a Markdown table row per size (docs/benchmarks.md).
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
build=$(realpath "${1:?usage: bench-audit.sh BUILD_DIR [SESSIONS] [PROCESSES_PER_SESSION...]}")
sessions=${2:-200}
shift $(($# > 1 ? 2 : 1))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(5 13 25 50)
if [ -z "${WTSNET_BENCH_REAPED:-}" ]; then # reap what the logoffs orphan
    exec env WTSNET_BENCH_REAPED=1 "$build/tests/integration/subreaper" bash "$(realpath "$0")" "$build" "$sessions" "${sizes[@]}"
fi
uid_a=$(id -u wtsaualice 2>/dev/null || echo 60001)
uid_b=$(id -u wtsaubob 2>/dev/null || echo 60002)
D=$(mktemp -d /tmp/wtsnet-audit-bench-XXXXXX)
leaders=()
cleanup() {
    [ -n "$(ls "$D"/sid.* 2>/dev/null)" ] && WTSNET_LOGOFF_GRACE_MS=1000 \
        "$build/tests/integration/test-session-logoff" end $(cat "$D"/sid.*) 2>/dev/null
    for p in "${leaders[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$D"
}
trap cleanup EXIT

shell_way() {
    who >"$D/who"
    ps -e -o pid=,luid=,tty=,lstart=,comm= >"$D/ps"
    grep -s -H . /proc/[0-9]*/sessionid >"$D/sid" || true
    # One line per session: id, loginuid, tty, start of its first process.
    awk 'FNR == NR { split($1, p, "/"); s[p[3]] = substr($1, index($1, ":") + 1); next }
         s[$1] != "" && s[$1] != 4294967295 && !(s[$1] in seen) { seen[s[$1]] = 1; print s[$1], $2, $3, $4, $5, $6, $7, $8 }' \
        "$D/sid" "$D/ps" >"$D/shell-sessions"
}

median_of_10() { # command…: prints the median wall time in ms
    local t=()
    for _ in $(seq 10); do
        local s=$(date +%s%N)
        "$@"
        t+=($(( ($(date +%s%N) - s) / 1000 )))
    done
    printf '%s\n' "${t[@]}" | sort -n | sed -n 5p | awk '{printf "%.1f", $1 / 1000}'
}

echo "| processes | sessions | wtsnet enum (median) | wtsnet enum + 3 queries/session (median) | cold handle, enum + queries | shell: who + ps + sessionid (median) | bench-audit peak RSS | logoff of all sessions |"
echo "|---|---|---|---|---|---|---|---|"
for per in "${sizes[@]}"; do
    rm -f "$D"/sid.*
    leaders=()
    for i in $(seq "$sessions"); do
        uid=$uid_a; [ $((i % 2)) -eq 0 ] && uid=$uid_b
        setsid bash -c "echo $uid >/proc/self/loginuid; echo \$(cat /proc/self/sessionid) >$D/sid.$i
                        for _ in \$(seq $((per - 1))); do sleep 3600 & done; wait" </dev/null >/dev/null 2>&1 &
        leaders+=($!)
    done
    want=$((sessions * per))
    for _ in $(seq 600); do # until every session has all its processes
        if [ "$(ls "$D" | grep -c '^sid\.')" -eq "$sessions" ]; then
            cat "$D"/sid.* >"$D/ours"
            have=$(grep -s -h . /proc/[0-9]*/sessionid | grep -c -x -F -f "$D/ours" || true)
            [ "$have" -ge "$want" ] && break
        fi
        sleep 0.5
    done
    procs=(/proc/[0-9]*)
    total=${#procs[@]}
    out=$("$build/bench/bench-audit" 10)
    get() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$out"; }
    shell=$(median_of_10 shell_way)
    s=$(date +%s%N)
    WTSNET_LOGOFF_GRACE_MS=1000 "$build/tests/integration/test-session-logoff" end $(cat "$D"/sid.*)
    logoff=$(( ($(date +%s%N) - s) / 1000000 ))
    for p in "${leaders[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -f "$D"/sid.*
    echo "| $total | $(get sessions) | $(get enum_median_ms) ms | $(get total_median_ms) ms ($(get queries_per_round) queries) | $(get cold_total_ms) ms | $shell ms ($(wc -l <"$D/shell-sessions") sessions) | $(get maxrss_kb) KiB | $logoff ms |"
done
