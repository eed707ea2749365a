#!/usr/bin/env bash
# Processes, idle/logon times and messages (issue 15) against real sessions:
# systemd + logind + sshd booted in a namespace (tests/integration/logind-ns).
# test-processes runs inside it (su and ssh sessions, checked against /proc
# and the session cgroups; the remote provider over ssh to the same sshd);
# then the CLI: ps against cgroup.procs, a denied and an allowed kill, the
# list's IDLE TIME / LOGON TIME / current marker, and msg on a real ssh
# client's terminal (ssh -tt, its output captured).
set -u
source tests/integration/logind-ns/ns.sh
. tests/lib/tap.sh
NS_TIE_TO_SHELL=1 # never outlive this script, even when it is killed

fail_whole_suite() {
    tap_fail "$VARIANT/processes" "$*"
    exit 0
}
if [ "$(id -u)" -ne 0 ]; then
    tap_skip "$VARIANT/processes" "processes suite" "needs root to boot systemd in a namespace"
    exit 0
fi
clients=()
cleanup() {
    local p
    for p in "${clients[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    ns_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ns_boot || fail_whole_suite "the namespace boots"
ns_setup_users || fail_whole_suite "the test users are created"
ns_start_sshd || fail_whole_suite "sshd starts"

# The remote provider's ssh: key authentication, no prompts, no host-key checks
# (a throwaway host key of a throwaway sshd).
cat >"$NS_DIR/ssh_config" <<EOF
Host *
    IdentityFile $(ns_path "$NS_DIR/id_ed25519")
    IdentitiesOnly yes
    IdentityAgent none
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
EOF
mapfile -t test_env < <(ns_test_env)
bin=$(ns_path "$BUILD/tests/integration")
bash tests/lib/tap-count.sh "$VARIANT/test-processes" nsenter -t "$NS_PID" -p -m -C -- env "${test_env[@]}" \
    WTSNET_PROVIDER=logind WTSNET_SSH_CONFIG="$(ns_path "$NS_DIR/ssh_config")" \
    WTSIT_REMOTE="ssh://${NS_USERS[2]}@127.0.0.1:$NS_SSH_PORT" "$bin/test-processes" {NS_LOCK_FD}>&-

# ---- the CLI against a real ssh client's terminal ----
wtsnet=$(ns_path "$BUILD/tools/wtsnet")
term=$NS_DIR/terminal.out
alice=${NS_USERS[0]} bob=${NS_USERS[1]}
as_user() { # user, argv…: a real unprivileged caller (its uid, gid and groups)
    local u=$1
    shift
    ns_run setpriv --reuid "$u" --regid "$(id -g "$u")" --init-groups -- "$@"
}
session_of() { # user service: the logind id of its active session of that service
    local id
    for _ in $(seq 150); do
        for id in $(ns_run loginctl list-sessions --no-legend 2>/dev/null | awk -v u="$1" '$3 == u {print $1}'); do
            [ "$(ns_run loginctl show-session "$id" -p Service -p State --value 2>/dev/null | tr '\n' ' ')" = "$2 active " ] &&
                { echo "$id"; return 0; }
        done
        sleep 0.1
    done
    return 1
}
# alice logs in with ssh -tt: sshd gives the session a pty, and everything
# written on it reaches this client's stdout, the file we read.
ssh -tt -b 127.0.0.1 -i "$NS_DIR/id_ed25519" -p "$NS_SSH_PORT" -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "$alice@127.0.0.1" 'exec sleep 600' </dev/null >"$term" 2>&1 &
clients+=($!)
sid=$(session_of "$alice" sshd) || fail_whole_suite "alice's ssh -tt session appears in logind"
scope=$(ns_run systemctl show -p ControlGroup --value "session-$sid.scope")
inner=""
for _ in $(seq 100); do
    inner=$(ns_run pgrep -u "$alice" -x sleep | head -1)
    [ -n "$inner" ] && break
    sleep 0.1
done
pts=$(ns_run readlink "/proc/$inner/fd/0")

out=$NS_DIR/out err=$NS_DIR/err
shown() { "$@" && return 0; echo "# stdout:"; sed 's/^/#   /' "$out"; echo "# stderr:"; sed 's/^/#   /' "$err"; return 1; }
{
    ok() { tap_check "$VARIANT/processes-cli" "$name" shown "$@"; }
    gone() { # pid: it has ended within 10 s
        for _ in $(seq 100); do ns_run kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
        return 1
    }
    in_term() { # text: it shows up on the client's terminal within 10 s
        for _ in $(seq 100); do grep -qF -- "$1" "$term" && return 0; sleep 0.1; done
        echo "# terminal:"; sed 's/^/#   /' "$term"; return 1
    }

    name=ps_of_a_session_lists_its_cgroup_processes_with_their_names_and_owners
    ns_run "$wtsnet" --json ps "$sid" >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && ns_run python3 -c "import json,os,sys
rows=json.load(open(sys.argv[1]))
procs=sorted(int(p) for p in open(\"/sys/fs/cgroup\"+sys.argv[2]+\"/cgroup.procs\").read().split())
assert sorted(r[\"pid\"] for r in rows)==procs, (rows, procs)
for r in rows:
    assert r[\"session\"]==int(sys.argv[3])
    assert r[\"name\"]==open(\"/proc/%d/comm\"%r[\"pid\"]).read().strip()
    assert r[\"sid\"]==\"S-1-22-1-%d\"%os.stat(\"/proc/%d\"%r[\"pid\"]).st_uid
" "$(ns_path "$out")" "$scope" "$sid"'

    name=ps_text_shows_the_sessions_sleep_under_its_user
    ns_run "$wtsnet" ps "$sid" >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && head -1 "$out" | grep -Eq "^ID +PID +USERNAME +IMAGE +THREADS +MEM +CPU TIME" &&
        grep -Eq "^ *$sid +$inner +$alice +sleep +1 +[0-9]+ K +0:00:0[0-9]\$" "$out"'

    name=ps_of_several_remote_hosts_is_one_table_with_a_server_key
    remote=ssh://${NS_USERS[2]}@127.0.0.1:$NS_SSH_PORT
    ns_run env WTSNET_SSH_CONFIG="$(ns_path "$NS_DIR/ssh_config")" "$wtsnet" --json -s "$remote" -s "$remote" ps \
        >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && python3 -c "import json,sys
rows=json.load(open(sys.argv[1]))
assert rows and all(r[\"server\"]==sys.argv[2] for r in rows)
mine=[r for r in rows if r[\"pid\"]==int(sys.argv[3])]
assert len(mine)==2 and all(r[\"session\"]==int(sys.argv[4]) and r[\"name\"]==\"sleep\" and r[\"sid\"]==\"\" for r in mine), mine
" "$out" "$remote" "$inner" "$sid"'

    name=msg_shows_up_on_the_ssh_clients_terminal
    marker="wtsnet-msg-$$-$RANDOM"
    ns_run "$wtsnet" msg "$sid" "hello $marker" >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && grep -qx "Message sent to session $sid." "$out" && in_term "hello $marker" &&
        in_term "*** Message from root@" && grep -q $'"'"'^\a\*\*\* Message from root@.* \*\*\*\r*$'"'"' "$term"'

    name=msg_cleans_escape_sequences_before_they_reach_the_terminal
    ns_run "$wtsnet" msg "$sid" $'esc-\033[2J-'"$marker" >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && in_term "esc-?[2J-$marker" && ! grep -q $'"'"'\033\[2J'"'"' "$term"'

    name=msg_wait_on_a_terminal_gives_no_answer_as_timeout
    ns_run "$wtsnet" --json --wait 2 msg "$sid" "wait $marker" >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && grep -q "\"id\":$sid,\"response\":\"timeout\",\"code\":32000" "$out" &&
        in_term "wait $marker"'

    name=mesg_n_refuses_the_users_own_message_but_not_roots
    ns_run chmod g-w "$pts" # what `mesg n` does
    as_user "$alice" "$wtsnet" msg "$sid" "mesg-n-user $marker" >"$out" 2>"$err"; status=$?
    ns_run "$wtsnet" msg "$sid" "mesg-n-root $marker" >>"$out" 2>>"$err"; status_root=$?
    ns_run chmod g+w "$pts"
    ok eval '[ $status -eq 1 ] && grep -q "(error 5)" "$err" && [ $status_root -eq 0 ] && in_term "mesg-n-root $marker" &&
        ! grep -qF "mesg-n-user $marker" "$term"'

    name=msg_to_another_users_session_is_denied_to_a_user
    as_user "$bob" "$wtsnet" msg "$sid" "from-bob $marker" >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 1 ] && grep -q "cannot send to session $sid: .*(error 5)" "$err" && sleep 0.5 &&
        ! grep -qF "from-bob $marker" "$term"'

    name=list_shows_idle_and_logon_time_like_quser
    ns_run touch -a -d "-2 hours -5 minutes" "$pts"
    ns_run "$wtsnet" list >"$out" 2>"$err"; status=$?
    logon=$(date -d "$(ns_run loginctl show-session "$sid" -p Timestamp --value)" '+%Y-%m-%d %H:%M')
    ok eval '[ $status -eq 0 ] && head -1 "$out" | grep -Eq "CLIENT +IDLE TIME +LOGON TIME\$" &&
        grep -Eq "^SSH#$sid +$alice +$sid +Active +remote +127\.0\.0\.1 +2:0[5-9] +$logon\$" "$out"'

    name=list_marks_the_callers_own_session
    ns_run su -l "$bob" -c "$wtsnet list" </dev/null >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && grep -Eq "^su-l#c[0-9]+ +>$bob " "$out" && [ "$(grep -c ">" "$out")" -eq 1 ]'

    name=kill_by_a_user_of_another_users_process_is_denied_and_it_runs_on
    as_user "$bob" "$wtsnet" kill "$inner" >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 1 ] && grep -q "cannot end process $inner: .*(error 5)" "$err" && sleep 0.3 &&
        ns_run kill -0 "$inner"'

    name=kill_by_root_ends_the_process
    ns_run "$wtsnet" kill "$inner" >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && grep -qx "Process $inner ended." "$out" && gone "$inner"'

    name=kill_of_no_such_process_is_an_invalid_parameter
    ns_run "$wtsnet" kill 2147483646 >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 1 ] && grep -q "(error 87)" "$err"'
}

# ---- a desktop notification: dunst on a real session bus ----
# carol's graphical session: an X display (Xvfb) and su with DISPLAY set, so
# pam_systemd registers the session as x11; logging in starts her user
# manager and with it her session bus (/run/user/UID/bus, dbus-user-session);
# dunst, the notification server, runs as carol on that bus and display.
carol=${NS_USERS[2]}
carol_uid=$(id -u "$carol")
carol_bus=/run/user/$carol_uid/bus
as_carol() { # argv…: as carol, on her bus
    as_user "$carol" env HOME="/home/$carol" XDG_RUNTIME_DIR="/run/user/$carol_uid" \
        DBUS_SESSION_BUS_ADDRESS="unix:path=$carol_bus" "$@"
}
notify_setup() {
    ns_run systemd-run --quiet --unit=wtsit-xvfb /usr/bin/Xvfb :57 -nolisten tcp -ac || return 1
    for _ in $(seq 100); do ns_run test -S /tmp/.X11-unix/X57 && break; sleep 0.1; done
    ns_run env DISPLAY=:57 XDG_SESSION_TYPE=x11 su -l "$carol" -c 'exec sleep 600' </dev/null >/dev/null 2>&1 &
    clients+=($!)
    gsid=$(session_of "$carol" su-l) || return 1
    [ "$(ns_run loginctl show-session "$gsid" -p Type --value)" = x11 ] || { echo "# session type is not x11"; return 1; }
    for _ in $(seq 100); do ns_run test -S "$carol_bus" && break; sleep 0.1; done
    ns_run systemd-run --quiet --unit=wtsit-dunst --uid="$carol" --setenv=HOME="/home/$carol" --setenv=DISPLAY=:57 \
        --setenv=DBUS_SESSION_BUS_ADDRESS="unix:path=$carol_bus" --setenv=XDG_RUNTIME_DIR="/run/user/$carol_uid" \
        /usr/bin/dunst || return 1
    for _ in $(seq 100); do
        as_carol busctl --user --no-legend list 2>/dev/null | grep -q "^org.freedesktop.Notifications " && return 0
        sleep 0.1
    done
    echo "# dunst did not take org.freedesktop.Notifications:"; ns_run journalctl --no-pager -u wtsit-dunst | tail -5
    return 1
}
if ! notify_setup >"$NS_DIR/notify-setup.log" 2>&1; then
    tap_fail "$VARIANT/processes-notify" "a graphical session with dunst on its session bus" "$(cat "$NS_DIR/notify-setup.log")"
    exit 0
fi
{
    ok() { tap_check "$VARIANT/processes-notify" "$name" shown "$@"; }
    dunst_has() { # text: dunst's history holds it (after dunstctl close-all)
        as_carol dunstctl close-all && sleep 0.3 && as_carol dunstctl history | grep -qF -- "$1"
    }

    name=msg_to_a_graphical_session_is_a_notification_in_dunst
    ns_run "$wtsnet" msg "$gsid" "note $marker" >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 0 ] && grep -qx "Message sent to session $gsid." "$out" &&
        [ "$(as_carol dunstctl count displayed)" -ge 1 ] && dunst_has "note $marker" && dunst_has "Message from root@"'

    name=a_notification_closed_by_the_user_answers_ok
    ( sleep 1.5; as_carol dunstctl close-all ) &
    closer=$!
    ns_run "$wtsnet" --json --wait 30 msg "$gsid" "close me $marker" >"$out" 2>"$err"; status=$?
    wait "$closer"
    ok eval '[ $status -eq 0 ] && grep -q "\"id\":[0-9]*,\"response\":\"ok\",\"code\":1}" "$out"'

    name=a_notification_nobody_answers_times_out
    start=$(date +%s)
    ns_run "$wtsnet" --json --wait 2 msg "$gsid" "expire $marker" >"$out" 2>"$err"; status=$?
    took=$(($(date +%s) - start))
    ok eval '[ $status -eq 0 ] && grep -q "\"response\":\"timeout\",\"code\":32000" "$out" && [ $took -ge 2 ] && [ $took -lt 30 ]'

    name=a_notification_to_another_users_session_is_denied_to_a_user
    as_user "$bob" "$wtsnet" msg "$gsid" "from-bob $marker" >"$out" 2>"$err"; status=$?
    ok eval '[ $status -eq 1 ] && grep -q "(error 5)" "$err" && ! dunst_has "from-bob $marker"'
}
exit 0
