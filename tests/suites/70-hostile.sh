#!/usr/bin/env bash
# Issue 10, item 3: every wait has a hard deadline. NetServerGetInfo against a
# hostile SMB2 peer (tests/integration/hostile/hostile-smb.py, a test double
# relaying to a real smbd for the handshake, then misbehaving), and against a
# name whose resolution hangs (a silent DNS test double in a network and mount
# namespace of its own: nothing leaves loopback). Each call must fail with the
# error docs/netapi.md ("Timeouts") names, within WTSNET_TIMEOUT + 2 s (the
# endless-stream case gets its own, larger timeout), with memory bounded.
# Needs root (unix users, namespaces), samba, python3.
set -u
. tests/lib/samba-env.sh
. tests/lib/tap.sh
if [ "$VARIANT" = plain ]; then port=14491 peer=14492; else port=14493 peer=14494; fi
if [ "$(id -u)" -ne 0 ] || ! command -v smbd >/dev/null || ! command -v python3 >/dev/null; then
    tap_skip "$VARIANT/hostile" suite "needs root, samba, python3"; exit 0
fi
here=$(pwd)
hostile="$here/tests/integration/hostile"
prog="$BUILD/tests/integration/test-hostile"
dir=$(mktemp -d /tmp/wtsnet-hostile-XXXXXX)
chmod 755 "$dir"
peer_pid=
cleanup() {
    [ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null && wait "$peer_pid" 2>/dev/null
    samba_stop
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
samba_users
samba_conf "$dir" "$port"
samba_start "$dir" "$port" || { tap_fail "$VARIANT/hostile" smbd_starts; exit 1; }
printf 'username = %s\npassword = %s\n' "$SMBT_ADMIN" "$SMBT_ADMIN_PW" >"$dir/creds"
chmod 600 "$dir/creds"
mkdir -p "$dir/anon" # a HOME without credentials: an anonymous (unsigned) session

T=2 # WTSNET_TIMEOUT for every case but the endless stream
# Memory growth allowed per case (MiB): the 16 MiB stub cap, and room. The
# sanitizer build keeps freed blocks in quarantine (256 MiB by default).
if [ "$VARIANT" = plain ]; then mem=32 stream=64; else mem=64 stream=320; fi

# case NAME MODE EXPECTED MAX_SECONDS MAX_MB WHO(admin|anon) [TIMEOUT]
run_case() {
    local name=$1 mode=$2 expected=$3 max_s=$4 max_mb=$5 who=$6 timeout=${7:-$T} credenv
    python3 "$hostile/hostile-smb.py" "$mode" "$peer" "$port" 300 >"$dir/peer-$name.log" 2>&1 &
    peer_pid=$!
    samba_wait_port "$peer"
    if [ "$who" = admin ]; then credenv=(WTSNET_CREDENTIALS_FILE="$dir/creds")
    else credenv=(-u WTSNET_CREDENTIALS_FILE -u XDG_CONFIG_HOME HOME="$dir/anon"); fi
    bash tests/lib/tap-count.sh "$VARIANT/hostile-$name" \
        timeout -k 5 120 env "${credenv[@]}" WTSNET_TIMEOUT="$timeout" "$prog" "$name" "127.0.0.1:$peer" "$expected" "$max_s" "$max_mb"
    kill "$peer_pid" 2>/dev/null; wait "$peer_pid" 2>/dev/null; peer_pid=
}

ERROR_TIMEOUT=1460 RPC_S_PROTOCOL_ERROR=1728
lim=$((T + 2))
# The control: a valid interim, then the answer. It is the first call to this
# smbd, which then starts samba-dcerpcd for the srvsvc pipe (seconds on a busy
# machine): its point is the answer, so it gets room that no failing case needs.
run_case interim-ok interim-ok 0 12 "$mem" admin 10
run_case silent silent "$ERROR_TIMEOUT" "$lim" "$mem" admin
run_case slowloris slowloris "$ERROR_TIMEOUT" "$lim" "$mem" admin
run_case endless-interims interims "$RPC_S_PROTOCOL_ERROR" "$lim" "$mem" admin
run_case interim-then-silence interim-silent "$ERROR_TIMEOUT" "$lim" "$mem" admin
run_case empty-fragments empty-frags "$RPC_S_PROTOCOL_ERROR" "$lim" "$mem" anon
run_case huge-alloc-hint huge-hint "$RPC_S_PROTOCOL_ERROR" "$lim" "$mem" anon
# 16 MiB in 4 KiB fragments, a READ each: cut off at the stub cap, not at the deadline.
run_case endless-stream huge-stream "$RPC_S_PROTOCOL_ERROR" 32 "$stream" anon 30

# A name whose resolution hangs: a private network namespace (only lo) and
# mount namespace (own resolv.conf and nsswitch.conf: "files dns"), a DNS
# test double that never answers, and a resolver told to wait 30 s.
# Three calls in a row: an abandoned lookup blocks nobody. The namespaces
# are the test's own: the host's /etc is never touched.
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' >"$dir/resolv.conf"
printf 'hosts: files dns\n' >"$dir/nsswitch.conf"
cat >"$dir/resolve-hang.sh" <<INNER
set -u
mount --bind "$dir/resolv.conf" /etc/resolv.conf
mount --bind "$dir/nsswitch.conf" /etc/nsswitch.conf
ip link set lo up
python3 "$hostile/silent-dns.py" 127.0.0.1 120 >"$dir/dns.log" 2>&1 &
dns=\$!
for _ in \$(seq 50); do grep -q listening "$dir/dns.log" 2>/dev/null && break; sleep 0.1; done
WTSNET_TIMEOUT=$T WTSNET_CREDENTIALS_FILE="$dir/creds" "$prog" resolve-hang 'hang.wtsnet-test.invalid' $ERROR_TIMEOUT $lim $mem 3
rc=\$?
kill \$dns; wait \$dns 2>/dev/null
exit \$rc
INNER
# A PID namespace too: when its first process ends (or unshare is killed,
# --kill-child), the kernel ends the DNS double with it; nothing is left.
# (--mount-proc: LeakSanitizer finds the threads to stop through /proc.)
ns=(unshare --mount --net --pid --fork --kill-child --mount-proc --propagation private)
if "${ns[@]}" true 2>/dev/null; then
    bash tests/lib/tap-count.sh "$VARIANT/hostile-resolve-hang" timeout -k 5 120 "${ns[@]}" bash "$dir/resolve-hang.sh"
else
    tap_skip "$VARIANT/hostile-resolve-hang" suite "no mount/network namespaces here"
fi
exit 0
