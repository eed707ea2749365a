#!/usr/bin/env bash
# Issue 15 item 4: NetFile*, NetConnectionEnum, NetShareEnum and
# NetWkstaUserEnum against a real smbd, with files held open by real
# smbclient processes (tests/integration/test-netfile.c), and the CLI verbs
# `net file` and `net share` (tools/verb_net.c). Needs root (unix users).
set -u
. tests/lib/samba-env.sh
. tests/lib/tap.sh
if [ "$VARIANT" = plain ]; then port=14600; else port=14610; fi
if [ "$(id -u)" -ne 0 ] || ! command -v smbd >/dev/null || ! command -v smbclient >/dev/null; then
    tap_skip "$VARIANT/netfile" "netfile suite" "needs root, samba, smbclient"
    exit 0
fi
dir=$(mktemp -d /tmp/wtsnet-netfile-XXXXXX)
chmod 755 "$dir"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null; kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    samba_stop
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
samba_users
samba_conf "$dir" "$port"
printf '[ro]\n  path = %s/share\n  read only = yes\n' "$dir" >>"$dir/smb.conf"
# NetrFileClose: Samba allows uid 0 or SeDiskOperatorPrivilege (docs/netapi.md, "Open files").
net -s "$dir/smb.conf" sam rights grant "$SMBT_ADMIN" SeDiskOperatorPrivilege >/dev/null
samba_start "$dir" "$port" || { tap_fail "$VARIANT/netfile" "smbd starts" "$(tail -n 5 "$dir/log/smbd.out")"; exit 1; }
printf 'one\n' >"$dir/share/f1.txt"
printf 'two\n' >"$dir/share/f2.txt"
printf 'ro\n' >"$dir/share/ro.txt"
chmod 666 "$dir/share/f1.txt" "$dir/share/f2.txt" "$dir/share/ro.txt"

export WTSNET_TEST_PORT=$port WTSNET_TEST_SMBCONF="$dir/smb.conf"
export WTSNET_TEST_CLIENTCONF="$dir/client.conf" WTSNET_TEST_TMP="$dir"
export WTSNET_TEST_ADMIN=$SMBT_ADMIN WTSNET_TEST_ADMIN_PW=$SMBT_ADMIN_PW
export WTSNET_TEST_USER=$SMBT_USER1 WTSNET_TEST_USER_PW=$SMBT_USER1_PW
export WTSNET_TEST_USER2=$SMBT_USER2 WTSNET_TEST_USER2_PW=$SMBT_USER2_PW
bash tests/lib/tap-count.sh "$VARIANT/netfile" timeout 300 "$BUILD/tests/integration/test-netfile"

# ---- the CLI: wtsnet net file / net share ----
printf 'username = %s\npassword = %s\n' "$SMBT_ADMIN" "$SMBT_ADMIN_PW" >"$dir/creds"
chmod 600 "$dir/creds"
export WTSNET_CREDENTIALS_FILE="$dir/creds"
check() { tap_check "$VARIANT/$group" "$desc" "$@"; }
w="$BUILD/tools/wtsnet"
srv="127.0.0.1:$port"
group=net-file-cli
{
    mkfifo "$dir/cli.in"
    setsid bash -c "exec stdbuf -oL -eL smbclient //127.0.0.1/share -p $port -U '$SMBT_USER1%$SMBT_USER1_PW' \
        -s '$dir/client.conf' <'$dir/cli.in' >'$dir/cli.log' 2>&1" </dev/null &
    pids+=($!)
    exec 3>"$dir/cli.in"
    echo "open f1.txt" >&3
    for _ in $(seq 100); do grep -q 'fnum' "$dir/cli.log" && break; sleep 0.1; done
    fnum=$(sed -n 's/.*f1.txt: for read\/write fnum \([0-9]*\).*/\1/p' "$dir/cli.log")
    desc="smbclient holds f1.txt open"
    check test -n "$fnum"
    desc="net file lists it with its id, user and path (Windows' columns)"
    check bash -c "'$w' net file -s $srv | grep -E '^ *[0-9]+ +.*f1\\.txt +$SMBT_USER1 +0 *\$'"
    id=$("$w" net file -s "$srv" | awk '/f1\.txt/ {print $1}')
    desc="--json has id, path, user, permissions and locks"
    check bash -c "'$w' --json net file -s $srv | grep -q '\"id\":$id,\"path\":\"[^\"]*f1.txt\",\"user\":\"$SMBT_USER1\",\"permissions\":3,\"locks\":0'"
    desc="net file ID shows one file as a record"
    check bash -c "'$w' net file $id -s $srv | grep -Eq '^User name:? +$SMBT_USER1'"
    desc="net file ID /close closes it"
    check bash -c "'$w' net file $id /close -s $srv >/dev/null"
    desc="... and smbclient's handle is gone"
    echo "close $fnum" >&3
    check bash -c "for _ in \$(seq 100); do grep -q 'close $fnum: NT_STATUS_' '$dir/cli.log' && exit 0; sleep 0.1; done; exit 1"
    desc="closing it again: exit 1 and the message of 2314"
    check bash -c "out=\$('$w' net file $id /close -s $srv 2>&1); st=\$?; [ \$st -eq 1 ] &&
        printf '%s' \"\$out\" | grep -q 'There is not an open file with that identification number. (error 2314)'"
    exec 3>&-
}
group=net-share-cli
{
    desc="net share lists what smbclient -L lists"
    check bash -c "diff <('$w' net share -s $srv | awk 'NR > 1 {print \$1}' | sort) \
        <(smbclient -L //127.0.0.1 -p $port -U '$SMBT_ADMIN%$SMBT_ADMIN_PW' -s '$dir/client.conf' -g 2>/dev/null |
          awk -F'|' '\$1 == \"Disk\" || \$1 == \"IPC\" {print \$2}' | sort)"
    desc="--json net share has name, type, remark and path"
    check bash -c "'$w' --json net share -s $srv | grep -q '\"name\":\"share\",\"type\":0,\"remark\":\"\",\"path\":\"C:[^\"]*share\"'"
    desc="a bad server name: exit 1 and the message of 2351"
    check bash -c "out=\$('$w' net share -s '\\\\bad name' 2>&1); [ \$? -eq 1 ] && printf '%s' \"\$out\" | grep -q '(error 2351)'"
}
exit 0
