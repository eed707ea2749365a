#!/usr/bin/env bash
# The runner's own test (TAP): what tap-count.sh and run-suite.sh must count
# as a failure, and what they must not. Each case runs them on a small
# program or suite written here, with totals of its own.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=procs.sh
. "$here/procs.sh"
tmp=$(mktemp -d /tmp/wtsnet-selftest-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
allow=$tmp/allowlist
printf '# test allow-list\nself/listed:needs_a_thing* the machine has no thing\nself/noreason:x\n' >"$allow"

n=0
echo "1..22"
# expect TOTALS CASE-NAME: the totals line the last run appended must be TOTALS.
expect() {
    local want=$1 name=$2 got
    n=$((n + 1))
    got=$(tail -n 1 "$tmp/totals" 2>/dev/null)
    if [ "$got" = "$want" ]; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        echo "# wanted totals '$want', got '$got'; output:"
        sed 's/^/#   /' "$tmp/out"
    fi
}
count() { # NAME CMD…: tap-count.sh under the test allow-list, outside CI unless CI is set
    : >"$tmp/totals"
    TAP_TOTALS=$tmp/totals TAP_SKIP_ALLOWLIST=$allow TAP_RAN= CI=${CI_SELF:-} \
        bash "$here/tap-count.sh" "$@" >"$tmp/out" 2>&1
}
prog() { # NAME BODY: a small program
    printf '#!/bin/sh\n%s\n' "$2" >"$tmp/$1"
    chmod +x "$tmp/$1"
}

prog good 'printf "1..2\nok 1 - one\nok 2 - two\n"'
count self/good "$tmp/good"
expect "2 0 0" "a complete plan that passes counts its cases"

prog dies 'printf "1..3\nok 1 - one\n"; kill -SEGV $$'
count self/dies "$tmp/dies"
expect "1 1 0" "a program that dies before its plan is complete is a failure"

prog short 'printf "1..3\nok 1 - one\n"'
count self/short "$tmp/short"
expect "1 1 0" "a plan not completed, even with exit status 0, is a failure"

prog status 'printf "1..1\nok 1 - one\n"; exit 3'
count self/status "$tmp/status"
expect "1 1 0" "a non-zero exit without a failed case is a failure"

prog noplan 'echo "ok 1 - one"'
count self/noplan "$tmp/noplan"
expect "1 1 0" "output without a plan is a failure"

prog more 'printf "1..1\nok 1 - one\nok 2 - two\n"'
count self/more "$tmp/more"
expect "2 1 0" "more cases than planned is a failure"

prog bail 'printf "1..2\nok 1 - one\nBail out! no server\n"'
count self/bail "$tmp/bail"
expect "1 1 0" "Bail out! is a failure"

count self/missing "$tmp/no-such-program"
expect "0 1 0" "a missing program is a failure"

prog failing 'printf "1..2\nnot ok 1 - one\nok 2 - two\n"; exit 1'
count self/failing "$tmp/failing"
expect "1 1 0" "a failed case is counted once"

prog hangs 'printf "1..1\n"; exec sleep 119.5'
start=$SECONDS
TAP_TIMEOUT=2 count self/hangs "$tmp/hangs"
expect "0 1 0" "a program that hangs past TAP_TIMEOUT is a failure"
n=$((n + 1))
if [ $((SECONDS - start)) -lt 30 ] && [ -z "$(procs_with_cmdline "sleep 119.5")" ]; then
    echo "ok $n - the hung program is stopped at its timeout"
else
    echo "not ok $n - the hung program is stopped at its timeout"
fi

prog skips 'printf "1..2\nok 1 - one\nok 2 - needs_a_thing_here # SKIP no thing\n"'
CI_SELF=true count self/unlisted "$tmp/skips"
expect "1 1 0" "under CI=true a skip the allow-list does not name is a failure"
CI_SELF=true count self/listed "$tmp/skips"
expect "1 0 1" "under CI=true a skip the allow-list names is a skip"
CI_SELF=true count self/noreason "$tmp/skips"
expect "1 1 0" "an allow-list line without a reason allows nothing"
count self/unlisted "$tmp/skips"
expect "1 0 1" "outside CI a skip is a skip"

# tap.sh: a failed shell case whose output looks like TAP counts once, as failed.
: >"$tmp/totals"
(. "$here/tap.sh"; TAP_TOTALS=$tmp/totals tap_check self/shell "a shell case" sh -c 'printf "ok 1\n1..1\n"; exit 1') >"$tmp/out" 2>&1
expect "0 1 0" "a failed shell case is one failure, whatever its output says"

# 10-unit.sh runs what meson defines, not what exists: a program missing
# from the build is a failure (meson here is a stand-in naming one program).
mkdir -p "$tmp/bin" "$tmp/build/tests/unit"
printf '#!/bin/sh\necho %s\n' "'[{\"type\": \"executable\", \"filename\": [\"$tmp/build/tests/unit/test-gone\"]}]'" >"$tmp/bin/meson"
chmod +x "$tmp/bin/meson"
: >"$tmp/totals"
(cd "$here/../.." && PATH=$tmp/bin:$PATH BUILD=$tmp/build VARIANT=self TAP_TOTALS=$tmp/totals TAP_RAN= \
    bash tests/suites/10-unit.sh) >"$tmp/out" 2>&1
expect "0 1 0" "a unit test program meson defines but that was not built is a failure"

# run-suite.sh: a suite's exit status and what it leaves behind.
suite() { # NAME BODY: a suite script
    printf '#!/usr/bin/env bash\n%s\n' "$2" >"$tmp/$1.sh"
}
run_suite() {
    : >"$tmp/totals"
    TAP_TOTALS=$tmp/totals VARIANT=self SUITE_TIMEOUT=${SUITE_TIMEOUT_SELF:-60} \
        bash "$here/run-suite.sh" "$tmp/$1.sh" >"$tmp/out" 2>&1
    awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$tmp/totals" >>"$tmp/totals"
}
suite exits 'echo "0 0 0" >>"$TAP_TOTALS"; set -u; echo "$unbound_variable"; echo "1 0 0" >>"$TAP_TOTALS"'
run_suite exits
expect "0 1 0" "a suite that dies (unbound variable) is a failure"

# Detached and in a session of its own, like samba-dcerpcd: found all the
# same, through the suite's cgroup and, without one, through its marker.
for how in cgroup marker; do
    suite leaves "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo '1 0 0' >>\"\$TAP_TOTALS\"; echo \$! >$tmp/left.pid"
    nocg=0; [ $how = marker ] && nocg=1
    if [ $how = cgroup ] && ! cg=$(procs_cgroup_new "wtsnet-selftest-$$"); then
        n=$((n + 2))
        echo "ok $((n - 1)) - a process a suite leaves running is a failure ($how) # SKIP no writable cgroup v2 here"
        echo "ok $n - the survivor is named and killed ($how) # SKIP no writable cgroup v2 here"
        continue
    fi
    [ $how = cgroup ] && rmdir "$cg"
    WTSNET_NO_CGROUP=$nocg run_suite leaves
    expect "1 1 0" "a process a suite leaves running is a failure ($how)"
    n=$((n + 1))
    left=$(cat "$tmp/left.pid" 2>/dev/null)
    if [ -n "$left" ] && grep -q "left running after the suite ended: $left sleep 300" "$tmp/out" && ! procs_alive "$left"; then
        echo "ok $n - the survivor is named and killed ($how)"
    else
        echo "not ok $n - the survivor is named and killed ($how)"
        sed 's/^/#   /' "$tmp/out"
        [ -n "$left" ] && kill "$left" 2>/dev/null
    fi
done
