#!/usr/bin/env bash
# Every fuzz target, briefly (FUZZ_SECONDS each, default 5): a crash, leak
# or sanitizer report is a failed case. Once, not per build variant. The
# targets expected are those meson defines (fuzz/meson.build): one that did
# not build or did not run is a failed case too.
set -u
[ "$VARIANT" = plain ] || exit 0
. tests/lib/tap.sh
label=$VARIANT/fuzz
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bash fuzz/run.sh "${FUZZ_SECONDS:-5}" >"$out" 2>&1
status=$?
mapfile -t targets < <(bash tests/lib/test-programs.sh build-fuzz fuzz fuzz- 2>/dev/null)
if [ ${#targets[@]} -eq 0 ]; then
    tap_fail "$label" "fuzz targets build and run" "$(tail -n 30 "$out")"
    exit 0
fi
failures=0
for t in "${targets[@]}"; do
    name=$(basename "$t")
    line=$(grep -m1 "^fuzz $name: " "$out")
    case $line in
    *": ok"*) tap_ok "$label" "${line#fuzz }" ;;
    "") tap_fail "$label" "$name runs" "fuzz/run.sh did not run it"; failures=$((failures + 1)) ;;
    *) tap_fail "$label" "${line#fuzz }" "$(sed -n "/^fuzz $name: /,/^fuzz /p" "$out" | head -n 30)"; failures=$((failures + 1)) ;;
    esac
done
[ "$status" -eq 0 ] || [ "$failures" -gt 0 ] || tap_fail "$label" "fuzz/run.sh exits 0" "exit status $status: $(tail -n 20 "$out")"
