#!/usr/bin/env bash
# API contract tests that hold on any host (argument checks, handles, errors).
# Every test program meson defines under tests/api/ runs (tap_run_programs,
# tests/lib/tap.sh): one that was not built is a failed case.
set -u
. tests/lib/tap.sh
tap_run_programs api tests/api
