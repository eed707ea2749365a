# shellcheck shell=bash
# A minimal systemd + logind + dbus + polkit namespace for the RDP suite,
# with the same function names as the shared logind harness (ns_boot,
# ns_run, ns_path, ns_cleanup), so the suite moves onto it unchanged once it
# is in main. Stops only what it started, by PID.
NS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NS_DIR="" NS_UNSHARE="" NS_PID="" NS_CGROUP=""

ns_log() { echo "# rdp-ns: $*" >&2; }
ns_path() { case $1 in /tmp/*) printf '/run/wtsnet-host-tmp/%s\n' "${1#/tmp/}" ;; *) printf '%s\n' "$1" ;; esac; }
ns_run() { nsenter -t "$NS_PID" -p -m -C -- "$@"; }
ns_alive() { [ -n "$NS_UNSHARE" ] && kill -0 "$NS_UNSHARE" 2>/dev/null; }

ns_boot() { # prefix of the temp dir
    local tag child i state v2 here
    NS_DIR=$(mktemp -d "/tmp/${1:-wtsnet-xrdp}-XXXXXX") || return 1
    chmod 755 "$NS_DIR"
    tag=$(basename "$NS_DIR")
    v2=/sys/fs/cgroup/unified
    [ -e "$v2/cgroup.procs" ] || v2=/sys/fs/cgroup
    here=$(sed -n 's/^0:://p' /proc/self/cgroup)
    NS_CGROUP=$v2${here%/}/$tag
    setsid unshare -pfm --mount-proc --propagation private "$NS_HERE/sd-init.sh" "$tag" \
        >"$NS_DIR/console.log" 2>&1 </dev/null &
    NS_UNSHARE=$!
    for ((i = 0; i < 100; i++)); do
        child=$(cat "/proc/$NS_UNSHARE/task/$NS_UNSHARE/children" 2>/dev/null)
        child=${child%% *}
        if [ -n "$child" ] && [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ]; then NS_PID=$child; break; fi
        ns_alive || break
        sleep 0.1
    done
    [ -n "$NS_PID" ] || { ns_log "systemd did not start"; sed 's/^/#   /' "$NS_DIR/console.log" >&2; return 1; }
    for ((i = 0; i < 300; i++)); do
        state=$(ns_run systemctl is-system-running 2>/dev/null)
        case $state in running | degraded) return 0 ;; esac
        ns_alive || break
        sleep 0.1
    done
    ns_log "systemd did not come up ($state)"; tail -n 30 "$NS_DIR/console.log" | sed 's/^/#   /' >&2
    return 1
}

ns_cleanup() {
    local i
    if ns_alive; then
        [ -n "$NS_PID" ] && ns_run systemctl poweroff --no-block >/dev/null 2>&1
        for ((i = 0; i < 150; i++)); do ns_alive || break; sleep 0.1; done
        if ns_alive; then
            ns_log "namespace did not power off: SIGKILL to its PID 1"
            kill -KILL "${NS_PID:-$NS_UNSHARE}" 2>/dev/null
        fi
        wait "$NS_UNSHARE" 2>/dev/null
    fi
    NS_UNSHARE=""
    if [ -n "$NS_CGROUP" ] && [ -d "$NS_CGROUP" ]; then
        find "$NS_CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null
    fi
    NS_CGROUP=""
    [ -n "$NS_DIR" ] && [ -d "$NS_DIR" ] && rm -rf -- "$NS_DIR"
    NS_DIR=""
}
