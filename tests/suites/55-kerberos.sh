#!/usr/bin/env bash
# Issue 12: Kerberos (MIT GSSAPI in SPNEGO) against a real Samba AD domain
# controller in its own namespaces (tests/lib/kdc-env.sh), NTLM disabled on
# it, so every logon that works here was Kerberos. Real smbclient sessions
# (Kerberos too) are listed and deleted; credentials come from a ticket
# cache, WNetAddConnection2W's password, a client keytab; each failure is
# the Win32 code Windows gives (docs/credentials.md). Needs root.
set -u
. tests/lib/kdc-env.sh
. tests/lib/tap.sh
L=$VARIANT/kerberos
# Ports inside the lab's own network namespace (nothing on the host's loopback).
if [ "$VARIANT" = plain ]; then relay=14500 nokdc=14501; else relay=14510 nokdc=14511; fi
if [ "$(id -u)" -ne 0 ] || ! command -v samba >/dev/null || ! command -v kinit >/dev/null ||
    ! command -v faketime >/dev/null || ! command -v socat >/dev/null; then
    tap_skip "$L" "kerberos suite" "needs root, samba-ad-dc, krb5-user, faketime, socat"
    exit 0
fi
client_pids=()
cleanup() {
    for p in "${client_pids[@]}"; do kill -- "-$p" 2>/dev/null; done
    kdc_stop
}
trap cleanup EXIT
started=$SECONDS
if ! kdc_start; then
    tap_fail "$L" "the domain controller starts" "$(tail -n 20 "$KDC_LAB/provision.log" "$KDC_LAB/samba.log" 2>&1)"
    exit 1
fi
tap_ok "$L" "a Samba AD DC for $KDC_REALM runs in its own namespaces ($((SECONDS - started)) s)"

drv=$BUILD/tests/integration/krb-driver
wts=$BUILD/tools/wtsnet
cc=$KDC_LAB/cc
conf=$KDC_LAB/dc/etc/smb.conf
# faketime preloads a library: the sanitizer runtime must not insist on coming first.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
check() { tap_check "$L" "$desc" "$@"; }
# lab VAR=VALUE… CMD…: CMD in the lab with exactly these Kerberos settings
# (no ticket cache unless one is named).
# (no ticket cache unless one is named: a fresh name each time, since MIT
# keeps the ticket a client keytab got in the default cache).
lab() { kdc_run env KRB5CCNAME=FILE:$cc/none.$BASHPID.$RANDOM KRB5_CLIENT_KTNAME=FILE:$cc/none.keytab "$@"; }
# expect RC CMD…: CMD's last line is "rc=RC"
expect() {
    local want=$1 out
    shift
    out=$("$@" 2>&1)
    printf '%s\n' "$out"
    [ "$(printf '%s\n' "$out" | tail -n 1)" = "rc=$want" ]
}
as_admin() { lab KRB5CCNAME=FILE:$cc/admin "$@"; }
# Is there a session of USER (without domain) from CLIENT (an address, or "*")?
listed() {
    as_admin "$drv" enum "$KDC_NAME" | awk -v c="$1" -v u="$2" '{ sub(/^\\\\/, "", $1); sub(/^.*\\/, "", $2) }
        (c == "*" || $1 == c) && tolower($2) == tolower(u) { found = 1 } END { exit !found }'
}
wait_listed() { for _ in $(seq 100); do listed "$1" "$2" && return 0; sleep 0.1; done; return 1; }
wait_gone() { for _ in $(seq 100); do listed "$1" "$2" || return 0; sleep 0.1; done; return 1; }
# A live smbclient session of carol (Kerberos only) to the DC, from CLIENT
# (127.0.0.1 directly, or the relay's address).
carol_session() { # CLIENT LOG
    local ip=()
    [ "$1" = "$KDC_RELAY_IP" ] && ip=(-I "$KDC_RELAY_IP" -p "$relay")
    setsid bash -c "(while sleep 1; do echo ls; done) | exec env KRB5CCNAME=FILE:$cc/carol KRB5_CONFIG=$KDC_LAB/krb5.conf \
        nsenter -t $KDC_HOLDER -n -m -u stdbuf -oL -eL smbclient //$KDC_NAME/netlogon ${ip[*]} \
        --use-kerberos=required -N -s $KDC_LAB/client.conf" >"$2" 2>&1 </dev/null &
    client_pids+=($!)
    wait_listed "$1" "$KDC_USER2"
}

group=tickets
kdc_kinit "$cc/admin" "$KDC_ADMIN" "$KDC_ADMIN_PW" && kdc_kinit "$cc/carol" "$KDC_USER2" "$KDC_USER2_PW" &&
    kdc_kinit "$cc/alice" "$KDC_USER" "$KDC_USER_PW"
tap_check "$L" "kinit gets tickets for $KDC_ADMIN, $KDC_USER2 and $KDC_USER" test -s "$cc/admin" -a -s "$cc/carol" -a -s "$cc/alice"
# The DC's smbd listens on every address of the lab: the relay takes a port of ours.
kdc_run socat "TCP-LISTEN:$relay,bind=$KDC_RELAY_IP,fork,reuseaddr" "TCP:$KDC_IP:445,bind=$KDC_RELAY_IP" 2>/dev/null &

desc="NTLM is refused by the DC: a right password over NTLMv2 gives 1937 (NT_STATUS_NTLM_BLOCKED)"
check expect 1937 lab WTSNET_AUTH=ntlm "$drv" wnet "$KDC_NAME" "$KDC_DOMAIN\\$KDC_ADMIN" "$KDC_ADMIN_PW"

desc="the caller's ticket (KRB5CCNAME): wtsnet net session -s $KDC_NAME lists our own Kerberos session"
own_session() { as_admin "$wts" net session -s "$KDC_NAME" | grep -qF "$KDC_DOMAIN\\$KDC_ADMIN"; }
check own_session

desc="a Kerberos smbclient session of $KDC_USER2 from $KDC_RELAY_IP is listed (NetSessionEnum)"
check carol_session "$KDC_RELAY_IP" "$KDC_LAB/carol1.log"
desc="the DC encrypts every session with AES-256-GCM (so each logon here proves the key derivation from the Kerberos key)"
encrypted() { kdc_run smbstatus -s "$conf" --json 2>/dev/null | grep -q '"encryption": {"cipher": "AES-256-GCM", "degree": "full"}'; }
check encrypted
desc="NetSessionDel by client \\\\$KDC_RELAY_IP ends it, and its smbclient was disconnected"
del_by_client() {
    expect 0 as_admin "$drv" del "$KDC_NAME" "\\\\$KDC_RELAY_IP" - && wait_gone "$KDC_RELAY_IP" "$KDC_USER2" &&
        sleep 1.5 && grep -q 'NT_STATUS_CONNECTION_DISCONNECTED\|NT_STATUS_CONNECTION_RESET\|NT_STATUS_END_OF_FILE\|NT_STATUS_USER_SESSION_DELETED' "$KDC_LAB/carol1.log"
}
check del_by_client
# By the name as the DC lists it, DOMAIN\user (Samba's NetSessionDel
# compares the user name exactly, and a DC's users are winbind's
# DOMAIN\user), then by the bare name, as a program written for Windows says
# it (Windows lists "carol"): NetSessionDel matches the user part and sends
# the name as the DC lists it (docs/netapi.md).
del_by_user() { # NAME
    expect 0 as_admin "$drv" del "$KDC_NAME" - "$1" && wait_gone '*' "$KDC_USER2" && listed '*' "$KDC_ADMIN"
}
n=2
for name in "$KDC_DOMAIN\\$KDC_USER2" "$KDC_USER2"; do
    desc="session $n of $KDC_USER2, from 127.0.0.1"
    check carol_session 127.0.0.1 "$KDC_LAB/carol$n.log"
    desc="NetSessionDel by user $name ends it; our own session stays"
    check del_by_user "$name"
    n=$((n + 1))
done
desc="NetSessionDel by a bare name nobody has: 2312 (NERR_ClientNameNotFound), as on Windows"
check expect 2312 as_admin "$drv" del "$KDC_NAME" - "nosuch$KDC_USER2"
desc="... and by a user of another domain: 2312, the DC's $KDC_DOMAIN\\$KDC_ADMIN untouched"
other_domain() { expect 2312 as_admin "$drv" del "$KDC_NAME" - "NOTADOMAIN\\$KDC_ADMIN" && listed '*' "$KDC_ADMIN"; }
check other_domain

desc="WNetAddConnection2W with user and password, no ticket cache: connects, lists, and writes no cache"
wnet_password() {
    expect 0 lab KRB5CCNAME=FILE:$cc/never "$drv" wnet "$KDC_NAME" "$KDC_ADMIN@$KDC_REALM" "$KDC_ADMIN_PW" &&
        [ ! -e "$cc/never" ] && [ ! -e /tmp/krb5cc_0 ] && [ ! -e /tmp/krb5cc_$(id -u) ]
}
check wnet_password
desc="WNetAddConnection2W with DOMAIN\\user (NetBIOS domain: the default realm)"
check expect 0 lab "$drv" wnet "$KDC_NAME" "$KDC_DOMAIN\\$KDC_ADMIN" "$KDC_ADMIN_PW"
printf 'username = %s\npassword = %s\n' "$KDC_ADMIN@$KDC_REALM" "$KDC_ADMIN_PW" >"$KDC_LAB/admin.creds"
printf 'username = %s\\%s\npassword = %s\n' "$KDC_DOMAIN" "$KDC_USER" "$KDC_USER_PW" >"$KDC_LAB/alice.creds"
chmod 600 "$KDC_LAB/admin.creds" "$KDC_LAB/alice.creds"
desc="the credentials file's password, no ticket cache: a ticket in memory, sessions listed"
check expect 0 lab WTSNET_CREDENTIALS_FILE=$KDC_LAB/admin.creds "$drv" enum "$KDC_NAME"
desc="the credentials file comes before the ticket cache (Windows' order): $KDC_USER's file over $KDC_ADMIN's ticket gives 5"
check expect 5 lab WTSNET_CREDENTIALS_FILE=$KDC_LAB/alice.creds KRB5CCNAME=FILE:$cc/admin "$drv" enum "$KDC_NAME"
desc="a client keytab (KRB5_CLIENT_KTNAME), no ticket cache: logs on as $KDC_USER, who may not list sessions (5)"
check expect 5 lab KRB5_CLIENT_KTNAME=FILE:$KDC_LAB/dc/alice.keytab "$drv" enum "$KDC_NAME"
desc="a plain user's ticket: NetSessionEnum is refused with 5 (ERROR_ACCESS_DENIED)"
check expect 5 lab KRB5CCNAME=FILE:$cc/alice "$drv" enum "$KDC_NAME"
desc="two tickets in one process: after $KDC_ADMIN's ticket lists sessions, $KDC_USER's ticket is refused (no pooled connection shared)"
two_tickets() {
    local out
    out=$(lab "$drv" two "$KDC_NAME" "FILE:$cc/admin" "FILE:$cc/alice" 2>&1)
    printf '%s\n' "$out"
    printf '%s\n' "$out" | grep -qx 'first=0' && [ "$(printf '%s\n' "$out" | tail -n 1)" = "rc=5" ]
}
check two_tickets

group=errors
desc="wrong password (Kerberos, WTSNET_AUTH=kerberos): 1326"
check expect 1326 lab WTSNET_AUTH=kerberos "$drv" wnet "$KDC_NAME" "$KDC_ADMIN" "Wr0ng-Pass.w0rd"
desc="wrong password (auto: Kerberos's answer, not an NTLM retry): 1326"
check expect 1326 lab "$drv" wnet "$KDC_NAME" "$KDC_ADMIN" "Wr0ng-Pass.w0rd"
desc="unknown user: 1326"
check expect 1326 lab WTSNET_AUTH=kerberos "$drv" wnet "$KDC_NAME" "nobody" "N0body-Pass.w0rd"
desc="no ticket, no password, no keytab, Kerberos required: 1244 (ERROR_NOT_AUTHENTICATED)"
check expect 1244 lab WTSNET_AUTH=kerberos "$drv" enum "$KDC_NAME"
desc="clock skew of 15 minutes, password logon, no skew correction: 1398 (ERROR_TIME_SKEW)"
check expect 1398 lab KRB5_CONFIG=$KDC_LAB/krb5-noskew.conf faketime -f +15m "$drv" wnet "$KDC_NAME" "$KDC_ADMIN" "$KDC_ADMIN_PW"
desc="clock skew of 15 minutes with a cached ticket: 1398"
check expect 1398 lab KRB5_CONFIG=$KDC_LAB/krb5-noskew.conf KRB5CCNAME=FILE:$cc/admin WTSNET_AUTH=kerberos \
    faketime -f +15m "$drv" enum "$KDC_NAME"
sed "s/kdc = $KDC_IP\$/kdc = $KDC_IP:$nokdc/" "$KDC_LAB/krb5.conf" >"$KDC_LAB/krb5-nokdc.conf"
desc="no KDC answers (the realm's KDC is a port with nothing listening): 1311 (ERROR_NO_LOGON_SERVERS)"
check expect 1311 lab KRB5_CONFIG=$KDC_LAB/krb5-nokdc.conf WTSNET_AUTH=kerberos "$drv" wnet "$KDC_NAME" "$KDC_ADMIN" "$KDC_ADMIN_PW"
desc="a server name the KDC has no principal for (cifs/files.wtslab.test): 1396 (ERROR_WRONG_TARGET_NAME)"
check expect 1396 lab KRB5CCNAME=FILE:$cc/admin WTSNET_AUTH=kerberos "$drv" enum files.wtslab.test
desc="a server named by address with Kerberos required: 1396, nothing sent"
check expect 1396 lab KRB5CCNAME=FILE:$cc/admin WTSNET_AUTH=kerberos "$drv" enum "$KDC_IP"
desc="a server named by address in auto: NTLM is tried, and this DC blocks it: 1937"
check expect 1937 lab "$drv" wnet "$KDC_IP" "$KDC_ADMIN" "$KDC_ADMIN_PW"
desc="an unknown WTSNET_AUTH word: 50 (ERROR_NOT_SUPPORTED)"
check expect 50 lab KRB5CCNAME=FILE:$cc/admin WTSNET_AUTH=negotiate "$drv" enum "$KDC_NAME"
desc="the CLI reports a refused logon once, with Windows' message"
cli_error() {
    local out
    out=$(lab WTSNET_AUTH=kerberos "$wts" net session -s "$KDC_NAME" 2>&1) && return 1
    printf '%s\n' "$out"
    printf '%s' "$out" | grep -q 'not been authenticated.*1244'
}
check cli_error
kdc_kinit "$cc/short" "$KDC_ADMIN" "$KDC_ADMIN_PW" -l 3s
sleep 4
desc="an expired ticket, nothing to renew it with: 1244"
check expect 1244 lab KRB5CCNAME=FILE:$cc/short WTSNET_AUTH=kerberos "$drv" enum "$KDC_NAME"

group=rpc
# DCE/RPC over the same Kerberos: srvsvc bound with SPNEGO (Kerberos in DCE
# style) at packet integrity and at privacy; NTLMSSP would be refused here.
rpc_listed() { # PROTECTION
    lab KRB5CCNAME=FILE:$cc/admin WTSNET_RPC_PROTECTION=$1 "$drv" enum "$KDC_NAME" >"$KDC_LAB/rpc.out" 2>&1
    cat "$KDC_LAB/rpc.out"
    tail -n 1 "$KDC_LAB/rpc.out" | grep -qx 'rc=0' && grep -qi "$KDC_DOMAIN\\\\$KDC_ADMIN\$" "$KDC_LAB/rpc.out"
}
desc="srvsvc over a Kerberos-authenticated bind signing every PDU (WTSNET_RPC_PROTECTION=sign) lists the sessions"
check rpc_listed sign
desc="srvsvc over a Kerberos-authenticated sealed bind (WTSNET_RPC_PROTECTION=seal) lists the sessions"
check rpc_listed seal
desc="the same bind with NTLMSSP instead (WTSNET_RPC_AUTH=ntlmssp) is refused by this DC"
ntlmssp_refused() {
    local out
    out=$(lab KRB5CCNAME=FILE:$cc/admin WTSNET_RPC_PROTECTION=seal WTSNET_RPC_AUTH=ntlmssp "$drv" enum "$KDC_NAME" 2>&1)
    printf '%s\n' "$out"
    [ "$(printf '%s\n' "$out" | tail -n 1)" != rc=0 ]
}
check ntlmssp_refused

group=wire
desc="Kerberos costs one SESSION_SETUP leg: a fresh NetServerGetInfo is 4 round trips on 3.1.1 (NTLM's 5 less one)"
one_leg() { as_admin "$drv" rt "$KDC_NAME" | tee /dev/stderr | grep -qx 'round_trips=4'; }
check one_leg

tap_ok "$L" "the DC part took $((SECONDS - started)) s"
exit 0
