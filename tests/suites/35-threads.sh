#!/usr/bin/env bash
# Issue 10, "Thread safety": tests/integration/test-threads (16 threads on
# closed ports, a silent peer and one that hangs up, on one pooled connection
# to a real smbd and through a relay that cuts its connections, on one WTS
# handle of this host's provider, then of logind and of a remote host in the
# logind namespace; NetFile*, NetConnectionEnum, NetShareEnum and
# NetWkstaUserEnum with a file a real smbclient holds open; the process and
# console calls; WTSWaitSystemEvent's waiters ended by a flush and by
# WTSCloseServer; the wtsnet_events.h subscriptions) against this variant's build (ASan+UBSan in that variant)
# and, once per run (VARIANT=plain), against a ThreadSanitizer build of the
# same tree, which must report no race at all (tests/tsan.supp lists the only
# suppressions, each with its reason). Needs root (smbd's unix users, audit
# sessions, the namespace); without it those cases skip and say so.
# Ports: smbd 14490 (plain) / 14491 (asan+ubsan), the remote host's sshd 2490.
set -u
. tests/lib/samba-env.sh
source tests/integration/logind-ns/ns.sh
source tests/integration/remote/hosts.sh
NS_TIE_TO_SHELL=1 # the namespace never outlives this script
root=$PWD
# Fixed ports, distinct from every other suite's (the TSan run shares the plain smbd).
if [ "$VARIANT" = plain ]; then port=14490; else port=14491; fi
export WTSNET_TIMEOUT=5                 # every network wait: a hang fails fast
export WTSNET_TEST_THREADS_LIMIT_S=600  # the program's own bound (alarm), below the outer timeout
dir=$(mktemp -d /tmp/wtsnet-threads-XXXXXX)
chmod 755 "$dir"
holders=()
clients=()
# samba-dcerpcd and its rpcd_* workers detach from smbd and outlive it (issue
# 10, item 8): ours are those started with our configuration file. By PID.
samba_helpers() {
    local d c
    for d in /proc/[0-9]*; do
        c=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
        case $c in *"--configfile=$dir/smb.conf "*) echo "${d#/proc/}" ;; esac
    done
}
stop_samba_helpers() {
    local pids
    mapfile -t pids < <(samba_helpers)
    [ "${#pids[@]}" -gt 0 ] || return 0
    kill "${pids[@]}" 2>/dev/null
    for _ in $(seq 30); do [ -z "$(samba_helpers)" ] && return 0; sleep 0.1; done
    mapfile -t pids < <(samba_helpers)
    [ "${#pids[@]}" -gt 0 ] && kill -KILL "${pids[@]}" 2>/dev/null
}
groups=() # process groups (session leaders), killed as a whole
cleanup() {
    for p in "${groups[@]}"; do kill -- "-$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    for p in "${holders[@]}" "${clients[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    ns_cleanup
    rm_cleanup
    samba_stop
    stop_samba_helpers
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" -eq 0 ] && command -v smbd >/dev/null; then
    samba_users
    samba_conf "$dir" "$port"
    if samba_start "$dir" "$port"; then
        export WTSNET_TEST_PORT=$port WTSNET_TEST_ADMIN=$SMBT_ADMIN WTSNET_TEST_ADMIN_PW=$SMBT_ADMIN_PW
        # The default identity too, so that calls made while WNet entries come and go are the admin's.
        printf 'username = %s\npassword = %s\n' "$SMBT_ADMIN" "$SMBT_ADMIN_PW" >"$dir/creds"
        chmod 600 "$dir/creds"
        export WTSNET_CREDENTIALS_FILE="$dir/creds"
        # A file held open by a real smbclient (as user1), for NetFileEnum/
        # NetFileGetInfo/NetConnectionEnum to find from 16 threads at once:
        # its one command, then a bounded sleep keeps its stdin open. Its own
        # session; the group is killed by the leader's PID at the end.
        printf 'held\n' >"$dir/share/held.txt"
        chmod 666 "$dir/share/held.txt"
        setsid bash -c "(echo 'open held.txt'; exec sleep 900) | exec stdbuf -oL -eL smbclient //127.0.0.1/share \
            -p $port -U '$SMBT_USER1%$SMBT_USER1_PW' -s '$dir/client.conf'" >"$dir/held.log" 2>&1 </dev/null &
        groups+=($!)
        for _ in $(seq 100); do grep -q 'held.txt: for read/write fnum' "$dir/held.log" && break; sleep 0.1; done
        if grep -q 'held.txt: for read/write fnum' "$dir/held.log"; then
            export WTSNET_TEST_OPEN_USER=$SMBT_USER1 WTSNET_TEST_OPEN_FILE=held.txt
        else
            bash tests/lib/tap-count.sh "$VARIANT/threads-smbclient" printf '1..1\nnot ok 1 - smbclient did not open held.txt\n'
        fi
    else
        bash tests/lib/tap-count.sh "$VARIANT/threads-smbd" printf '1..1\nnot ok 1 - smbd did not start on port %s\n' "$port"
    fi
fi

# Two login sessions for the WTS cases to find (as root): a process that sets
# its loginuid, as pam_loginuid does, gets an audit session of its own.
# Bounded (sleep 900) and killed by PID at the end; the program makes more
# come and go (WTSNET_TEST_SESSION_UID) while its threads enumerate.
if [ "$(id -u)" -eq 0 ] && [ -e /proc/self/loginuid ]; then
    nobody=$(id -u nobody) made=0
    for _ in 1 2; do
        sh -c "echo $nobody >/proc/self/loginuid && exec sleep 900" </dev/null >/dev/null 2>&1 &
        holders+=($!)
    done
    # Count only those that got a session (a container may lack CAP_AUDIT_CONTROL).
    for p in "${holders[@]}"; do
        for _ in $(seq 20); do
            [ "$(cat "/proc/$p/loginuid" 2>/dev/null)" = "$nobody" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] &&
                { made=$((made + 1)); break; }
            sleep 0.1
        done
    done
    export WTSNET_TEST_MIN_SESSIONS=$made
    [ "$made" -gt 0 ] && export WTSNET_TEST_SESSION_UID=$nobody
fi

bash tests/lib/tap-count.sh "$VARIANT/threads" timeout -k 10 700 "$BUILD/tests/integration/test-threads"

# The logind provider, whose bus connection the threads of one handle share:
# the WTS cases inside a namespace booted with systemd + logind (the one
# 30-logind.sh uses), with two ssh logins to find and query.
logind_runs=("$VARIANT/threads[logind]:$BUILD/tests/integration/test-threads")
[ "$VARIANT" = plain ] && logind_runs+=("tsan/threads[logind]:${TSAN_BUILD:-$root/build-tsan}/tests/integration/test-threads")
logind_fail() {
    local r
    for r in "${logind_runs[@]}"; do
        bash tests/lib/tap-count.sh "${r%%:*}" printf '1..1\nnot ok 1 - %s\n' "$1"
    done
}
ssh_login() { # user, source address: a session that lasts until killed
    ssh -T -n -b "$2" -i "$NS_DIR/id_ed25519" -p "$NS_SSH_PORT" -o BatchMode=yes -o StrictHostKeyChecking=no \
        -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "$1@127.0.0.1" 'exec sleep 600' </dev/null >/dev/null 2>&1 &
    clients+=($!)
}
logind_sessions() { # how many sshd sessions logind lists
    ns_run loginctl list-sessions --no-legend 2>/dev/null | grep -c "${NS_USERS[0]}\|${NS_USERS[1]}"
}
run_logind() {
    local r n
    if [ "$(id -u)" -ne 0 ]; then
        bash tests/lib/tap-count.sh "$VARIANT/threads[logind]" printf '1..1\nok 1 - logind namespace # SKIP needs root\n'
        return
    fi
    ns_boot || { logind_fail "the logind namespace did not boot"; return; }
    ns_setup_users || { logind_fail "could not create the namespace's users"; return; }
    ns_start_sshd || { logind_fail "sshd did not start in the namespace"; return; }
    ssh_login "${NS_USERS[0]}" 127.0.0.1
    ssh_login "${NS_USERS[1]}" 127.0.0.2
    for _ in $(seq 100); do [ "$(logind_sessions)" -ge 2 ] && break; sleep 0.1; done
    n=$(logind_sessions)
    [ "$n" -ge 2 ] || { logind_fail "the two ssh logins did not appear ($n)"; return; }
    for r in "${logind_runs[@]}"; do
        # TSAN_OPTIONS, exported above for the TSan build, comes along -- its
        # suppressions file by the path the namespace sees (/tmp is its own).
        bash tests/lib/tap-count.sh "${r%%:*}" nsenter -t "$NS_PID" -p -m -C -- env -u WTSNET_TEST_SESSION_UID \
            ${TSAN_OPTIONS:+TSAN_OPTIONS="${TSAN_OPTIONS/suppressions=$root/suppressions=$(ns_path "$root")}"} \
            WTSNET_PROVIDER=logind WTSNET_TEST_THREADS_ONLY=wts WTSNET_TEST_MIN_SESSIONS=2 \
            WTSNET_TEST_THREADS_LIMIT_S=300 timeout -k 10 400 "$(ns_path "${r#*:}")" {NS_LOCK_FD}>&-
    done
    # The remote provider: the same namespace as a remote host (tests/integration/remote/hosts.sh),
    # its sshd on a port of this suite's own; the program runs here and reaches it over ssh.
    local name
    if ! { rm_users_create && rm_new_dir && rm_keys && rm_sshd 127.0.0.1 2490; }; then
        for r in "${logind_runs[@]}"; do
            name=${r%%:*}
            bash tests/lib/tap-count.sh "${name/logind/remote}" printf '1..1\nnot ok 1 - sshd for the remote host did not start\n'
        done
        return
    fi
    for r in "${logind_runs[@]}"; do
        name=${r%%:*}
        bash tests/lib/tap-count.sh "${name/logind/remote}" env -u WTSNET_TEST_SESSION_UID WTSNET_SSH_CONFIG="$RM_DIR/ssh_config_good" \
            WTSNET_TEST_THREADS_SERVER=ssh://wtsrmuser@127.0.0.1:2490 WTSNET_TEST_THREADS_ONLY=wts \
            WTSNET_TEST_MIN_SESSIONS=2 WTSNET_TEST_THREADS_LIMIT_S=300 timeout -k 10 400 "${r#*:}"
    done
}

# ThreadSanitizer: its own build directory next to the others, only what the
# threads test needs (the library and the program), once per run.
if [ "$VARIANT" = plain ]; then
    tsan=${TSAN_BUILD:-$root/build-tsan}
    log="$dir/tsan-build.log"
    if { [ -f "$tsan/build.ninja" ] || meson setup "$tsan" --werror -Db_sanitize=thread >"$log" 2>&1; } &&
        ninja -C "$tsan" tests/integration/test-threads tests/api/test-wtsapi-contract >>"$log" 2>&1; then
        # halt_on_error: the first race ends the run (exit 66, counted as a failure by tap-count.sh).
        export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$root/tests/tsan.supp"
        bash tests/lib/tap-count.sh tsan/threads timeout -k 10 900 "$tsan/tests/integration/test-threads"
        # The wtsapi32 contract, with its 16-thread last_error_is_per_thread.
        bash tests/lib/tap-count.sh tsan/wtsapi-contract timeout -k 10 300 "$tsan/tests/api/test-wtsapi-contract"
    else
        tail -n 30 "$log"
        bash tests/lib/tap-count.sh tsan/threads printf '1..1\nnot ok 1 - the ThreadSanitizer build failed (see above)\n'
        logind_runs=("${logind_runs[0]}") # and its logind run cannot happen either: counted above
    fi
fi
run_logind
exit 0
