#!/usr/bin/env bash
# Unit tests: pure functions, no system service needed.
# Every test program meson defines under tests/unit/ runs (the list comes from
# meson's introspection, not from the files that happen to exist): one that
# was not built is a failed case.
set -u
. tests/lib/tap.sh
mapfile -t programs < <(bash tests/lib/test-programs.sh "$BUILD" tests/unit)
if [ ${#programs[@]} -eq 0 ]; then
    tap_fail "$VARIANT/unit" "meson introspect lists the tests/unit programs"
    exit 1
fi
for t in "${programs[@]}"; do
    bash tests/lib/tap-count.sh "$VARIANT/$(basename "$t")" "$t"
done
