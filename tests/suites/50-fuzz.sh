#!/usr/bin/env bash
# libFuzzer targets of the wire parsers (SMB2 responses, NTLMSSP challenge,
# DCE/RPC PDUs, NDR), a few seconds each. Built with clang, so once: in the
# plain variant (they carry their own ASan+UBSan). Longer runs: fuzz/run.sh SECONDS.
set -u
[ "$VARIANT" = plain ] || exit 0
out="$BUILD-fuzz"
if ! bash fuzz/build.sh "$out" >"$out.log" 2>&1; then
    cat "$out.log"
    echo "0 1 0" >>"$TAP_TOTALS"
    exit 0
fi
FUZZ_BUILD=$out bash tests/lib/tap-count.sh "$VARIANT/fuzz" bash fuzz/run.sh "${FUZZ_SECONDS:-4}"
exit 0
