#!/usr/bin/env bash
# Every fuzz target, briefly (FUZZ_SECONDS each, default 5): a crash, leak
# or sanitizer report is a failed case. Once, not per build variant.
set -u
[ "$VARIANT" = plain ] || exit 0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bash fuzz/run.sh "${FUZZ_SECONDS:-5}" >"$out" 2>&1
status=$?
{
    n=$(grep -c '^fuzz ' "$out")
    if [ "$n" -eq 0 ]; then echo "1..1"; echo "not ok 1 - fuzz targets build and run"; sed 's/^/# /' "$out"; exit 0; fi
    echo "1..$n"
    i=0
    while read -r line; do
        i=$((i + 1))
        case "$line" in
            *": ok"*) echo "ok $i - ${line#fuzz }" ;;
            *) echo "not ok $i - ${line#fuzz }" ;;
        esac
    done < <(grep '^fuzz ' "$out")
    [ $status -eq 0 ] || grep -v '^fuzz ' "$out" | sed 's/^/# /'
} >"$out.tap"
bash tests/lib/tap-count.sh "fuzz" cat "$out.tap"
rm -f "$out.tap"
