#!/usr/bin/env bash
# Unit tests: pure functions, no system service needed.
# Every test program meson defines under tests/unit/ runs (tap_run_programs,
# tests/lib/tap.sh): one that was not built is a failed case.
set -u
. tests/lib/tap.sh
tap_run_programs unit tests/unit
