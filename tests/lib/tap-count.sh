#!/usr/bin/env bash
# Runs one TAP-producing command, echoes its output, and appends its counts
# to $TAP_TOTALS as "passed failed skipped". A command that dies before its
# plan is complete, or exits non-zero without reporting a failure, counts as
# one failure more: a crash is never silent.
set -u
name=$1; shift
out=$(mktemp)
"$@" >"$out" 2>&1
status=$?
sed "s|^|[$name] |" "$out"
plan=$(grep -m1 -E '^1\.\.[0-9]+' "$out" | cut -d. -f3)
passed=$(grep -E '^ok [0-9]+' "$out" | grep -vc '# SKIP')
skipped=$(grep -E '^ok [0-9]+.*# SKIP' "$out" | grep -c .)
failed=$(grep -cE '^not ok [0-9]+' "$out")
seen=$((passed + skipped + failed))
if [ -z "$plan" ] || [ "$seen" -lt "$plan" ]; then
    echo "[$name] not ok - ran ${seen} of ${plan:-?} cases, exit status $status"
    failed=$((failed + 1))
elif [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "[$name] not ok - exit status $status without a failed case"
    failed=$((failed + 1))
fi
rm -f "$out"
echo "$passed $failed $skipped" >>"$TAP_TOTALS"
