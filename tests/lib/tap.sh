# shellcheck shell=bash
# Sourced by suites for the cases they decide in shell. Each case is counted
# in $TAP_TOTALS the moment it ends (through tap-count.sh, so skips meet the
# allow-list and the output is prefixed like every other case): a suite that
# dies half-way has counted what ran, and run-all.sh counts its death.
#
#   tap_check LABEL CASE CMD…   one case: passes when CMD succeeds; its
#                               output is shown (as TAP comments) when it fails
#   tap_ok LABEL CASE / tap_fail LABEL CASE [WHY] / tap_skip LABEL CASE WHY
TAP_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

tap_ok() { bash "$TAP_LIB/tap-count.sh" "$1" printf '1..1\nok 1 - %s\n' "$2"; }
# (every line of WHY becomes a TAP comment: a line of it that began "ok" must not count)
tap_fail() { bash "$TAP_LIB/tap-count.sh" "$1" printf '1..1\nnot ok 1 - %s\n%s\n' "$2" "$(printf '%s\n' "${3:-}" | sed 's/^/# /')"; }
tap_skip() { bash "$TAP_LIB/tap-count.sh" "$1" printf '1..1\nok 1 - %s # SKIP %s\n' "$2" "$3"; }

tap_check() {
    local label=$1 name=$2 log
    shift 2
    log=$(mktemp)
    if "$@" >"$log" 2>&1; then
        tap_ok "$label" "$name"
    else
        tap_fail "$label" "$name" "$(tail -n 20 "$log")"
    fi
    rm -f "$log"
}

# tap_run_programs LABEL SUBDIR: every test program meson defines under SUBDIR
# (tests/lib/test-programs.sh: the list comes from meson's introspection, not
# from the files that happen to exist), each through tap-count.sh, so one that
# was not built is a failed case; none listed at all is a failure too.
tap_run_programs() {
    local label=$1 subdir=$2 programs t
    mapfile -t programs < <(bash "$TAP_LIB/test-programs.sh" "$BUILD" "$subdir")
    if [ ${#programs[@]} -eq 0 ]; then
        tap_fail "$VARIANT/$label" "meson introspect lists the $subdir programs"
        return 1
    fi
    for t in "${programs[@]}"; do
        bash "$TAP_LIB/tap-count.sh" "$VARIANT/$(basename "$t")" "$t"
    done
}
