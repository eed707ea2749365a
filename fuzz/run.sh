#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 5) on a corpus kept in
# fuzz/corpus-<target>/ (seeded from fuzz/seeds/<target>/). CI runs a few
# seconds each (tests/suites/50-fuzz.sh); for a long run:
#     bash fuzz/build.sh && bash fuzz/run.sh 3600
# A crash leaves its input as crash-* in the build directory and exits non-zero.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
out=${FUZZ_BUILD:-build-fuzz}
status=0
targets=(fuzz-smb2-response fuzz-ntlm-challenge fuzz-dcerpc-pdu fuzz-ndr)
echo "1..${#targets[@]}"
i=0
for t in "${targets[@]}"; do
    i=$((i + 1))
    corpus=fuzz/corpus-$t
    mkdir -p "$corpus"
    [ -d "fuzz/seeds/$t" ] && cp -n fuzz/seeds/"$t"/* "$corpus"/ 2>/dev/null
    if "$out/$t" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 -print_final_stats=0 -artifact_prefix="$out/" \
        "$corpus" >"$out/$t.log" 2>&1; then
        echo "ok $i - $t ran ${secs}s: $(grep -Eo '#[0-9]+' "$out/$t.log" | tail -1 | tr -d '#') inputs"
    else
        echo "not ok $i - $t found a crash (input saved as $out/crash-*)"
        grep -E "ERROR|SUMMARY|^Test unit written" "$out/$t.log" | head -5 | sed 's/^/# /'
        status=1
    fi
done
exit $status
