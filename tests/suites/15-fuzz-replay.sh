#!/usr/bin/env bash
# Every fuzz target over its seeds (fuzz/seeds/<target>/), in both
# builds: the sanitizers see the parsers on real-world and edge inputs even
# where no libFuzzer is available (fuzz/meson.build). The targets come from
# meson's introspection: a target not built, or one without seeds, is a
# failed case rather than a silent gap.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
mapfile -t targets < <(bash tests/lib/test-programs.sh "$BUILD" fuzz fuzz-)
if [ ${#targets[@]} -eq 0 ]; then
    tap_fail "$VARIANT/fuzz-replay" "meson introspect lists the fuzz targets"
    exit 1
fi
for bin in "${targets[@]}"; do
    target=$(basename "$bin")
    seeds=()
    for f in "fuzz/seeds/$target"/*; do [ -f "$f" ] && seeds+=("$f"); done
    if [ ${#seeds[@]} -eq 0 ]; then
        tap_fail "$VARIANT/fuzz-replay" "$target has seeds" "fuzz/seeds/$target/ is missing or empty"
    elif [ ! -x "$bin" ]; then
        tap_fail "$VARIANT/fuzz-replay" "$target over its corpus" "$bin was not built"
    else
        tap_check "$VARIANT/fuzz-replay" "$target over its ${#seeds[@]} seeds" "$bin" "${seeds[@]}"
    fi
done
