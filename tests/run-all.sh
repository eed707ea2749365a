#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine (as root):
# installs what the tests need, builds twice (plain, and ASan+UBSan) with
# warnings as errors, runs every suite in tests/suites/ against each build,
# and ends with one line "N passed, N failed, N skipped"; the exit status is
# non-zero when anything failed. It cannot report green when it is not:
#   - A suite that exits non-zero, dies or outlives SUITE_TIMEOUT seconds
#     (default 2400) is a failure (tests/lib/run-suite.sh).
#   - Each TAP program is one case run by tests/lib/tap-count.sh: a timeout
#     (TAP_TIMEOUT, default 900 s, settable per program), a missing program,
#     a plan not completed, "Bail out!" or a non-zero exit is a failure.
#   - Every test-* program meson builds under tests/ must be built, and (under
#     CI=true) run by some suite.
#   - Under CI=true a skipped case fails unless tests/skip-allowlist lists it,
#     with its reason ("<glob on NAME:case> <reason>"; one line each).
#   - Nothing may be left running: each suite runs in a cgroup of its own
#     where cgroup v2 allows (else found by an environment marker); whatever
#     a suite leaves alive is a failure named in the output, then killed; the
#     whole run is checked the same way at its end.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=lib/procs.sh
. tests/lib/procs.sh

lists=(build test-base)
for f in tests/suites/*.deps; do
    [ -e "$f" ] && while read -r l _; do [[ -z "$l" || "$l" == \#* ]] || lists+=("$l"); done <"$f"
done
bash scripts/install-deps.sh $(printf '%s\n' "${lists[@]}" | sort -u) || { echo "0 passed, 1 failed"; exit 1; }

export TAP_TOTALS TAP_RAN
TAP_TOTALS=$(mktemp)
TAP_RAN=$(mktemp)
fail() { # one failure of the runner's own
    echo "not ok - $*"
    echo "0 1 0" >>"$TAP_TOTALS"
}

# The whole run in a cgroup of its own (and marked), to list at the end what
# is still alive. Entered after install-deps: services a package starts are
# not ours.
export WTSNET_RUN_MARK=wtsnet-run:$$:$RANDOM$RANDOM
run_cg=$(procs_cgroup_new "wtsnet-run-$$") && echo $$ >"$run_cg/cgroup.procs" || run_cg=
leave_run_cgroup() {
    [ -n "$run_cg" ] && echo $$ >"$(dirname "$run_cg")/cgroup.procs"
}
end_run() {
    leave_run_cgroup
    procs_cgroup_kill "$run_cg"
    rm -f "$TAP_TOTALS" "$TAP_RAN"
}
trap end_run EXIT
trap 'exit 130' INT TERM

configure() { # dir, extra meson options…
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" --werror "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
    fi
    ninja -C "$dir" >"$dir.build.log" 2>&1 || { cat "$dir.build.log"; return 1; }
}

# Test programs meson builds under tests/ (path in the build, full path), from its introspection.
test_programs() { # build dir
    meson introspect "$1" --targets | python3 -c '
import json, os, sys
build = os.path.realpath(sys.argv[1])
for t in json.load(sys.stdin):
    for f in t.get("filename", []):
        name = os.path.basename(f)
        if t["type"] == "executable" and os.path.relpath(f, build).startswith("tests/") and name.startswith("test-"):
            print(os.path.relpath(f, build), f)' "$1"
}

variants=("build-test:plain:" "build-sanitize:asan+ubsan:-Db_sanitize=address,undefined -Db_lundef=false")
for v in "${variants[@]}"; do
    IFS=: read -r dir label opts <<<"$v"
    echo "=== $label build ($dir)"
    # shellcheck disable=SC2086
    if ! configure "$root/$dir" $opts; then
        fail "$label: the build failed"
        continue
    fi
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    for suite in tests/suites/*.sh; do
        echo "=== $label: $(basename "$suite" .sh)"
        BUILD="$root/$dir" VARIANT=$label bash tests/lib/run-suite.sh "$suite"
    done
    # Every test program of this build exists and was run by some suite.
    programs=$(test_programs "$root/$dir") || fail "$label: meson introspect failed"
    while read -r prog path; do
        [ -n "$prog" ] || continue
        if [ ! -x "$path" ]; then
            fail "$label: test program $prog was not built ($path)"
        elif ! awk -v l="$label" -v r="/$prog" '$1 == l && substr($2, length($2) - length(r) + 1) == r {f = 1} END {exit !f}' "$TAP_RAN"; then
            if [ "${CI:-}" = true ]; then
                bash tests/lib/tap-count.sh "$label/${prog##*/}" printf '1..1\nok 1 - %s # SKIP no suite ran it\n' "run"
            else
                echo "# $label: no suite ran $prog"
            fi
        fi
    done <<<"$programs"
done

# Nothing of the run may still be alive.
leave_run_cgroup
for _ in $(seq 50); do
    # (No pipeline: a command run alongside the scan would carry the mark.)
    left=$(procs_cgroup_pids "$run_cg"; procs_with_env "WTSNET_RUN_MARK=$WTSNET_RUN_MARK")
    alive=()
    for p in $left; do
        [[ " ${alive[*]} " == *" $p "* ]] && continue
        procs_alive "$p" && alive+=("$p")
    done
    [ ${#alive[@]} -eq 0 ] && break
    sleep 0.1
done
for p in "${alive[@]}"; do fail "left running after the run: $(procs_describe "$p")"; done
procs_cgroup_kill "$run_cg"
procs_kill "${alive[@]}"
run_cg=

read -r passed failed skipped < <(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$TAP_TOTALS")
if [ "$passed" -eq 0 ]; then # a run that checked nothing is not a green run
    fail "no case passed: nothing was tested"
    failed=$((failed + 1))
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
