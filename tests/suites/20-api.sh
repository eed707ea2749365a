#!/usr/bin/env bash
# API contract tests that hold on any host (argument checks, handles, errors).
# Every test program meson defines under tests/api/ runs (the list comes from
# meson's introspection, not from the files that happen to exist): one that
# was not built is a failed case.
set -u
. tests/lib/tap.sh
mapfile -t programs < <(bash tests/lib/test-programs.sh "$BUILD" tests/api)
if [ ${#programs[@]} -eq 0 ]; then
    tap_fail "$VARIANT/api" "meson introspect lists the tests/api programs"
    exit 1
fi
for t in "${programs[@]}"; do
    bash tests/lib/tap-count.sh "$VARIANT/$(basename "$t")" "$t"
done
