#!/usr/bin/env bash
# The issue-4 benchmark: 200 live SMB sessions on a private smbd (loopback),
# then NetSessionEnum level 1 as a whole process (bench/netsessenum) against
# `rpcclient -c netsessenum`, RUNS times each (median and mean in ms), and
# the round trips of each counted on the wire (bench/count-roundtrips.sh).
# Run as root from the source tree after `ninja -C build`:
#     bash bench/netsession-200.sh [BUILD] [SESSIONS] [RUNS]
set -u
cd "$(dirname "$0")/.."
build=${1:-build} sessions=${2:-200} runs=${3:-20}
. tests/lib/samba-env.sh
port=14461 relay=14462
dir=$(mktemp -d /tmp/wtsnet-smb2-bench-XXXXXX)
chmod 755 "$dir"
# Everything this benchmark starts (smbd, samba-dcerpcd and its workers, the
# session holder, socat relays) runs in a cgroup of its own where the machine
# has cgroup v2 (tests/lib/procs.sh); at the end whatever is still in it is
# named and killed. samba_stop also finds Samba's processes by their
# private smb.conf, which works without cgroups.
bench_cg=$(procs_cgroup_new "wtsnet-bench-$$") && echo $$ >"$bench_cg/cgroup.procs" || bench_cg=
cleanup() {
    local p
    [ -n "${hold_pid:-}" ] && kill "$hold_pid" 2>/dev/null && wait "$hold_pid" 2>/dev/null
    samba_stop
    rm -rf "$dir"
    if [ -n "$bench_cg" ]; then
        echo $$ >"$(dirname "$bench_cg")/cgroup.procs"
        for p in $(procs_cgroup_pids "$bench_cg"); do
            procs_alive "$p" && echo "netsession-200: left running, killed: $(procs_describe "$p")" >&2
        done
        procs_cgroup_kill "$bench_cg"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
samba_users
samba_conf "$dir" "$port" "max smbd processes = 0"
samba_start "$dir" "$port" || { echo "smbd did not start" >&2; exit 1; }
mkfifo "$dir/hold"
"$build/bench/hold-sessions" 127.0.0.1 "$port" "$SMBT_USER1" "$SMBT_USER1_PW" "$sessions" <"$dir/hold" >"$dir/held" &
hold_pid=$!
exec 9>"$dir/hold"
for _ in $(seq 600); do [ -s "$dir/held" ] && break; sleep 0.1; done
echo "held sessions: $(cat "$dir/held")"
printf 'username = %s\npassword = %s\n' "$SMBT_ADMIN" "$SMBT_ADMIN_PW" >"$dir/creds"
chmod 600 "$dir/creds"
export WTSNET_CREDENTIALS_FILE="$dir/creds"
rpc=(rpcclient -s "$dir/client.conf" -p "$port" -U "$SMBT_ADMIN%$SMBT_ADMIN_PW" 127.0.0.1 -c netsessenum)
ours=("$build/bench/netsessenum" "127.0.0.1:$port" 1)
"${ours[@]}"
"${rpc[@]}" | tail -1

timeit() { # label cmd… → median/mean ms over $runs runs
    local t=() s e label=$1
    shift
    for _ in $(seq "$runs"); do
        s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
        t+=($(((e - s) / 1000)))
    done
    printf '%s\n' "${t[@]}" | sort -n | awk -v l="$label" '{a[NR]=$1; s+=$1} END {printf "%-28s median %.1f ms  mean %.1f ms  (n=%d)\n", l, a[int((NR+1)/2)]/1000, s/NR/1000, NR}'
}
timeit "wtsnet NetSessionEnum(1)" "${ours[@]}"
timeit "rpcclient netsessenum" "${rpc[@]}"
echo "wire round trips, wtsnet:    $(bash bench/count-roundtrips.sh "$relay" "$port" "$build/bench/netsessenum" "127.0.0.1:$relay" 1)"
echo "wire round trips, rpcclient: $(bash bench/count-roundtrips.sh "$relay" "$port" rpcclient -s "$dir/client.conf" -p "$relay" -U "$SMBT_ADMIN%$SMBT_ADMIN_PW" 127.0.0.1 -c netsessenum)"
exec 9>&-
