#!/usr/bin/env bash
# Issue 4: NetSession* against a real smbd with real smbclient sessions from
# 127.0.0.1 and 127.0.0.2 (socat relay), the seed sample built unchanged
# against the installed headers and run as its usage line says, and the
# `net session` CLI verb. Needs root (unix users).
set -u
. tests/lib/samba-env.sh
. tests/lib/tap.sh
if [ "$VARIANT" = plain ]; then port=14457 relay=14458; else port=14459 relay=14460; fi
if [ "$(id -u)" -ne 0 ] || ! command -v smbd >/dev/null || ! command -v socat >/dev/null; then
    tap_skip "$VARIANT/netsession" "netsession suite" "needs root, samba, socat"
    exit 0
fi
dir=$(mktemp -d /tmp/wtsnet-smb2-XXXXXX)
chmod 755 "$dir"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null; kill "$p" 2>/dev/null; done
    [ -n "${socat_pid:-}" ] && kill "$socat_pid" 2>/dev/null
    samba_stop
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
samba_users
samba_conf "$dir" "$port"
samba_start "$dir" "$port" || { tap_fail "$VARIANT/netsession" "smbd starts" "$(tail -n 5 "$dir/log/smbd.out")"; exit 1; }
socat "TCP-LISTEN:$relay,bind=127.0.0.1,fork,reuseaddr" "TCP:127.0.0.1:$port,bind=127.0.0.2" 2>/dev/null &
socat_pid=$!
samba_wait_port "$relay"

export WTSNET_TEST_PORT=$port WTSNET_TEST_RELAY_PORT=$relay WTSNET_TEST_SMBCONF="$dir/smb.conf"
export WTSNET_TEST_CLIENTCONF="$dir/client.conf" WTSNET_TEST_TMP="$dir"
export WTSNET_TEST_ADMIN=$SMBT_ADMIN WTSNET_TEST_ADMIN_PW=$SMBT_ADMIN_PW
export WTSNET_TEST_USER=$SMBT_USER1 WTSNET_TEST_USER_PW=$SMBT_USER1_PW
export WTSNET_TEST_USER2=$SMBT_USER2 WTSNET_TEST_USER2_PW=$SMBT_USER2_PW
bash tests/lib/tap-count.sh "$VARIANT/netsession" "$BUILD/tests/integration/test-netsession"

# A live smbclient session of user2 from 127.0.0.2, logging what it sees.
client_session() { # LOG
    setsid bash -c "(while sleep 1; do echo ls; done) | exec stdbuf -oL -eL smbclient //127.0.0.1/share -p $relay \
        -U '$SMBT_USER2%$SMBT_USER2_PW' -s '$dir/client.conf'" >"$1" 2>&1 </dev/null &
    pids+=($!)
    for _ in $(seq 100); do
        smbstatus -s "$dir/smb.conf" --json 2>/dev/null | grep -q "\"username\": \"$SMBT_USER2\"" && return 0
        sleep 0.1
    done
    return 1
}
session_gone() {
    for _ in $(seq 100); do
        smbstatus -s "$dir/smb.conf" --json 2>/dev/null | grep -q "\"username\": \"$SMBT_USER2\"" || return 0
        sleep 0.1
    done
    return 1
}
printf 'username = %s\npassword = %s\n' "$SMBT_ADMIN" "$SMBT_ADMIN_PW" >"$dir/creds"
chmod 600 "$dir/creds"
export WTSNET_CREDENTIALS_FILE="$dir/creds"

# The seed sample, byte for byte, against the installed headers and libraries.
# Each case is counted as it ends (tests/lib/tap.sh).
check() { tap_check "$VARIANT/$group" "$desc" "$@"; }
group=seed-sample
{
    root="$dir/root"
    desc="meson install puts headers, libwtsnet and libwtsnet-wmain in place"
    check bash -c "meson install -C '$BUILD' --destdir '$root' --no-rebuild >/dev/null 2>&1"
    pc=$(dirname "$(find "$root" -name wtsnet-wmain.pc | head -1)")
    desc="the seed's sample compiles unchanged (cc \$(pkg-config wtsnet-wmain))"
    seed=/work/shared/seeds/003_de92a37a388331bd.txt
    [ -f "$seed" ] || seed=$(ls ../shared/seeds/003_*.txt 2>/dev/null | head -1)
    if [ -n "$seed" ] && [ -f "$seed" ]; then
        sed -n '/^#ifndef UNICODE/,/^Requisitos/p' "$seed" | sed '$d' >"$dir/seed.c"
    else
        cp examples/netsessiondel-seed.c "$dir/seed.c"
    fi
    # The sanitizer build's library needs its runtime in the program too.
    san=; [ "$VARIANT" = plain ] || san="-fsanitize=address,undefined"
    check bash -c "PKG_CONFIG_PATH='$pc' PKG_CONFIG_SYSROOT_DIR='$root' cc $san -o '$dir/seed' '$dir/seed.c' \
        \$(PKG_CONFIG_PATH='$pc' PKG_CONFIG_SYSROOT_DIR='$root' pkg-config --cflags --libs wtsnet-wmain) \
        -Wl,-rpath,\$(dirname \$(find '$root' -name 'libwtsnet.so.0' | head -1)) 2>'$dir/seed.cc.log'"
    desc="the copy in examples/ is the seed's code, unchanged"
    check diff -q <(sed -n '/^#ifndef UNICODE/,/^Requisitos/p' "$seed" | sed '$d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}') \
        <(sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' examples/netsessiondel-seed.c)
    desc="a live smbclient session of $SMBT_USER2 from 127.0.0.2"
    check client_session "$dir/smbclient.log"
    desc="seed \\\\127.0.0.1:$port \\\\127.0.0.2 $SMBT_USER2 reports success"
    check bash -c "'$dir/seed' '\\\\127.0.0.1:$port' '\\\\127.0.0.2' '$SMBT_USER2' 2>&1 | grep -q 'successfully deleted'"
    desc="the session is gone and its smbclient was disconnected"
    check bash -c "$(declare -f session_gone); dir='$dir' SMBT_USER2='$SMBT_USER2' session_gone && sleep 2 &&
        grep -q 'NT_STATUS_CONNECTION_DISCONNECTED\|NT_STATUS_CONNECTION_RESET\|NT_STATUS_END_OF_FILE' '$dir/smbclient.log'"
}

# The CLI verb (tools/netsession.c) through its test driver.
group=net-session-cli
{
    drv="$BUILD/tests/integration/net-session-driver"
    desc="a live smbclient session of $SMBT_USER2 from 127.0.0.2, for the CLI"
    check client_session "$dir/smbclient2.log"
    desc="--json lists $SMBT_USER2 from 127.0.0.2 at --level 10"
    check bash -c "'$drv' --json session --server 127.0.0.1:$port --level 10 | grep -q '\"client\": \"127.0.0.2\", \"user\": \"$SMBT_USER2\"'"
    desc="the table lists it as \\\\127.0.0.2"
    check bash -c "'$drv' session --server 127.0.0.1:$port | grep -q '^\\\\\\\\127.0.0.2 .*$SMBT_USER2'"
    desc="Windows form: \\\\127.0.0.2 /delete ends it"
    check bash -c "'$drv' session --server 127.0.0.1:$port '\\\\127.0.0.2' /delete >/dev/null && $(declare -f session_gone); dir='$dir' SMBT_USER2='$SMBT_USER2' session_gone"
    desc="no match: exit 1 and the message of 2312"
    check bash -c "out=\$('$drv' session --server 127.0.0.1:$port --client 10.9.9.9 --delete 2>&1); st=\$?;
        [ \$st -eq 1 ] && printf '%s' \"\$out\" | grep -q 'A session does not exist with that computer name. (error 2312)'"
}
exit 0
