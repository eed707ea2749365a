#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine (as root):
# installs what the tests need, builds twice (plain, and ASan+UBSan) with
# warnings as errors, runs every suite in tests/suites/ against each build,
# and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

lists=(build test-base)
for f in tests/suites/*.deps; do
    [ -e "$f" ] && while read -r l _; do [[ -z "$l" || "$l" == \#* ]] || lists+=("$l"); done <"$f"
done
bash scripts/install-deps.sh $(printf '%s\n' "${lists[@]}" | sort -u) || { echo "0 passed, 1 failed"; exit 1; }

export TAP_TOTALS
TAP_TOTALS=$(mktemp)
trap 'rm -f "$TAP_TOTALS"' EXIT

configure() { # dir, extra meson options…
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" --werror "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
    fi
    ninja -C "$dir" >"$dir.build.log" 2>&1 || { cat "$dir.build.log"; return 1; }
}

variants=("build-test:plain:" "build-sanitize:asan+ubsan:-Db_sanitize=address,undefined -Db_lundef=false")
for v in "${variants[@]}"; do
    IFS=: read -r dir label opts <<<"$v"
    echo "=== $label build ($dir)"
    # shellcheck disable=SC2086
    if ! configure "$root/$dir" $opts; then
        echo "0 1 0" >>"$TAP_TOTALS" # the build itself is one failure
        continue
    fi
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    for suite in tests/suites/*.sh; do
        echo "=== $label: $(basename "$suite" .sh)"
        BUILD="$root/$dir" VARIANT=$label bash "$suite"
    done
done

read -r passed failed skipped < <(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$TAP_TOTALS")
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
