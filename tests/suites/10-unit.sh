#!/usr/bin/env bash
# Unit tests: pure functions, no system service needed.
set -u
for t in "$BUILD"/tests/unit/test-*; do
    [ -f "$t" ] && [ -x "$t" ] && bash tests/lib/tap-count.sh "$VARIANT/$(basename "$t")" "$t"
done
exit 0
