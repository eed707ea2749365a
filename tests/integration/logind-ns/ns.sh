# shellcheck shell=bash
# A real systemd + logind + dbus + polkit + sshd in a private PID+mount
# (+cgroup) namespace, for the integration tests and the benchmark.
# Source this file, then:
#   trap ns_cleanup EXIT
#   ns_boot && ns_setup_users && ns_setup_polkit && ns_start_sshd
#   ns_run CMD ARGS…      # runs CMD inside the namespace
# ns_cleanup powers the namespace off (SIGKILL to its PID 1 if it will not
# go), removes its cgroup, users, polkit rule and temp dir. It stops only
# what this file started, by PID. With NS_TIE_TO_SHELL=1 the namespace also
# dies with the shell that ran ns_boot, however that shell ends (leave it 0
# to boot from a subshell and keep the namespace). The wtsit fixtures (users,
# rule, port) are taken under a host-wide lock. See README.md beside this file.

NS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NS_USERS=(wtsitalice wtsitbob wtsitcarol)
NS_GROUP=wtsitreset # granted org.freedesktop.login1.manage by polkit
NS_SSH_PORT=2222
NS_POLKIT_RULE=/etc/polkit-1/rules.d/60-wtsitreset.rules
NS_DIR=""      # host temp dir /tmp/wtsnet-logind-XXXXXX
NS_UNSHARE=""  # pid of the unshare process (our child)
NS_PID=""      # pid of the namespace's systemd (PID 1 inside)
NS_CGROUP=""   # the cgroup-v2 directory the namespace lives in
NS_MADE_USERS=0
NS_MADE_RULE=0
NS_LOCK=/tmp/wtsnet-logind-fixtures.lock
NS_LOCK_FD=""  # held while this process owns the fixtures below (users, rule, port)

ns_log() { echo "# logind-ns: $*" >&2; }

# The host's /tmp is at /run/wtsnet-host-tmp inside (the namespace has its own /tmp).
ns_path() {
    case $1 in
    /tmp/*) printf '/run/wtsnet-host-tmp/%s\n' "${1#/tmp/}" ;;
    *) printf '%s\n' "$1" ;;
    esac
}

# The lock's fd is not handed to what runs inside: a process left behind must not hold it.
ns_run() {
    if [ -n "$NS_LOCK_FD" ]; then
        nsenter -t "$NS_PID" -p -m -C -- "$@" {NS_LOCK_FD}>&-
    else
        nsenter -t "$NS_PID" -p -m -C -- "$@"
    fi
}

# The wtsit users and group, the polkit rule and port NS_SSH_PORT are one set
# per host, and several work trees may run this suite at once: one owner at a
# time, host-wide (flock, released when this process exits).
ns_lock_fixtures() {
    [ -n "$NS_LOCK_FD" ] && return 0
    exec {NS_LOCK_FD}>>"$NS_LOCK" || return 1
    if ! flock -w 900 "$NS_LOCK_FD"; then
        ns_log "another run held $NS_LOCK for 15 minutes"
        exec {NS_LOCK_FD}>&-
        NS_LOCK_FD=""
        return 1
    fi
}

ns_alive() {
    [ -n "$NS_UNSHARE" ] && kill -0 "$NS_UNSHARE" 2>/dev/null
}

# Same computation as sd-init.sh stage 1 (it runs in our cgroup).
ns_cgroup_dir() {
    local v2=/sys/fs/cgroup/unified here
    [ -e "$v2/cgroup.procs" ] || v2=/sys/fs/cgroup
    here=$(sed -n 's/^0:://p' /proc/self/cgroup)
    printf '%s%s/%s\n' "$v2" "${here%/}" "$1"
}

ns_boot() {
    local tag child i state
    [ "$(id -u)" -eq 0 ] || { ns_log "needs root"; return 1; }
    NS_DIR=$(mktemp -d /tmp/wtsnet-logind-XXXXXX) || return 1
    chmod 755 "$NS_DIR"
    tag=$(basename "$NS_DIR")
    NS_CGROUP=$(ns_cgroup_dir "$tag")
    if [ "${NS_TIE_TO_SHELL:-0}" = 1 ]; then
        # Dies with this shell even if it is SIGKILLed (a CI timeout): unshare
        # gets SIGKILL when its parent dies, and then so does systemd (PID 1
        # inside), which ends every process in the namespace.
        setsid setpriv --pdeathsig KILL unshare --kill-child=SIGKILL -pfm --mount-proc --propagation private \
            "$NS_HERE/sd-init.sh" "$tag" >"$NS_DIR/console.log" 2>&1 </dev/null &
    else
        setsid unshare -pfm --mount-proc --propagation private "$NS_HERE/sd-init.sh" "$tag" \
            >"$NS_DIR/console.log" 2>&1 </dev/null &
    fi
    NS_UNSHARE=$!
    # PID 1 inside is unshare's only child, once it has exec'd systemd.
    for ((i = 0; i < 100; i++)); do
        child=$(cat "/proc/$NS_UNSHARE/task/$NS_UNSHARE/children" 2>/dev/null)
        child=${child%% *}
        if [ -n "$child" ] && [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ]; then
            NS_PID=$child
            break
        fi
        ns_alive || break
        sleep 0.1
    done
    if [ -z "$NS_PID" ]; then
        ns_log "systemd did not start:"; sed 's/^/#   /' "$NS_DIR/console.log" >&2
        return 1
    fi
    for ((i = 0; i < 300; i++)); do
        state=$(ns_run systemctl is-system-running 2>/dev/null) || true
        case $state in
        running | degraded) break ;;
        esac
        ns_alive || break
        sleep 0.1
    done
    case $state in
    running | degraded) ;;
    *)
        ns_log "systemd did not come up (state '${state}'):"
        tail -n 30 "$NS_DIR/console.log" | sed 's/^/#   /' >&2
        return 1
        ;;
    esac
    [ "$state" = degraded ] && ns_log "degraded: $(ns_run systemctl --failed --no-legend --plain | tr '\n' ' ')"
    return 0
}

ns_setup_users() {
    local u
    ns_lock_fixtures || return 1
    NS_MADE_USERS=1
    getent group "$NS_GROUP" >/dev/null || groupadd "$NS_GROUP" || return 1
    for u in "${NS_USERS[@]}"; do
        id -u "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u" || return 1
    done
    usermod -a -G "$NS_GROUP" wtsitcarol || return 1
    ssh-keygen -q -t ed25519 -N '' -C wtsit -f "$NS_DIR/id_ed25519" || return 1
    for u in "${NS_USERS[@]}"; do
        install -d -m 700 -o "$u" -g "$u" "/home/$u/.ssh" &&
            install -m 600 -o "$u" -g "$u" "$NS_DIR/id_ed25519.pub" "/home/$u/.ssh/authorized_keys" || return 1
    done
}

# The "Reset permission" delegation: members of NS_GROUP may manage sessions.
ns_setup_polkit() {
    ns_lock_fixtures || return 1
    NS_MADE_RULE=1
    install -d -m 700 /etc/polkit-1/rules.d || return 1
    cat >"$NS_POLKIT_RULE" <<EOF || return 1
// wtsnet integration tests (tests/integration/logind-ns); removed after each run.
polkit.addRule(function(action, subject) {
    if (action.id == "org.freedesktop.login1.manage" && subject.isInGroup("$NS_GROUP"))
        return polkit.Result.YES;
});
EOF
    chmod 644 "$NS_POLKIT_RULE"
}

ns_start_sshd() {
    local conf=$NS_DIR/sshd_config i
    ns_lock_fixtures || return 1
    if ss -Hltn "sport = :$NS_SSH_PORT" | grep -q .; then
        ns_log "port $NS_SSH_PORT is taken: $(ss -Hltnp "sport = :$NS_SSH_PORT" | tr -s ' ')"
        return 1
    fi
    ssh-keygen -q -t ed25519 -N '' -C wtsit-host -f "$NS_DIR/ssh_host_ed25519_key" || return 1
    cat >"$conf" <<EOF
Port $NS_SSH_PORT
ListenAddress 127.0.0.1
HostKey $(ns_path "$NS_DIR/ssh_host_ed25519_key")
PidFile none
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers ${NS_USERS[*]}
UseDNS no
PrintMotd no
PrintLastLog no
Subsystem sftp none
MaxStartups 300:30:400
MaxSessions 10
LogLevel VERBOSE
EOF
    ns_run mkdir -p -m 755 /run/sshd && ns_run /usr/sbin/sshd -t -f "$(ns_path "$conf")" || return 1
    ns_run systemd-run --quiet --unit=wtsit-sshd --property=RuntimeDirectory=sshd \
        /usr/sbin/sshd -D -e -f "$(ns_path "$conf")" || return 1
    # ss inside the namespace names only the namespace's own processes.
    for ((i = 0; i < 100; i++)); do
        ns_run ss -Hltnp "sport = :$NS_SSH_PORT" 2>/dev/null | grep -q '"sshd"' && return 0
        sleep 0.1
    done
    ns_log "sshd did not listen on 127.0.0.1:$NS_SSH_PORT:"
    ns_run journalctl --no-pager -u wtsit-sshd | tail -n 20 | sed 's/^/#   /' >&2
    return 1
}

# Environment for the test programs: where the helper, the key and sshd are.
ns_test_env() {
    printf '%s\n' "WTSIT_SSH_KEY=$(ns_path "$NS_DIR/id_ed25519")" "WTSIT_SSH_PORT=$NS_SSH_PORT" \
        "WTSIT_USERS=${NS_USERS[*]}" "WTSIT_RESET_GROUP=$NS_GROUP"
}

ns_poweroff() {
    local i
    ns_alive || return 0
    [ -n "$NS_PID" ] && ns_run systemctl poweroff --no-block >/dev/null 2>&1
    for ((i = 0; i < 150; i++)); do
        ns_alive || break
        sleep 0.1
    done
    if ns_alive; then
        ns_log "namespace did not power off in 15 s: SIGKILL to its PID 1 ($NS_PID)"
        if [ -n "$NS_PID" ]; then kill -KILL "$NS_PID" 2>/dev/null; else kill -KILL "$NS_UNSHARE" 2>/dev/null; fi
    fi
    wait "$NS_UNSHARE" 2>/dev/null
    NS_UNSHARE=""
}

ns_cleanup() {
    local u
    set +e # runs from an EXIT trap, maybe of a `set -e` script: every step must run
    ns_poweroff
    # Empty cgroups left by the namespace's systemd: rmdir only ever removes empty ones.
    if [ -n "$NS_CGROUP" ] && [ -d "$NS_CGROUP" ]; then
        find "$NS_CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null
        [ -d "$NS_CGROUP" ] && ns_log "cgroup $NS_CGROUP still busy"
    fi
    NS_CGROUP=""
    if [ "$NS_MADE_RULE" -eq 1 ]; then
        rm -f "$NS_POLKIT_RULE"
        NS_MADE_RULE=0
    fi
    if [ "$NS_MADE_USERS" -eq 1 ]; then
        for u in "${NS_USERS[@]}"; do
            id -u "$u" >/dev/null 2>&1 && userdel -r "$u" >/dev/null 2>&1
        done
        getent group "$NS_GROUP" >/dev/null && groupdel "$NS_GROUP"
        NS_MADE_USERS=0
    fi
    if [ -n "$NS_DIR" ] && [ -d "$NS_DIR" ]; then
        rm -rf -- "$NS_DIR"
    fi
    NS_DIR=""
    if [ -n "$NS_LOCK_FD" ]; then
        exec {NS_LOCK_FD}>&-
        NS_LOCK_FD=""
    fi
}
