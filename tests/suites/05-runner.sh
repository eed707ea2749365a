#!/usr/bin/env bash
# The runner's own test (tests/lib/selftest.sh): a program that dies before
# its plan, exits non-zero, is missing or hangs past its timeout, a skip not
# in the allow-list under CI, a suite that dies or leaves a process behind
# must each count as a failure; a listed skip must not. Once, not per variant.
set -u
[ "$VARIANT" = plain ] || exit 0
TAP_TIMEOUT=300 bash tests/lib/tap-count.sh "$VARIANT/runner-selftest" bash tests/lib/selftest.sh
