#!/usr/bin/env bash
# Every fuzz target over its seeds (fuzz/seeds/<target>/), in both
# builds: the sanitizers see the parsers on real-world and edge inputs even
# where no libFuzzer is available (fuzz/meson.build).
set -u
cd "$(dirname "$0")/../.."
for dir in fuzz/seeds/*/; do
    target=$(basename "$dir")
    bin=$BUILD/fuzz/$target
    [ -x "$bin" ] || continue
    if "$bin" "$dir"* >/dev/null 2>&1; then
        bash tests/lib/tap-count.sh "$VARIANT/fuzz-replay" printf '1..1\nok 1 - %s over its corpus\n' "$target"
    else
        bash tests/lib/tap-count.sh "$VARIANT/fuzz-replay" printf '1..1\nnot ok 1 - %s over its corpus\n' "$target"
    fi
done
exit 0
