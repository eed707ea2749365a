#!/usr/bin/env bash
# Issue 10, item 4: downgrade protection. Our client reaches a real smbd
# through tests/integration/tamper-relay.py, a test double that alters the
# NEGOTIATE exchange (strips our dialect list, clears the encryption
# capability, changes a security mode, flips a byte of a 3.1.1 negotiate
# context). Every alteration must make NetServerGetInfo fail with
# ERROR_ACCESS_DENIED (docs/netapi.md); the untouched relay (the control
# case) must work, with validate-negotiate done where it is due.
# Needs root (unix users), smbd and python3.
set -u
. tests/lib/samba-env.sh
. tests/lib/tap.sh
if [ "$VARIANT" = plain ]; then port=14480 relay=14481; else port=14482 relay=14483; fi
if [ "$(id -u)" -ne 0 ] || ! command -v smbd >/dev/null || ! command -v python3 >/dev/null; then
    tap_skip "$VARIANT/downgrade" suite "needs root, samba and python3"; exit 0
fi
dir=$(mktemp -d /tmp/wtsnet-downgrade-XXXXXX)
chmod 755 "$dir"
RELAY_PID=
relay_stop() {
    if [ -n "$RELAY_PID" ]; then
        kill "$RELAY_PID" 2>/dev/null
        wait "$RELAY_PID" 2>/dev/null
        RELAY_PID=
    fi
}
cleanup() { relay_stop; samba_stop; rm -rf "$dir"; }
trap cleanup EXIT
samba_users
install -m 0600 /dev/null "$dir/credentials"
printf 'username = %s\npassword = %s\n' "$SMBT_ADMIN" "$SMBT_ADMIN_PW" >"$dir/credentials"
export WTSNET_CREDENTIALS_FILE="$dir/credentials" WTSNET_TIMEOUT=10 WTSNET_TEST_SERVER="127.0.0.1:$relay"

# server | smb.conf lines (;-separated) | cases: relay-mode:expect[:dialect:validated] …
servers=(
    "3.1.1||pass:ok:311:0 req-only-300:denied req-only-210:denied req-secmode:denied rsp-clear-enc:denied rsp-secmode:denied rsp-flip-ctx:denied"
    "3.0|server max protocol = SMB3_00|pass:ok:300:1 req-only-210:denied req-secmode:denied rsp-clear-enc:denied rsp-secmode:denied"
    "3.0.2|server max protocol = SMB3_02|pass:ok:302:1 rsp-clear-enc:denied rsp-secmode:denied"
    "3.0+encryption-required|server max protocol = SMB3_00;server smb encrypt = required|pass:ok:300:1 rsp-clear-enc:denied"
    "2.1|server max protocol = SMB2_10|pass:ok:210:1 rsp-secmode:denied"
    "2.0.2|server max protocol = SMB2_02|pass:ok:202:1"
)
for srv in "${servers[@]}"; do
    IFS='|' read -r label lines cases <<<"$srv"
    extra=()
    [ -n "$lines" ] && IFS=';' read -r -a extra <<<"$lines"
    samba_conf "$dir" "$port" "${extra[@]}"
    if ! samba_start "$dir" "$port"; then
        tap_fail "$VARIANT/downgrade[$label]" smbd_starts; samba_stop; continue
    fi
    for c in $cases; do
        IFS=: read -r mode expect dialect validated <<<"$c"
        name="$VARIANT/downgrade[$label:$mode]"
        python3 tests/integration/tamper-relay.py --listen "$relay" --target "$port" --mode "$mode" \
            --lifetime 120 >"$dir/relay.log" 2>&1 &
        RELAY_PID=$!
        if ! samba_wait_port "$relay"; then
            tap_fail "$name" the_relay_starts; relay_stop; continue
        fi
        EXPECT=$expect EXPECT_DIALECT=${dialect:-0} EXPECT_VALIDATED=${validated:-0} \
            bash tests/lib/tap-count.sh "$name" timeout 120 "$BUILD/tests/integration/test-downgrade"
        relay_stop
        # The relay says what it altered: a refusal counts only if it met the tampering.
        if [ "$mode" = pass ]; then
            ! grep -q tampered "$dir/relay.log"
        else
            grep -q "^tampered $mode" "$dir/relay.log"
        fi && tap_ok "$name" the_relay_did_what_the_case_says \
           || tap_fail "$name" the_relay_did_what_the_case_says "$(cat "$dir/relay.log")"
    done
    samba_stop
done
exit 0
