#!/usr/bin/env bash
# Integration tests against a real systemd-logind: boots systemd + logind +
# dbus + polkit + sshd in a private namespace (tests/integration/logind-ns),
# runs each test program inside it, and always powers it off.
set -u
source tests/integration/logind-ns/ns.sh
. tests/lib/tap.sh
NS_TIE_TO_SHELL=1 # never outlive this script, even when it is killed

fail_whole_suite() { # the namespace is every case's precondition
    tap_fail "$VARIANT/logind" "$*"
    exit 0
}
if [ "$(id -u)" -ne 0 ]; then
    tap_skip "$VARIANT/logind" "logind suite" "needs root to boot systemd in a namespace"
    exit 0
fi
trap ns_cleanup EXIT
trap 'exit 1' INT TERM
ns_boot || fail_whole_suite "the namespace boots"
ns_setup_users || fail_whole_suite "the test users are created"
ns_setup_polkit || fail_whole_suite "the polkit rule is installed"
ns_start_sshd || fail_whole_suite "sshd starts"

mapfile -t test_env < <(ns_test_env)
bin=$(ns_path "$BUILD/tests/integration")
for t in test-logind-sessions test-logind-logoff test-logind-nobus test-logind-down; do
    # (a program not built is a failed case: tap-count.sh cannot run it)
    bash tests/lib/tap-count.sh "$VARIANT/$t" nsenter -t "$NS_PID" -p -m -C -- env "${test_env[@]}" "$bin/$t" {NS_LOCK_FD}>&-
done
# The provider-neutral API test (also run against the audit provider by
# 40-audit.sh), here against logind: two real ssh logins, from 127.0.0.1 and
# 127.0.0.2. (Its logoff companion finds members by audit session id, which
# sessions in this namespace lack; test-logind-logoff covers logind's logoff.)
clients=()
ssh_login() { # user, source address: a session that lasts until logged off
    ssh -T -n -b "$2" -i "$NS_DIR/id_ed25519" -p "$NS_SSH_PORT" -o BatchMode=yes -o StrictHostKeyChecking=no \
        -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "$1@127.0.0.1" 'exec sleep 600' </dev/null >/dev/null 2>&1 &
    clients+=($!)
}
session_of() { # user: the logind id of its active sshd session, once it is there
    local id
    for _ in $(seq 100); do
        for id in $(ns_run loginctl list-sessions --no-legend 2>/dev/null | awk -v u="$1" '$3 == u {print $1}'); do
            [ "$(ns_run loginctl show-session "$id" -p Service -p State --value 2>/dev/null | tr '\n' ' ')" = "sshd active " ] &&
                { echo "$id"; return 0; }
        done
        sleep 0.1
    done
    return 1
}
ssh_login "${NS_USERS[0]}" 127.0.0.1
ssh_login "${NS_USERS[1]}" 127.0.0.2
if a=$(session_of "${NS_USERS[0]}") && b=$(session_of "${NS_USERS[1]}"); then
    shared=(nsenter -t "$NS_PID" -p -m -C -- env WTSNET_PROVIDER=logind "${test_env[@]}")
    bash tests/lib/tap-count.sh "$VARIANT/session-api[logind]" "${shared[@]}" "$bin/test-session-api" \
        --current 0 "$a:${NS_USERS[0]}:127.0.0.1" "$b:${NS_USERS[1]}:127.0.0.2"
    ns_run loginctl terminate-session "$a" "$b" 2>/dev/null
else
    tap_fail "$VARIANT/session-api[logind]" "the ssh logins it looks at appear in logind"
fi
for p in "${clients[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
clients=()
# WinPR with wtsnet as its WTS API provider, in this same namespace (issue 16).
source tests/integration/winpr/in-logind.sh
winpr_suite

# The CLI takes logind's own ids (docs/cli.md, "Session ids"): a `su -l` session
# (logind "cN", Win32 0x80000000|N) is shown by its cN, shows it back, and is
# logged off by it. logind itself says which session su made and that it went.
cli_tap=$(mktemp /tmp/wtsnet-cli-logind.XXXXXX)
cli_logind_ids() {
    local wtsnet id dword out n=0 su_pid before
    wtsnet=$(ns_path "$BUILD/tools/wtsnet")
    cli_ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; sed 's/^/# /' <<<"$out"; fi; }
    # Earlier tests may leave sessions closing: only one that appears now, active, is ours.
    before=" $(ns_run loginctl list-sessions --no-legend 2>/dev/null | awk '{print $1}' | tr '\n' ' ') "
    ns_run su -l "${NS_USERS[0]}" -c 'exec sleep 600' </dev/null >/dev/null 2>&1 &
    su_pid=$!
    for _ in $(seq 100); do
        for id in $(ns_run loginctl list-sessions --no-legend 2>/dev/null | awk -v u="${NS_USERS[0]}" '$3 == u {print $1}'); do
            [[ $before == *" $id "* ]] && continue
            [ "$(ns_run loginctl show-session "$id" -p Service -p State --value 2>/dev/null | tr '\n' ' ')" = "su-l active " ] &&
                break 2
        done
        id=""
        sleep 0.1
    done
    echo "1..7"
    case $id in
    c[0-9]*) dword=$((0x80000000 | ${id#c})) ;;
    *) out="no su-l session with a cN id for ${NS_USERS[0]}: '$id'"; cli_ok 1 "su_session_has_a_logind_cN_id"
       kill "$su_pid" 2>/dev/null; wait "$su_pid" 2>/dev/null; return ;;
    esac
    out="su-l session $id, Win32 id $dword"; cli_ok 0 "su_session_has_a_logind_cN_id"
    out=$(ns_run "$wtsnet" show "$id" 2>&1)
    grep -Eq "^SessionId +$dword\$" <<<"$out" && grep -Eq "^LogindId +$id\$" <<<"$out" &&
        grep -Eq "^WinStationName +su-l#$id\$" <<<"$out" && grep -Eq "^UserName +${NS_USERS[0]}\$" <<<"$out"
    cli_ok $? "show_by_logind_id_gives_both_ids"
    out=$(ns_run "$wtsnet" --json show "$id" 2>&1)
    grep -q "\"id\":$dword,\"logind_id\":\"$id\"," <<<"$out"
    cli_ok $? "show_json_carries_id_and_logind_id"
    out=$(ns_run "$wtsnet" show "$dword" 2>&1)
    grep -Eq "^LogindId +$id\$" <<<"$out"
    cli_ok $? "show_by_win32_id_names_the_same_session"
    out=$(ns_run "$wtsnet" --json list 2>&1)
    grep -q "\"id\":$dword,\"logind_id\":\"$id\"," <<<"$out"
    cli_ok $? "list_json_carries_id_and_logind_id"
    out=$(ns_run "$wtsnet" logoff "$id" 2>&1)
    [ "$out" = "Session $id logged off." ] && ! ns_run loginctl show-session "$id" >/dev/null 2>&1
    cli_ok $? "logoff_by_logind_id_ends_that_session"
    out=$(ns_run "$wtsnet" show "$id" 2>&1)
    grep -q '(error 7022)' <<<"$out"
    cli_ok $? "the_logged_off_id_is_not_found"
    kill "$su_pid" 2>/dev/null
    wait "$su_pid" 2>/dev/null
}
cli_logind_ids >"$cli_tap" 2>&1
bash tests/lib/tap-count.sh "$VARIANT/cli-logind-ids" cat "$cli_tap"
rm -f "$cli_tap"

# Outside the namespace: no logind at all (skips itself on a host booted with systemd).
bash tests/lib/tap-count.sh "$VARIANT/test-logind-nologind" "$BUILD/tests/integration/test-logind-nologind" {NS_LOCK_FD}>&-
exit 0
