# shellcheck shell=bash
# Sourced: keeping hold of every process a test run starts, so that none
# outlives it (issue 10, item 8). Servers such as smbd start helpers that
# detach (samba-dcerpcd and its rpcd_* workers leave smbd's process group
# and outlive it), so a process group or a PID list is not enough.
#
# Where cgroup v2 is mounted and writable (at /sys/fs/cgroup, or at
# /sys/fs/cgroup/unified in the hybrid layout), a group of processes gets a
# child cgroup of the caller's: whatever they fork stays in it, detached or
# not, and cgroup.kill (Linux >= 5.14) ends it whole. Where it is not, the
# fallbacks find processes by a string in their command line
# (/proc/PID/cmdline: a server's private configuration file) or in their
# environment (/proc/PID/environ: a marker the runner exports).
#
#   procs_cgroup_new NAME     prints the path of a new child cgroup (or fails)
#   procs_cgroup_exec DIR CMD…  execs CMD inside cgroup DIR (DIR may be empty)
#   procs_cgroup_pids DIR     the processes in DIR and below it
#   procs_cgroup_kill DIR     kills everything in DIR, then removes it
#   procs_with_cmdline STR    PIDs whose command line contains STR
#   procs_with_env STR        PIDs whose environment contains STR
#   procs_kill PID…           SIGTERM, up to 3 s, then SIGKILL
#   procs_describe PID        "PID command line", for a failure message

procs_cgroup_here() {
    local v2=/sys/fs/cgroup/unified here
    [ -e "$v2/cgroup.procs" ] || v2=/sys/fs/cgroup
    [ -e "$v2/cgroup.procs" ] || return 1
    here=$(sed -n 's/^0:://p' /proc/self/cgroup)
    printf '%s%s\n' "$v2" "${here%/}"
}

procs_cgroup_new() {
    local base dir
    [ "${WTSNET_NO_CGROUP:-0}" = 1 ] && return 1 # to exercise the fallbacks
    base=$(procs_cgroup_here) || return 1
    dir=$base/$1
    mkdir "$dir" 2>/dev/null || return 1
    if [ ! -w "$dir/cgroup.procs" ] || [ ! -e "$dir/cgroup.kill" ]; then
        rmdir "$dir" 2>/dev/null
        return 1
    fi
    printf '%s\n' "$dir"
}

procs_cgroup_exec() { # DIR CMD…
    local dir=$1
    shift
    if [ -n "$dir" ]; then
        echo "$BASHPID" >"$dir/cgroup.procs" || echo "# could not enter $dir" >&2
    fi
    exec "$@"
}

procs_cgroup_pids() {
    [ -n "$1" ] && [ -d "$1" ] || return 0
    find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null
}

procs_cgroup_kill() {
    local i
    [ -n "$1" ] && [ -d "$1" ] || return 0
    echo 1 >"$1/cgroup.kill" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        [ -z "$(procs_cgroup_pids "$1")" ] && break
        sleep 0.1
    done
    find "$1" -depth -type d -exec rmdir {} + 2>/dev/null
    [ ! -d "$1" ]
}

# Builtins only (no fork per process): mapfile splits at the NULs.
procs_with_cmdline() {
    local p args
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "$$" ] || [ "${p#/proc/}" = "$BASHPID" ] && continue
        mapfile -d "" args 2>/dev/null <"$p/cmdline" || continue
        [[ " ${args[*]} " == *"$1"* ]] && echo "${p#/proc/}"
    done
    return 0
}

procs_with_env() {
    local p vars
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "$$" ] || [ "${p#/proc/}" = "$BASHPID" ] && continue
        mapfile -d "" vars 2>/dev/null <"$p/environ" || continue
        [[ " ${vars[*]} " == *"$1"* ]] && echo "${p#/proc/}"
    done
    return 0
}

procs_alive() { # PID: running (a zombie is not)
    [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

procs_kill() {
    local p i alive
    [ $# -gt 0 ] || return 0
    kill -TERM "$@" 2>/dev/null
    for ((i = 0; i < 30; i++)); do
        alive=0
        for p; do
            procs_alive "$p" && alive=1
        done
        [ $alive -eq 0 ] && return 0
        sleep 0.1
    done
    kill -KILL "$@" 2>/dev/null
    return 0
}

procs_describe() {
    local args
    mapfile -d "" args 2>/dev/null <"/proc/$1/cmdline"
    printf '%s %s\n' "$1" "${args[*]:-[$(cat "/proc/$1/comm" 2>/dev/null)]}"
}
