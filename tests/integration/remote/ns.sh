# shellcheck shell=bash
# Boots and stops "remote hosts" for the remote provider's tests: each one a
# systemd + dbus + logind + polkit in its own PID/mount/cgroup namespace
# (sd-init.sh), sharing the host's network, so its sshd listens on a
# loopback address. Kept apart from the suite so the shared logind harness
# can replace it. Every instance lives in its own /tmp/wtsnet-remote-* dir;
# only processes started here are stopped, by PID.
RNS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

rns_log() { echo "# remote-ns: $*" >&2; }
rns_pid() { cat "$1/sd.pid" 2>/dev/null; }
rns_run() { local d=$1; shift; nsenter -t "$(rns_pid "$d")" -p -m -C -- "$@"; }
rns_alive() { [ -f "$1/unshare.pid" ] && kill -0 "$(cat "$1/unshare.pid")" 2>/dev/null; }

rns_new_dir() { # → a new instance dir on stdout
    local d
    d=$(mktemp -d /tmp/wtsnet-remote-XXXXXX) || return 1
    chmod 755 "$d"
    mkdir -p "$d/polkit-rules" "$d/keys" "$d/home"
    chmod 755 "$d/polkit-rules"
    echo "$d"
}

rns_boot() { # dir (from rns_new_dir; polkit-rules/ filled before)
    local d=$1 child i state up
    setsid unshare -pfm --mount-proc --propagation private "$RNS_HERE/sd-init.sh" "$d" \
        >"$d/console.log" 2>&1 </dev/null &
    up=$!
    echo "$up" >"$d/unshare.pid"
    for ((i = 0; i < 100; i++)); do
        child=$(cat "/proc/$up/task/$up/children" 2>/dev/null)
        child=${child%% *}
        if [ -n "$child" ] && [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ]; then
            echo "$child" >"$d/sd.pid"
            break
        fi
        rns_alive "$d" || break
        sleep 0.1
    done
    [ -s "$d/sd.pid" ] || { rns_log "systemd did not start"; sed 's/^/#   /' "$d/console.log" >&2; return 1; }
    for ((i = 0; i < 300; i++)); do
        state=$(rns_run "$d" systemctl is-system-running 2>/dev/null)
        case $state in running | degraded) return 0 ;; esac
        rns_alive "$d" || break
        sleep 0.1
    done
    rns_log "systemd did not come up ($state)"
    tail -n 30 "$d/console.log" | sed 's/^/#   /' >&2
    return 1
}

# Stops the instance (poweroff inside, SIGKILL to its PID 1 if that hangs),
# removes its cgroup and its dir.
rns_stop() {
    local d=$1 i up cg v2 here
    [ -d "$d" ] || return 0
    if rns_alive "$d"; then
        up=$(cat "$d/unshare.pid")
        rns_run "$d" systemctl poweroff --no-block >/dev/null 2>&1
        for ((i = 0; i < 150; i++)); do rns_alive "$d" || break; sleep 0.1; done
        if rns_alive "$d"; then
            rns_log "namespace did not power off: SIGKILL to its PID 1"
            kill -KILL "$(rns_pid "$d")" 2>/dev/null
            for ((i = 0; i < 50; i++)); do rns_alive "$d" || break; sleep 0.1; done
        fi
    fi
    v2=/sys/fs/cgroup/unified
    [ -e "$v2/cgroup.procs" ] || v2=/sys/fs/cgroup
    here=$(sed -n 's/^0:://p' /proc/self/cgroup)
    cg=$v2${here%/}/$(basename "$d")
    [ -d "$cg" ] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
    rm -rf -- "$d"
}
