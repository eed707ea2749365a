#!/usr/bin/env bash
# Session events (issue 14) against a real systemd-logind booted in a private
# namespace (tests/integration/logind-ns): the wtsnet_events.h subscription
# and WTSWaitSystemEvent driven by real su and ssh logons/logoffs and
# loginctl lock/unlock (test-events), then the `wtsnet watch` CLI: --json,
# --filter, --exec hooks and their environment, a failing hook, Ctrl-C.
set -u
source tests/integration/logind-ns/ns.sh
source tests/integration/rdp/rdp.sh
. tests/lib/tap.sh
# xrdp on a port of this suite's range (the namespace shares the host's network).
# sesman keeps rdp.sh's 3350, as in 60-rdp (both run under the suite lock):
# xrdp 0.9 finds sesman's port in /etc/xrdp/sesman.ini, which tests leave alone.
if [ "$VARIANT" = plain ]; then RDP_PORT=14562; else RDP_PORT=14572; fi
NS_TIE_TO_SHELL=1

fail_whole_suite() {
    tap_fail "$VARIANT/events" "$*"
    exit 0
}
if [ "$(id -u)" -ne 0 ]; then
    tap_skip "$VARIANT/events" "events suite" "needs root to boot systemd in a namespace"
    exit 0
fi
watch_pid=""
remote_pid=""
fallback_pid=""
audit_watch_pid=""
audit_sshd_pid=""
made_run_sshd=0
tmp=""
cleanup() {
    local c
    declare -F audit_ssh_end >/dev/null && audit_ssh_end
    [ -n "$fallback_pid" ] && kill "$fallback_pid" 2>/dev/null && wait "$fallback_pid" 2>/dev/null
    [ -n "$remote_pid" ] && kill "$remote_pid" 2>/dev/null && wait "$remote_pid" 2>/dev/null
    if [ -n "$watch_pid" ]; then
        c=$(cat "/proc/$watch_pid/task/$watch_pid/children" 2>/dev/null)
        [ -n "$c" ] && kill ${c%% *} 2>/dev/null
        kill "$watch_pid" 2>/dev/null
        wait "$watch_pid" 2>/dev/null
    fi
    [ -n "$tmp" ] && rm -rf "$tmp"
    ns_cleanup
    rdp_remove_users
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ns_boot || fail_whole_suite "the namespace boots"
ns_setup_users || fail_whole_suite "the test users are created"
ns_setup_polkit || fail_whole_suite "the polkit rule is installed"
ns_start_sshd || fail_whole_suite "sshd starts"

mapfile -t test_env < <(ns_test_env)
bin=$(ns_path "$BUILD/tests/integration")
bash tests/lib/tap-count.sh "$VARIANT/test-events" nsenter -t "$NS_PID" -p -m -C -- env "${test_env[@]}" \
    "$bin/test-events" {NS_LOCK_FD}>&-

# The audit provider on this host (no logind here): the proc connector drives
# it; sessions begin as pam_loginuid begins them (test-events-audit says how).
WTSNET_PROVIDER=audit bash tests/lib/tap-count.sh "$VARIANT/test-events-audit" "$BUILD/tests/integration/test-events-audit" \
    {NS_LOCK_FD}>&-

# ---- wtsnet watch ----
tmp=$(mktemp -d /tmp/wtsnet-events.XXXXXX)
chmod 755 "$tmp"
wtsnet=$(ns_path "$BUILD/tools/wtsnet")
hook=$tmp/hook.sh
# The hook is a program of the test's (watch runs it by argv): it records the
# variables watch gives it, one line per change, into the file named by $1.
cat >"$hook" <<'EOS'
#!/bin/sh
printf '%s|%s|%s|%s|%s|%s\n' "$WTS_EVENT" "$WTS_EVENT_CODE" "$WTS_SESSION_ID" "$WTS_LOGIND_ID" "$WTS_USER" "$WTS_WINSTATION" >>"$1"
EOS
chmod 755 "$hook"
watch_start() { # OUTFILE ARGS…: watch in the namespace, its stdout into OUTFILE
    local out=$1
    shift
    # (a background job starts with SIGINT ignored: give the watch Ctrl-C back)
    nsenter -t "$NS_PID" -p -m -C -- env --default-signal=INT "$wtsnet" watch "$@" >"$out" 2>"$out.err" </dev/null \
        {NS_LOCK_FD}>&- &
    watch_pid=$!
}
watch_child() { # the watch itself: nsenter's child
    local c
    for _ in $(seq 50); do
        c=$(cat "/proc/$watch_pid/task/$watch_pid/children" 2>/dev/null)
        [ -n "$c" ] && { echo "${c%% *}"; return 0; }
        sleep 0.1
    done
    return 1
}
# Watch is ready once it reports a probe logon (a short su session).
watch_ready() { # OUTFILE
    local i
    for ((i = 0; i < 60; i++)); do
        ns_run su -l wtsitbob -c true </dev/null >/dev/null 2>&1
        grep -q 'wtsitbob' "$1" && return 0
        sleep 0.5
    done
    return 1
}
su_session() { # USER: starts `su -l USER` (sleep), prints its logind id once active
    local before id
    before=" $(ns_run loginctl list-sessions --no-legend 2>/dev/null | awk '{print $1}' | tr '\n' ' ') "
    ns_run su -l "$1" -c 'exec sleep 600' </dev/null >/dev/null 2>&1 &
    for _ in $(seq 100); do
        for id in $(ns_run loginctl list-sessions --no-legend 2>/dev/null | awk -v u="$1" '$3 == u {print $1}'); do
            [[ $before == *" $id "* ]] && continue
            [ "$(ns_run loginctl show-session "$id" -p State --value 2>/dev/null)" = active ] && { echo "$id"; return 0; }
        done
        sleep 0.1
    done
    return 1
}
await_line() { # FILE PATTERN: within 20 s
    for _ in $(seq 200); do grep -Eq "$2" "$1" && return 0; sleep 0.1; done
    echo "no line /$2/ in $1:"; cat "$1"; return 1
}
stop_watch() { # Ctrl-C (SIGINT to the watch); it ends by itself, status 0, within 10 s
    local i child rc
    child=$(watch_child) || return 1
    kill -INT "$child"
    for ((i = 0; i < 100; i++)); do kill -0 "$watch_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$watch_pid" 2>/dev/null; then
        echo "still running 10 s after SIGINT"; kill -KILL "$child"
    fi
    wait "$watch_pid"
    rc=$?
    watch_pid=""
    return $rc
}

# The audit provider's documented fallback: a watcher without the right to the
# proc connector (nobody) scans every 2 s; a root-made audit session still
# shows as a logon and a logoff, just later.
audit_fallback() {
    local out=$tmp/watch.audit-fallback pid sid ok=1 i
    setpriv --reuid=65534 --regid=65534 --clear-groups env WTSNET_PROVIDER=audit "$BUILD/tools/wtsnet" watch --json \
        >"$out" 2>"$out.err" </dev/null {NS_LOCK_FD}>&- &
    fallback_pid=$!
    for i in 1 2 3; do # the first may predate the watcher's first scan
        setsid sh -c 'echo 0 >/proc/self/loginuid && exec sleep 60' </dev/null >/dev/null 2>&1 &
        pid=$!
        for _ in $(seq 50); do sid=$(cat "/proc/$pid/sessionid" 2>/dev/null) && [ "$sid" != 4294967295 ] && break; sleep 0.1; done
        if await_line "$out" "\"event\":\"logon\",\"code\":5,\"session_id\":$sid," >/dev/null; then
            kill "$pid"; wait "$pid" 2>/dev/null
            await_line "$out" "\"event\":\"logoff\",\"code\":6,\"session_id\":$sid," && ok=0
            break
        fi
        kill "$pid"; wait "$pid" 2>/dev/null
    done
    kill "$fallback_pid"; wait "$fallback_pid" 2>/dev/null; fallback_pid=""
    [ $ok = 0 ] || { cat "$out" "$out.err"; return 1; }
}
tap_check "$VARIANT/watch" "audit_fallback_scan_reports_logon_and_logoff_without_privilege" audit_fallback

# The audit provider with a real ssh login: an sshd on this host (pam_loginuid
# gives the login its audit session), on a port of this suite's range, for the
# namespace's test users; the watch runs as root (proc connector).
audit_ssh() {
    local port conf=$tmp/sshd_audit_config out=$tmp/watch.audit-ssh client sid=""
    if [ "$VARIANT" = plain ]; then port=14560; else port=14570; fi
    cat >"$conf" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $NS_DIR/ssh_host_ed25519_key
PidFile none
UsePAM yes
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers wtsitalice
PrintMotd no
PrintLastLog no
UseDNS no
CFG
    [ -d /run/sshd ] || { mkdir -m 755 /run/sshd && made_run_sshd=1; }
    /usr/sbin/sshd -D -e -f "$conf" 2>"$tmp/sshd_audit.log" {NS_LOCK_FD}>&- &
    audit_sshd_pid=$!
    for _ in $(seq 50); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.1; done
    WTSNET_PROVIDER=audit "$BUILD/tools/wtsnet" watch --json >"$out" 2>"$out.err" </dev/null {NS_LOCK_FD}>&- &
    audit_watch_pid=$!
    sleep 1 # (its first scan; a login before it would be known already, not a logon)
    local before=" $(pgrep -u wtsitalice -x sleep | tr '\n' ' ') "
    setsid ssh -tt -F /dev/null -i "$NS_DIR/id_ed25519" -p "$port" -o BatchMode=yes -o StrictHostKeyChecking=no \
        -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR wtsitalice@127.0.0.1 'exec sleep 60' </dev/null >/dev/null 2>&1 &
    client=$!
    for _ in $(seq 100); do
        for p in $(pgrep -u wtsitalice -x sleep); do
            [[ $before == *" $p "* ]] && continue
            s=$(cat "/proc/$p/sessionid" 2>/dev/null) && [ "$s" != 4294967295 ] && sid=$s && break 2
        done
        sleep 0.1
    done
    [ -n "$sid" ] || { echo "no ssh login"; cat "$tmp/sshd_audit.log"; return 1; }
    await_line "$out" "\"event\":\"logon\",\"code\":5,\"session_id\":$sid,.*\"user\":\"wtsitalice\"" || return 1
    kill "$client"; wait "$client" 2>/dev/null
    await_line "$out" "\"event\":\"logoff\",\"code\":6,\"session_id\":$sid,.*\"user\":\"wtsitalice\"" || return 1
}
audit_ssh_end() {
    [ -n "$audit_watch_pid" ] && kill "$audit_watch_pid" 2>/dev/null && wait "$audit_watch_pid" 2>/dev/null
    [ -n "$audit_sshd_pid" ] && kill "$audit_sshd_pid" 2>/dev/null && wait "$audit_sshd_pid" 2>/dev/null
    audit_watch_pid="" audit_sshd_pid=""
    [ "$made_run_sshd" = 1 ] && rmdir /run/sshd 2>/dev/null
    made_run_sshd=0
}
tap_check "$VARIANT/watch" "audit_ssh_logon_and_logoff_are_lines" audit_ssh
audit_ssh_end

# JSON, one object per line, with hooks; then Ctrl-C.
json=$tmp/watch.json
hooklog=$tmp/hook.log
watch_start "$json" --json --exec "$(ns_path "$hook")" "$(ns_path "$hooklog")"
if watch_ready "$json" && id=$(su_session wtsitcarol); then
    case $id in c*) dword=$((0x80000000 | ${id#c})) ;; *) dword=$id ;; esac
    tap_check "$VARIANT/watch" "json_logon_line_names_session_user_and_winstation" \
        await_line "$json" "^\{\"time\":\"[0-9T:.-]+Z\",\"event\":\"logon\",\"code\":5,\"session_id\":$dword,\"logind_id\":\"$id\",\"user\":\"wtsitcarol\",\"winstation\":\"su-l#$id\",\"client_address\":\"\"\}\$"
    tap_check "$VARIANT/watch" "exec_hook_gets_the_logon_in_its_environment" \
        await_line "$hooklog" "^logon\|5\|$dword\|$id\|wtsitcarol\|su-l#$id\$"
    ns_run loginctl lock-session "$id"
    tap_check "$VARIANT/watch" "lock_session_is_a_lock_line" await_line "$json" "\"event\":\"lock\",\"code\":7,\"session_id\":$dword,"
    ns_run loginctl terminate-session "$id"
    tap_check "$VARIANT/watch" "logoff_line_keeps_the_user_of_the_gone_session" \
        await_line "$json" "\"event\":\"logoff\",\"code\":6,\"session_id\":$dword,\"logind_id\":\"$id\",\"user\":\"wtsitcarol\""
    tap_check "$VARIANT/watch" "exec_hook_gets_the_logoff" await_line "$hooklog" "^logoff\|6\|$dword\|$id\|wtsitcarol\|"
    tap_check "$VARIANT/watch" "ctrl_c_ends_the_watch_with_status_0" stop_watch
    tap_check "$VARIANT/watch" "every_json_line_is_one_object" \
        sh -c '! grep -vE "^\{.*\}\$" "$1"' _ "$json"
else
    tap_fail "$VARIANT/watch" "watch_reports_a_probe_logon" "$(cat "$json" "$json.err" 2>/dev/null)"
    [ -n "$watch_pid" ] && { c=$(watch_child) && kill "$c"; wait "$watch_pid"; watch_pid=""; }
fi

# --filter: only logoffs of one user; a hook that fails is reported and the watch goes on.
text=$tmp/watch.txt
watch_start "$text" --filter logoff --filter user=wtsitalice --exec /bin/false
# (a filtered watch shows no probe: the pair is made again until the watch,
# subscribed by then, shows alice's logoff)
for _ in 1 2 3 4 5; do
    a=$(su_session wtsitalice) && b=$(su_session wtsitbob) || break
    ns_run loginctl terminate-session "$a" "$b"
    await_line "$text" "logoff +session [0-9]+ \($a\)  user wtsitalice" >/dev/null && break
done
tap_check "$VARIANT/watch" "filter_shows_the_logoff_of_that_user" await_line "$text" "logoff +session [0-9]+ \($a\)  user wtsitalice  station su-l#$a"
tap_check "$VARIANT/watch" "filter_hides_other_users_and_kinds" sh -c '! grep -Eq "wtsitbob|logon" "$1"' _ "$text"
tap_check "$VARIANT/watch" "a_failing_hook_is_reported" await_line "$text.err" "hook [0-9]+ exited with status 1"
tap_check "$VARIANT/watch" "the_watch_outlives_a_failing_hook" kill -0 "$watch_pid"
tap_check "$VARIANT/watch" "hook_failures_are_each_reported" \
    sh -c '[ "$(grep -Ec "hook [0-9]+ exited with status 1" "$1")" -ge 1 ]' _ "$text.err"
tap_check "$VARIANT/watch" "ctrl_c_ends_the_filtered_watch" stop_watch

# A remote host over ssh: logind's signals come through the remote provider's
# own connection (ssh … systemd-stdio-bridge). The watch runs on this host,
# outside the namespace, and watches the namespace's logind as wtsitalice.
cat >"$tmp/ssh_config" <<CFG
Host *
    IdentityFile $NS_DIR/id_ed25519
    IdentitiesOnly yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
CFG
remote=$tmp/watch.remote
WTSNET_SSH_CONFIG=$tmp/ssh_config "$BUILD/tools/wtsnet" watch --json -s "ssh://wtsitalice@127.0.0.1:$NS_SSH_PORT" \
    >"$remote" 2>"$remote.err" </dev/null {NS_LOCK_FD}>&- &
remote_pid=$!
# Ready once a logoff made after its start shows (ssh takes a moment to connect).
for _ in 1 2 3 4 5; do
    r=$(su_session wtsitcarol) || break
    ns_run loginctl terminate-session "$r"
    await_line "$remote" "\"event\":\"logoff\".*\"logind_id\":\"$r\"" >/dev/null && break
done
remote_cycle() { # a logon and a logoff, both with the user, through the remote subscription
    local r
    r=$(su_session wtsitcarol) || return 1
    await_line "$remote" "\"server\":\"ssh://wtsitalice@127.0.0.1:$NS_SSH_PORT\",\"event\":\"logon\",\"code\":5,.*\"logind_id\":\"$r\",\"user\":\"wtsitcarol\"" || return 1
    ns_run loginctl terminate-session "$r"
    await_line "$remote" "\"event\":\"logoff\",\"code\":6,.*\"logind_id\":\"$r\",\"user\":\"wtsitcarol\"" || return 1
}
tap_check "$VARIANT/watch" "remote_host_logon_and_logoff_over_ssh" remote_cycle
kill -INT "$remote_pid" 2>/dev/null # (started from this script directly: SIGINT is ignored in background jobs)
kill -TERM "$remote_pid"
for _ in $(seq 100); do kill -0 "$remote_pid" 2>/dev/null || break; sleep 0.1; done
tap_check "$VARIANT/watch" "remote_watch_ends_on_sigterm" sh -c '! kill -0 "$1" 2>/dev/null' _ "$remote_pid"
wait "$remote_pid" 2>/dev/null
remote_pid=""

# Usage errors are found before anything is watched.
tap_check "$VARIANT/watch" "bad_filter_is_a_usage_error" sh -c '"$1" watch --filter nonsense; [ $? -eq 2 ]' _ "$BUILD/tools/wtsnet"
tap_check "$VARIANT/watch" "exec_without_command_is_a_usage_error" sh -c '"$1" watch --exec; [ $? -eq 2 ]' _ "$BUILD/tools/wtsnet"

# xrdp: a FreeRDP client connects, goes, and comes back to the same session
# (REMOTE_CONNECT, REMOTE_DISCONNECT, REMOTE_CONNECT), then the session is
# logged off. The watch runs as root in the namespace: the proc connector
# tells it of xrdp's per-client processes (docs/providers.md).
rdp_events() {
    local u=${RDP_USERS[0]} sid dword disp out=$tmp/watch.rdp
    rdp_setup_users && rdp_start_server || { rdp_server_logs; return 1; }
    watch_start "$out" --json
    watch_ready "$out" || { echo "watch not ready"; return 1; }
    rdp_connect "$u" && sid=$(rdp_wait_session "$u") || return 1
    case $sid in c*) dword=$((0x80000000 | ${sid#c})) ;; *) dword=$sid ;; esac
    disp=$(ns_run loginctl show-session -P Display "$sid" | tr -d ':')
    rdp_wait_attached "$disp" || return 1
    await_line "$out" "\"event\":\"remote-connect\",\"code\":3,\"session_id\":$dword,.*\"user\":\"$u\",\"winstation\":\"RDP-Tcp#$disp\"" || return 1
    echo "connect seen"
    ns_run systemctl stop "wtsxr-client-$u"
    await_line "$out" "\"event\":\"remote-disconnect\",\"code\":4,\"session_id\":$dword," || return 1
    echo "disconnect seen"
    ns_run systemctl reset-failed "wtsxr-client-$u" 2>/dev/null
    rdp_connect "$u" && rdp_wait_attached "$disp" || return 1
    [ "$(rdp_wait_session "$u")" = "$sid" ] || { echo "not the same session"; return 1; }
    [ "$(grep -c "\"event\":\"remote-connect\",\"code\":3,\"session_id\":$dword," "$out")" -ge 1 ] || return 1
    for _ in $(seq 200); do
        [ "$(grep -c "\"event\":\"remote-connect\",\"code\":3,\"session_id\":$dword," "$out")" -ge 2 ] && break
        sleep 0.1
    done
    [ "$(grep -c "\"event\":\"remote-connect\",\"code\":3,\"session_id\":$dword," "$out")" -ge 2 ] ||
        { echo "no reconnect:"; cat "$out"; return 1; }
    echo "reconnect seen"
    ns_run loginctl terminate-session "$sid"
    await_line "$out" "\"event\":\"logoff\",\"code\":6,\"session_id\":$dword," || return 1
    ns_run systemctl stop "wtsxr-client-$u" 2>/dev/null
    stop_watch
}
tap_check "$VARIANT/watch" "xrdp_connect_disconnect_reconnect_are_remote_records" rdp_events

# Last, because it kills the namespace's bus daemon: a dead bus ends pending
# waits and reads with RPC_S_SERVER_UNAVAILABLE instead of hanging.
bash tests/lib/tap-count.sh "$VARIANT/test-events-deadbus" nsenter -t "$NS_PID" -p -m -C -- env "${test_env[@]}" \
    "$bin/test-events-deadbus" {NS_LOCK_FD}>&-
