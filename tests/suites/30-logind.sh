#!/usr/bin/env bash
# Integration tests against a real systemd-logind: boots systemd + logind +
# dbus + polkit + sshd in a private namespace (tests/integration/logind-ns),
# runs each test program inside it, and always powers it off.
set -u
source tests/integration/logind-ns/ns.sh
NS_TIE_TO_SHELL=1 # never outlive this script, even when it is killed

fail_whole_suite() {
    echo "not ok - $VARIANT/logind: $*"
    echo "0 1 0" >>"$TAP_TOTALS"
    exit 0
}
if [ "$(id -u)" -ne 0 ]; then
    echo "ok - $VARIANT/logind # SKIP needs root to boot systemd in a namespace"
    echo "0 0 1" >>"$TAP_TOTALS"
    exit 0
fi
trap ns_cleanup EXIT
trap 'exit 1' INT TERM
ns_boot || fail_whole_suite "the namespace did not boot"
ns_setup_users || fail_whole_suite "could not create the test users"
ns_setup_polkit || fail_whole_suite "could not install the polkit rule"
ns_start_sshd || fail_whole_suite "sshd did not start"

mapfile -t test_env < <(ns_test_env)
bin=$(ns_path "$BUILD/tests/integration")
for t in test-logind-sessions test-logind-logoff test-logind-nobus test-logind-down; do
    [ -x "$BUILD/tests/integration/$t" ] || fail_whole_suite "$t was not built"
    bash tests/lib/tap-count.sh "$VARIANT/$t" nsenter -t "$NS_PID" -p -m -C -- env "${test_env[@]}" "$bin/$t" {NS_LOCK_FD}>&-
done
# Outside the namespace: no logind at all (skips itself on a host booted with systemd).
bash tests/lib/tap-count.sh "$VARIANT/test-logind-nologind" "$BUILD/tests/integration/test-logind-nologind" {NS_LOCK_FD}>&-
exit 0
