#!/usr/bin/env bash
# API contract tests that hold on any host (argument checks, handles, errors).
set -u
for t in "$BUILD"/tests/api/test-*; do
    [ -f "$t" ] && [ -x "$t" ] && bash tests/lib/tap-count.sh "$VARIANT/$(basename "$t")" "$t"
done
exit 0
