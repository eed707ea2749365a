#!/usr/bin/env bash
# Remote hosts over ssh (issue 6): a "remote host" is systemd + logind +
# polkit booted in a namespace (tests/integration/logind-ns), made remote by
# tests/integration/remote/hosts.sh: sshd on 127.0.0.1:2400 and
# 127.0.0.3:2401 (key authentication), users wtsrm*, and a polkit rule
# granting group wtsrmreset org.freedesktop.login1.manage. The library and
# the CLI run outside and reach it only through ssh + systemd-stdio-bridge.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=../integration/logind-ns/ns.sh
. "$root/tests/integration/logind-ns/ns.sh"
# shellcheck source=../integration/remote/hosts.sh
. "$root/tests/integration/remote/hosts.sh"

if [ "$(id -u)" -ne 0 ]; then
    bash "$root/tests/lib/tap-count.sh" "$VARIANT/remote" printf '1..1\nok 1 - remote suite # SKIP needs root to boot a namespace\n'
    exit 0
fi

listeners=()
cleanup() {
    local p
    for p in "${listeners[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    ns_cleanup
    rm_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM

setup() {
    rm_users_create && rm_polkit_rule && rm_new_dir && rm_keys && ns_boot &&
        rm_sshd 127.0.0.1 2400 && rm_sshd 127.0.0.3 2401
}
if ! setup; then
    bash "$root/tests/lib/tap-count.sh" "$VARIANT/remote" printf '1..1\nnot ok 1 - remote host boots with sshd\n'
    exit 0
fi

dir=$RM_DIR
export WTSNET_SSH_CONFIG=$dir/ssh_config_good
WTSRM_HOST=127.0.0.1 WTSRM_PORT=2400 WTSRM_BAD_CONFIG=$dir/ssh_config_bad WTSRM_CGROUP_TAG=$(basename "$NS_DIR") \
    bash "$root/tests/lib/tap-count.sh" "$VARIANT/test-remote" "$BUILD/tests/integration/test-remote"

# The CLI over several hosts.
wtsnet=$BUILD/tools/wtsnet
a=ssh://wtsrmuser@127.0.0.1:2400 b=ssh://wtsrmuser@127.0.0.3:2401 down=ssh://wtsrmuser@127.0.0.1:2419
out=$dir/out err=$dir/err

# A host that accepts TCP and never speaks (a hung sshd): python3, started here, stopped by PID.
silent() { # port
    python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); time.sleep(120)' "$1" &
    listeners+=($!)
}
silent 2416; silent 2417; silent 2418
sleep 0.3

# Each case is counted as it ends (tests/lib/tap.sh); a failure shows what wtsnet printed.
. "$root/tests/lib/tap.sh"
shown() { "$@" && return 0; cat "$out" "$err"; return 1; }
{
    ok() { tap_check "$VARIANT/remote-cli" "$name" shown "$@"; }

    name=list_of_several_hosts_has_a_server_column_and_reports_the_down_one
    "$wtsnet" -s "$a" -s "$down" -s "$b" list >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 1 ] && head -1 "$out" | grep -q "^SERVER  *SESSIONNAME" &&
        grep -q "^$a  *SSH#" "$out" && grep -q "^$b  *SSH#" "$out" && ! grep -q "^$down" "$out" &&
        grep -q "$down: cannot list sessions: .*(error 1722)" "$err" && [ "$(grep -c . "$err")" -eq 1 ]'

    name=json_list_of_several_hosts_has_a_server_key_in_every_row
    "$wtsnet" --json -s "$a" -s "$b" list >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && python3 -c "import json,sys
rows=json.load(open(sys.argv[1]))
assert rows and all(\"server\" in r for r in rows)
assert {r[\"server\"] for r in rows} == {sys.argv[2], sys.argv[3]}" "$out" "$a" "$b"'

    name=hosts_are_asked_concurrently_not_one_after_the_other
    start=$(date +%s%N)
    WTSNET_REMOTE_TIMEOUT_MS=1000 "$wtsnet" -s ssh://x@127.0.0.1:2416 -s ssh://x@127.0.0.1:2417 \
        -s ssh://x@127.0.0.1:2418 list >"$out" 2>"$err"; status=$?
    took=$(( ($(date +%s%N) - start) / 1000000 ))
    echo "took ${took} ms" >>"$err"
    # Each silent host costs ~1 s (the timeout); one after the other would be ≥ 3 s.
    ok eval '[ $status -eq 1 ] && [ "$took" -lt 2500 ] && [ "$(grep -c "error 1722" "$err")" -eq 3 ]'

    name=show_on_several_hosts_prints_a_section_per_host
    "$wtsnet" -s "$a" -s "$b" show current >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && [ "$(grep -c "^Server " "$out")" -eq 2 ] && grep -q "^Server  *$b" "$out"'

    name=logoff_on_several_hosts_logs_off_where_it_can_and_names_the_failure
    ssh -F "$WTSNET_SSH_CONFIG" -tt -b 127.0.0.2 -p 2400 wtsrmvictim@127.0.0.1 'exec sleep 600' </dev/null >/dev/null 2>&1 &
    victim=$!
    id=""
    for _ in $(seq 50); do
        id=$("$wtsnet" --json -s ssh://root@127.0.0.1:2400 list 2>/dev/null | python3 -c 'import json,sys
print(next((str(r["id"]) for r in json.load(sys.stdin) if r["user"]=="wtsrmvictim" and r["state"]=="active"), ""))')
        [ -n "$id" ] && break
        sleep 0.1
    done
    "$wtsnet" -s ssh://wtsrmadmin@127.0.0.1:2400 -s "$down" logoff "$id" >"$out" 2>"$err"; status=$?
    ok eval '[ -n "$id" ] && [ $status -eq 1 ] && grep -q "^ssh://wtsrmadmin@127.0.0.1:2400: Session $id logged off.$" "$out" &&
        grep -q "$down: cannot log off session $id: .*(error 1722)" "$err" &&
        ! "$wtsnet" -s ssh://root@127.0.0.1:2400 show "$id" >/dev/null 2>&1'
    kill "$victim" 2>/dev/null; wait "$victim" 2>/dev/null

    name=an_injected_option_is_refused_and_nothing_runs
    "$wtsnet" -s "ssh://-oProxyCommand=touch $dir/pwned" -s "$a" list >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 1 ] && grep -q "cannot open server .*(error 87)" "$err" && [ ! -e "$dir/pwned" ] && grep -q "^$a " "$out"'
}
exit 0
