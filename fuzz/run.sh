#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default 5), or the one
# named. Longer runs: `bash fuzz/run.sh 600 fuzz-utf8`. Corpora grow under
# fuzz/corpus-<target>/ (ignored by git); crashes land in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
only=${2:-}
dir=build-fuzz
if [ ! -f "$dir/build.ninja" ]; then
    CC=clang meson setup "$dir" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false --werror >"$dir.setup.log" 2>&1 \
        || { cat "$dir.setup.log"; exit 1; }
fi
ninja -C "$dir" >"$dir.build.log" 2>&1 || { cat "$dir.build.log"; exit 1; }
status=0
for t in "$dir"/fuzz/fuzz-*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    name=$(basename "$t")
    [ -z "$only" ] || [ "$only" = "$name" ] || continue
    corpus=fuzz/corpus-$name
    mkdir -p "$corpus"
    seeds=()
    [ -d "fuzz/seeds/$name" ] && seeds=("fuzz/seeds/$name")
    if (cd "$dir" && "./fuzz/$name" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 -print_final_stats=0 -artifact_prefix="$name-" "../$corpus" "${seeds[@]/#/../}") >"$dir/$name.log" 2>&1; then
        echo "fuzz $name: ok ($(grep -Eo '#[0-9]+' "$dir/$name.log" | tail -1 | tr -d '#') runs in ${seconds}s)"
    else
        echo "fuzz $name: FAILED"; tail -30 "$dir/$name.log"; status=1
    fi
done
exit $status
