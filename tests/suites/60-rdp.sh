#!/usr/bin/env bash
# Real RDP sessions: xrdp + xorgxrdp inside a systemd/logind namespace on
# 127.0.0.1:3389, FreeRDP clients under Xvfb. Two users connect (one through
# 127.0.0.2); the API and the CLI must show both as RDP sessions with their
# clients, list the listener, refuse a non-root user's logoff of another's
# session (which keeps working), detach a client (WTSDisconnectSession) and
# log sessions off with bWait=TRUE: returning only once the session is gone,
# xrdp has told the client and sesman has forgotten it.
# About 10 s a variant; it runs in both, so the sanitizers see the xrdp code
# read live kernel tables, /proc and X server logs.
set -u
root=$(pwd)
here=$root/tests/integration/rdp
# Each case is counted as it ends (tests/lib/tap.sh).
. tests/lib/tap.sh
if [ "$(id -u)" -ne 0 ]; then
    tap_skip "$VARIANT/rdp" rdp "needs root (a systemd namespace, users, xrdp)"
    exit 0
fi
tap=$(mktemp /tmp/wtsnet-xrdp-tap.XXXXXX)
# shellcheck source=../integration/logind-ns/ns.sh
source "$root/tests/integration/logind-ns/ns.sh"
# shellcheck source=../integration/rdp/rdp.sh
source "$here/rdp.sh"
cleanup() {
    ns_cleanup
    rdp_remove_users
    rm -f "$tap" "$tap.out"
}
trap cleanup EXIT

wtsnet=$(ns_path "$BUILD/tools/wtsnet") # run inside the namespace
test_rdp=$(ns_path "$BUILD/tests/integration/rdp/test-rdp")
alice=${RDP_USERS[0]} bob=${RDP_USERS[1]}
expect="$alice=127.0.0.1=1024x768x32 $bob=127.0.0.2=800x600x16"
ok() { tap_ok "$VARIANT/rdp" "$1"; }
not_ok() { local name=$1; shift; tap_fail "$VARIANT/rdp" "$name" "$(printf '%s\n' "$@")"; }
check() { # name, command…
    local name=$1
    shift
    if "$@" >"$tap.out" 2>&1; then ok "$name"; else not_ok "$name" "$(tail -n 15 "$tap.out")"; fi
}
in_ns() { ns_run env RDP_EXPECT="$expect" "$@"; }
as_user() { local u=$1; shift; ns_run runuser -u "$u" -- env RDP_EXPECT="$expect" USER="$u" "$@"; }
dword_id() { case $1 in c*) echo $((0x80000000 | ${1#c})) ;; *) echo "$1" ;; esac; }
display_of() { ns_run loginctl show-session -P Display "$1" | tr -d ':'; }

setup() {
    ns_boot && rdp_setup_users && rdp_start_server && rdp_start_relay || return 1
    rdp_connect "$alice" /size:1024x768 && RDP_HOST=127.0.0.2 rdp_connect "$bob" /size:800x600 /bpp:16 || return 1
    sid_alice=$(rdp_wait_session "$alice") && sid_bob=$(rdp_wait_session "$bob") || return 1
    disp_alice=$(display_of "$sid_alice") && disp_bob=$(display_of "$sid_bob") || return 1
    rdp_wait_attached "$disp_alice" && rdp_wait_attached "$disp_bob"
}

if ! setup >"$tap.out" 2>&1; then
    not_ok "rdp environment comes up" "$(tail -n 30 "$tap.out")"
    exit 0
fi
id_alice=$(dword_id "$sid_alice") id_bob=$(dword_id "$sid_bob")

# 1. Both connected: the API's view (TAP of its own).
bash tests/lib/tap-count.sh "$VARIANT/rdp-connected" nsenter -t "$NS_PID" -p -m -C -- env RDP_EXPECT="$expect" "$test_rdp" connected

# 2. The CLI's table: each RDP session with its client, and the listener.
cli_table() {
    local out
    out=$(in_ns "$wtsnet" list) || return 1
    echo "$out"
    # (IDLE TIME and LOGON TIME follow the client; the listener has neither.)
    echo "$out" | grep -Eq "^RDP-Tcp#$disp_alice +$alice +$id_alice +Active +rdp +127\.0\.0\.1( |\$)" &&
        echo "$out" | grep -Eq "^RDP-Tcp#$disp_bob +$bob +$id_bob +Active +rdp +127\.0\.0\.2( |\$)" &&
        echo "$out" | grep -Eq "^RDP-Tcp +4294967293 +Listen +rdp +\$"
}
check cli_lists_rdp_sessions_with_their_clients_and_the_listener cli_table
cli_show_display() { in_ns "$wtsnet" show "$id_bob" | tee /dev/stderr | grep -Eq '^ClientDisplay +800x600, 16 bpp$'; }
check cli_shows_the_client_display cli_show_display

# 3. bob (not root) may not end alice's session; it goes on working.
bash tests/lib/tap-count.sh "$VARIANT/rdp-as-user" nsenter -t "$NS_PID" -p -m -C -- runuser -u "$bob" -- \
    env RDP_EXPECT="$expect" USER="$bob" "$test_rdp" as-user "$alice"
still_working() {
    ns_run loginctl show-session -P State "$sid_alice" | grep -qx active && rdp_client_running "$alice" &&
        rdp_wait_attached "$disp_alice" && [ -n "$(rdp_server_pid "$disp_alice")" ] &&
        ! grep -q ERRINFO "$NS_DIR/client-$alice.log"
}
check denied_logoff_leaves_the_rdp_session_working still_working

# 4. Disconnect: bob's client is detached and told; the session stays; he comes back to it.
disconnect_bob() {
    local server
    server=$(rdp_server_pid "$disp_bob") || return 1
    in_ns "$wtsnet" disconnect "$id_bob" || return 1
    ! ns_run ss -Hx state established | grep -q "/xrdp_display_$disp_bob " || { echo "still attached"; return 1; }
    ! ns_run kill -0 "$server" 2>/dev/null || { echo "xrdp process $server still serving"; return 1; }
    ns_run loginctl show-session -P State "$sid_bob" | grep -qx active
}
check disconnect_detaches_the_client_and_keeps_the_session disconnect_bob
client_gone() { # user: the client exits within 5 s
    local i
    for ((i = 0; i < 50; i++)); do rdp_client_running "$1" || return 0; sleep 0.1; done
    echo "client of $1 still running"; tail -n 5 "$NS_DIR/client-$1.log"; return 1
}
check disconnected_client_exits client_gone "$bob"
bash tests/lib/tap-count.sh "$VARIANT/rdp-disconnected" nsenter -t "$NS_PID" -p -m -C -- "$test_rdp" disconnected "$bob"
# alice (not root) may neither detach nor end bob's session now that it has no client either.
bash tests/lib/tap-count.sh "$VARIANT/rdp-denied" nsenter -t "$NS_PID" -p -m -C -- runuser -u "$alice" -- \
    env RDP_EXPECT="$expect" USER="$alice" "$test_rdp" denied "$bob"
still_disconnected() {
    ns_run loginctl show-session -P State "$sid_bob" | grep -qx active &&
        ! ns_run ss -Hx state established | grep -q "/xrdp_display_$disp_bob "
}
check denied_calls_leave_the_disconnected_session_as_it_was still_disconnected
reconnect_bob() {
    ns_run systemctl reset-failed "wtsxr-client-$bob" 2>/dev/null
    RDP_HOST=127.0.0.2 rdp_connect "$bob" /size:800x600 /bpp:16 && rdp_wait_attached "$disp_bob" || return 1
    [ "$(rdp_wait_session "$bob")" = "$sid_bob" ] &&
        in_ns "$wtsnet" show "$id_bob" | tee /dev/stderr | grep -Eq '^ConnectState +Active$'
}
check reconnect_returns_to_the_same_session reconnect_bob

# 5. Logoff with bWait=TRUE: on return the session is gone, the xrdp process
#    that served it (and told the client) has exited, sesman has forgotten it;
#    the client then exits, its log saying the server logged it off.
logoff_alice() {
    local server
    server=$(rdp_server_pid "$disp_alice") || { echo "no xrdp process for :$disp_alice"; return 1; }
    in_ns "$wtsnet" logoff "$id_alice" || return 1
    ! ns_run loginctl show-session "$sid_alice" >/dev/null 2>&1 || { echo "logind still has $sid_alice"; return 1; }
    ! ns_run kill -0 "$server" 2>/dev/null || { echo "xrdp process $server still there"; return 1; }
    grep -q "terminated session: *username $alice, display :$disp_alice" "$NS_DIR/xrdp/sesman.log" ||
        { echo "sesman has not let go"; tail -n 5 "$NS_DIR/xrdp/sesman.log"; return 1; }
}
check logoff_waits_until_session_gone_and_client_told logoff_alice
check logged_off_client_exits client_gone "$alice"
check client_log_shows_the_logoff grep -q ERRINFO_LOGOFF_BY_USER "$NS_DIR/client-$alice.log"
gone_query() {
    in_ns "$wtsnet" show "$id_alice" 2>&1 | tee /dev/stderr | grep -q '(error 7022)'
}
check query_of_the_logged_off_session_fails gone_query
# The session left over without a client is what piles up on xrdp hosts: log it off too.
logoff_disconnected_bob() {
    in_ns "$wtsnet" disconnect "$id_bob" && in_ns "$wtsnet" logoff "$id_bob" &&
        ! ns_run loginctl show-session "$sid_bob" >/dev/null 2>&1
}
check logoff_of_a_disconnected_session_works logoff_disconnected_bob
listener_only() { in_ns "$wtsnet" list | tee /dev/stderr | grep -c '^RDP-Tcp' | grep -qx 1; }
check listener_stays_when_no_session_is_left listener_only
listener_goes_with_xrdp() {
    ns_run systemctl stop xrdp || return 1
    ! in_ns "$wtsnet" list | tee /dev/stderr | grep -q '^RDP-Tcp' &&
        in_ns "$wtsnet" show 4294967293 2>&1 | tee /dev/stderr | grep -q '(error 7022)'
}
check listener_is_not_listed_once_xrdp_stops listener_goes_with_xrdp

