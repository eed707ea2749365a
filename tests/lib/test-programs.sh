#!/usr/bin/env bash
# test-programs.sh BUILD SUBDIR [PREFIX]: the executables meson defines under
# SUBDIR of the source tree whose names start with PREFIX (default "test-"),
# one full path a line, from `meson introspect --targets`: what a suite must
# find, built or not (a program missing from the build is then a failure,
# where looping over the files that happen to exist would be silence).
set -euo pipefail
build=$1 subdir=$2 prefix=${3:-test-}
meson introspect "$build" --targets | python3 -c '
import json, os, sys
build, subdir, prefix = os.path.realpath(sys.argv[1]), sys.argv[2], sys.argv[3]
for t in json.load(sys.stdin):
    if t["type"] != "executable":
        continue
    for f in t.get("filename", []):
        if os.path.dirname(os.path.realpath(f)) == os.path.join(build, subdir) and os.path.basename(f).startswith(prefix):
            print(f)' "$build" "$subdir" "$prefix" | sort
