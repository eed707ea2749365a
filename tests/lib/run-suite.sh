#!/usr/bin/env bash
# run-suite.sh SUITE: runs one suite script for run-all.sh (BUILD, VARIANT
# and TAP_TOTALS in the environment) and adds to $TAP_TOTALS one failure
#   - when the suite exits non-zero (it died: `set -u`, a signal, exit 1 …),
#   - when it runs longer than SUITE_TIMEOUT seconds (default 2400; SIGTERM
#     to its process group, so its EXIT trap cleans up, SIGKILL 60 s later),
#   - for each process it started that is still running once it has ended
#     (named in the output, then killed).
# What the suite starts is found by a cgroup of its own (tests/lib/procs.sh)
# where the machine has cgroup v2, and always by the marker
# WTSNET_SUITE_MARK in its environment, which every process started from the
# suite inherits unless it clears its environment.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=procs.sh
. "$here/procs.sh"
suite=$1
label=${VARIANT:-?}/$(basename "$suite" .sh)
limit=${SUITE_TIMEOUT:-2400}
mark=wtsnet-suite:$label:$$:$RANDOM$RANDOM

fail() {
    echo "not ok - $label: $*"
    echo "0 1 0" >>"$TAP_TOTALS"
}

cg=$(procs_cgroup_new "wtsnet-suite-$$-$RANDOM") || cg=
start=$SECONDS
(procs_cgroup_exec "$cg" env WTSNET_SUITE_MARK="$mark" timeout --kill-after=60 "$limit" bash "$suite") </dev/null
status=$?
took=$((SECONDS - start))
if [ "$status" -eq 124 ] || { [ "$status" -eq 137 ] && [ "$took" -ge "$limit" ]; }; then
    fail "the suite timed out after ${limit} s (SUITE_TIMEOUT)"
elif [ "$status" -ne 0 ]; then
    fail "the suite exited with status $status: it died before its end"
fi

# Anything still running (zombies are not), given 5 s to finish exiting.
survivors() {
    local p
    for p in $({ procs_cgroup_pids "$cg"; procs_with_env "WTSNET_SUITE_MARK=$mark"; } | sort -u); do
        procs_alive "$p" && echo "$p"
    done
}
for _ in $(seq 50); do
    left=$(survivors)
    [ -z "$left" ] && break
    sleep 0.1
done
for p in $left; do
    fail "left running after the suite ended: $(procs_describe "$p")"
done
procs_cgroup_kill "$cg" || echo "# $label: could not remove cgroup $cg" >&2
# shellcheck disable=SC2046
procs_kill $(survivors)
exit 0
