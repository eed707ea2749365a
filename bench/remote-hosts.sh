#!/usr/bin/env bash
# The issue-6 benchmark: "list all sessions everywhere" on N remote hosts
# (default 10). Each host is its own systemd + logind in a namespace
# (tests/integration/logind-ns) with sshd on 127.0.1.<i>:<2400+i> and S
# live `su -l` sessions (default 5). Then, with hyperfine:
#   wtsnet, all hosts at once:    wtsnet -s ssh://root@H1 … -s ssh://root@HN list
#   wtsnet, each host alone:      wtsnet -s ssh://root@Hi list   (i = 1..N; the slowest is the bound)
#   ssh + loginctl, one by one:   for h: ssh h loginctl list-sessions
#   wtsnet, one host after the other: for h: wtsnet -s h list
# Also printed: for the all-at-once run, the wall time, the CPU time of the
# client side (wtsnet and its ssh children) and of the whole machine (the
# hosts' sshd, PAM, logind and user managers run on the same 2 cores here).
# usage: bash bench/remote-hosts.sh [BUILD_DIR (build-bench)] [N (10)] [S (5)]
# LINGER=1: `loginctl enable-linger root` on every host first, so that a login
# does not start and stop root's user manager each time.
# Results: docs/benchmarks.md, "Remote hosts". Not part of the test suite.
set -uo pipefail # not -e: ns.sh is not written for it
cd "$(dirname "$0")/.."
root=$(pwd)
build=$(realpath -m "${1:-build-bench}")
n=${2:-10}
per_host=${3:-5}
[ "$n" -ge 1 ] && [ "$n" -le 19 ] || { echo "N must be 1..19 (ports 2401-2419)" >&2; exit 2; }

die() { echo "remote-hosts: $*" >&2; exit 1; }
bash scripts/install-deps.sh build logind remote bench || die "could not install the dependencies"
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null || die "meson setup failed"
ninja -C "$build" tools/wtsnet >/dev/null || die "build failed"

source tests/integration/logind-ns/ns.sh
source tests/integration/remote/hosts.sh
states=()
cleanup() {
    local s
    for s in "${states[@]}"; do
        # shellcheck disable=SC1090
        (source "$s"; ns_cleanup)
        rm -f "$s"
    done
    rm_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM

rm_users_create && rm_new_dir && rm_keys || die "could not set up users and keys"
hosts=()
for ((i = 1; i <= n; i++)); do
    addr=127.0.1.$i port=$((2400 + i)) state=$RM_DIR/host$i.state
    # ns.sh keeps one namespace per shell: each host is booted in a subshell
    # that leaves what ns_cleanup needs in a file.
    states+=("$state")
    (
        ns_boot
        r=$?
        declare -p NS_DIR NS_UNSHARE NS_PID NS_CGROUP >"$state"
        [ $r -eq 0 ] && rm_sshd "$addr" "$port" &&
            { [ "${LINGER:-0}" != 1 ] || ns_run loginctl enable-linger root; } &&
            ns_run bash -c 'for ((k = 0; k < $1; k++)); do
                setsid su -l wtsrmvictim -c "exec sleep 3600" </dev/null >/dev/null 2>&1 &
            done' bench "$per_host"
    ) || die "host $i did not come up"
    hosts+=("$addr:$port")
done
export WTSNET_SSH_CONFIG=$RM_DIR/ssh_config_good
sleep 1

wtsnet=$build/tools/wtsnet
all=() list=""
for h in "${hosts[@]}"; do
    all+=(-s "ssh://root@$h")
    list+="${list:+,}$h"
done
"$wtsnet" "${all[@]}" list | awk 'NR == 1 || /su-l/ {print}' | head -n 4
echo "# $("$wtsnet" "${all[@]}" list | grep -c 'su-l') su sessions on $n hosts"

serial_ssh='for h in '"${hosts[*]}"'; do ssh -F "$WTSNET_SSH_CONFIG" -p "${h#*:}" root@"${h%:*}" loginctl list-sessions --no-pager >/dev/null; done'
serial_wtsnet='for h in '"${hosts[*]}"'; do '"$wtsnet"' -s ssh://root@$h list >/dev/null; done'
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; } # jiffies, all cores
hz=$(getconf CLK_TCK)
for k in 1 2 3; do
    b0=$(busy) t0=$(date +%s%N)
    c=$( { /usr/bin/time -f "%U %S" "$wtsnet" "${all[@]}" list >/dev/null; } 2>&1 | tail -1)
    t1=$(date +%s%N) b1=$(busy)
    awk -v w=$(((t1 - t0) / 1000000)) -v c="$c" -v m=$(((b1 - b0) * 1000 / hz)) 'BEGIN {
        split(c, u, " "); printf "# all at once: wall %d ms, client CPU %d ms, machine CPU %d ms (of %d ms on 2 cores)\n",
        w, (u[1] + u[2]) * 1000, m, 2 * w }'
done

hyperfine --shell bash --warmup 2 --min-runs 10 --export-markdown "$RM_DIR/all.md" \
    -n "wtsnet, $n hosts at once" "$wtsnet ${all[*]} list" \
    -n "ssh host loginctl list-sessions, one host after the other" "$serial_ssh" \
    -n "wtsnet, one host after the other" "$serial_wtsnet"
hyperfine --shell bash --warmup 1 --min-runs 5 --export-markdown "$RM_DIR/each.md" \
    -L host "$list" -n "wtsnet, {host} alone" "$wtsnet -s ssh://root@{host} list"
echo
cat "$RM_DIR/all.md"
echo
cat "$RM_DIR/each.md"
