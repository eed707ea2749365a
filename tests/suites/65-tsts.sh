#!/usr/bin/env bash
# Issue 13: the WTS calls and the CLI against a Windows RD Session Host over
# MS-TSTS. No Windows server can be had, so the host is a TEST DOUBLE:
# tests/tsts/tsts_double.py, impacket's SMB server (NTLM logon required)
# serving the three TSTS pipes with structures packed from the IDL, a
# session table this suite writes and a record of what was done.
# Names (a plain name probed for the TSTS pipes on port 445) run in a network
# namespace of their own, where the double can listen on 445.
set -u
. tests/lib/tap.sh
if [ "$VARIANT" = plain ]; then port=14540; else port=14550; fi
py=/usr/bin/python3
double=tests/tsts/tsts_double.py
if [ "$(id -u)" -ne 0 ] || ! "$py" -c 'import impacket.smbserver' 2>/dev/null || ! command -v unshare >/dev/null; then
    tap_skip "$VARIANT/tsts" "tsts suite" "needs root, python3-impacket (scripts/deps/tsts.list), unshare"
    exit 0
fi
dir=$(mktemp -d /tmp/wtsnet-tsts-XXXXXX)
double_pid=
cleanup() {
    [ -n "$double_pid" ] && kill "$double_pid" 2>/dev/null && wait "$double_pid" 2>/dev/null
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

user=tstsadmin pass='Tsts-Pa55!'
printf 'username = %s\npassword = %s\n' "$user" "$pass" >"$dir/creds"
printf 'username = %s\npassword = %s\n' "$user" "wrong-password" >"$dir/bad-creds"
chmod 600 "$dir/creds" "$dir/bad-creds"
export WTSNET_CREDENTIALS_FILE="$dir/creds"
# TSTS binds at packet privacy by default, as Windows clients do; impacket's
# DCE/RPC server takes no authenticated bind, so against the double the binds
# are unauthenticated (inside the NTLM-authenticated SMB session). The sealed
# path is proven against Samba by 48-rpc-auth; here we check only that the
# default never falls back to the clear.
export WTSNET_RPC_PROTECTION=none

# The session table (tests/integration/test-tsts.c says what each is for).
write_table() {
    cat >"$1.tmp" <<'JSON'
{"sessions": [
 {"id": 0, "state": 4, "name": "Services"},
 {"id": 1, "state": 0, "name": "Console", "user": "Administrator", "domain": "CORP", "protocol": 0, "flags": 1},
 {"id": 2, "state": 0, "name": "RDP-Tcp#3", "user": "alice", "domain": "CORP", "client": "LAPTOP7", "answer": 6,
  "address": "192.0.2.44", "hres": 1920, "vres": 1080, "depth": 24, "build": 22621, "protocol": 2, "flags": 0,
  "logon": 133000000000000000, "connect": 133000000100000000, "last_input": 18000000000000000000},
 {"id": 3, "state": 4, "name": "", "user": "bob", "domain": "CORP", "logoff_ms": 800},
 {"id": 4, "state": 0, "name": "RDP-Tcp#5", "user": "carol", "domain": "CORP", "logoff_ms": 5000},
 {"id": 5, "state": 0, "name": "RDP-Tcp#6", "user": "dave", "domain": "CORP"},
 {"id": 6, "state": 0, "name": "RDP-Tcp#7", "user": "eve", "domain": "CORP", "deny": true, "answer": 7}
],
"processes": [
 {"pid": 4, "session": 0, "name": "System", "threads": 150},
 {"pid": 4242, "session": 2, "name": "notepad.exe", "sid": "S-1-5-21-1004336348-1177238915-682003330-1001",
  "threads": 3, "handles": 77, "ws": 6291456},
 {"pid": 4300, "session": 2, "name": "explorer.exe", "sid": "S-1-5-21-1004336348-1177238915-682003330-1001",
  "deny": true},
 {"pid": 5000, "session": 6, "name": "secret.exe", "sid": "S-1-5-21-1004336348-1177238915-682003330-1006"}
]}
JSON
    mv "$1.tmp" "$1"
}

# start_double ADDRESS PORT DIR [prefix command…]: runs it, waits (10 s at most) for it to listen.
start_double() {
    local addr=$1 p=$2 d=$3
    : >"$d/record.jsonl"
    write_table "$d/table.json"
    "$py" "$double" --address "$addr" --port "$p" --user "$user" --password "$pass" \
        --table "$d/table.json" --record "$d/record.jsonl" --ready "$d/ready" >"$d/double.log" 2>&1 &
    double_pid=$!
    for _ in $(seq 100); do [ -s "$d/ready" ] && ss -Hltn "sport = :$p" | grep -q . && return 0; sleep 0.1; done
    return 1
}

if ! start_double 127.0.0.1 "$port" "$dir"; then
    tap_fail "$VARIANT/tsts" "the test double starts" "$(tail -n 20 "$dir/double.log")"
    exit 1
fi
url="rdsh://127.0.0.1:$port"

# The WTS API (tests/integration/test-tsts.c).
TSTS_URL=$url TSTS_DEAD_URL="rdsh://127.0.0.9:$port" TSTS_RECORD="$dir/record.jsonl" TSTS_BAD_CREDS="$dir/bad-creds" \
    bash tests/lib/tap-count.sh "$VARIANT/tsts-api" "$BUILD/tests/integration/test-tsts"
# The TSTS calls issue 15's process and message API will use (tests/integration/test-tsts-rpc.c).
TSTS_ADDR="127.0.0.1:$port" TSTS_RECORD="$dir/record.jsonl" \
    bash tests/lib/tap-count.sh "$VARIANT/tsts-rpc" "$BUILD/tests/integration/test-tsts-rpc"

# The CLI, on a fresh table.
write_table "$dir/table.json"
: >"$dir/record.jsonl"
w=$BUILD/tools/wtsnet
label=$VARIANT/tsts-cli
tap_check "$label" "wtsnet -s rdsh://… list shows the host's sessions with user, state and client" \
    bash -c "out=\$('$w' -s '$url' list) && echo \"\$out\" && echo \"\$out\" | grep -Eq '^RDP-Tcp#3 +alice +2 +Active +rdp +192\\.0\\.2\\.44 ' &&
             echo \"\$out\" | grep -Eq '^Console +Administrator +1 +Active +local'"
tap_check "$label" "wtsnet -s rdsh://… show 2 shows the client, display and lock state" \
    bash -c "out=\$('$w' -s '$url' show 2) && echo \"\$out\" && echo \"\$out\" | grep -Eq '^ClientName +LAPTOP7\$' &&
             echo \"\$out\" | grep -Eq '^ClientDisplay +1920x1080, 24 bpp\$' && echo \"\$out\" | grep -Eq '^Locked +yes\$' &&
             echo \"\$out\" | grep -Eq '^LogonTime +2022-06-18T04:26:40Z\$'"
tap_check "$label" "wtsnet -s rdsh://… logoff 3 logs bob off (and waits)" \
    bash -c "'$w' -s '$url' logoff 3 | grep -q 'Session 3 logged off' &&
             grep -qx '{\"op\": \"logoff\", \"id\": 3, \"wait\": true}' '$dir/record.jsonl' &&
             ! '$w' -s '$url' list | grep -q bob"
tap_check "$label" "wtsnet -s rdsh://… disconnect 5 leaves dave disconnected" \
    bash -c "'$w' -s '$url' disconnect 5 && grep -qx '{\"op\": \"disconnect\", \"id\": 5, \"wait\": true}' '$dir/record.jsonl' &&
             '$w' -s '$url' list | grep -Eq '^RDP-Tcp#6 +dave +5 +Disc'"
tap_check "$label" "an unknown session is error 7022, a refused one 5" \
    bash -c "! '$w' -s '$url' show 77 2>'$dir/e1' && grep -q 'error 7022' '$dir/e1' &&
             ! '$w' -s '$url' logoff 6 2>'$dir/e2' && grep -q 'error 5)' '$dir/e2' && ! grep -q '\"id\": 6' '$dir/record.jsonl'"
tap_check "$label" "a wrong password is error 1326, a host with no server 1722" \
    bash -c "! WTSNET_CREDENTIALS_FILE='$dir/bad-creds' '$w' -s '$url' list 2>'$dir/e3' && grep -q 'error 1326' '$dir/e3' &&
             ! '$w' -s 'rdsh://127.0.0.9:$port' list 2>'$dir/e4' && grep -q 'error 1722' '$dir/e4'"
tap_check "$label" "by default (packet privacy) a server that ignores the authenticated bind is refused (1728), not used in the clear" \
    bash -c "! env -u WTSNET_RPC_PROTECTION '$w' -s '$url' list >'$dir/o5' 2>'$dir/e5' && grep -q 'error 1728' '$dir/e5' && ! grep -q alice '$dir/o5'"
# Processes and messages (LegacyApi RpcWinStationGetAllProcesses, TerminateProcess, SendMessage).
sid=S-1-5-21-1004336348-1177238915-682003330-1001
tap_check "$label" "wtsnet -s rdsh://… ps lists the host's processes with their SIDs; a refused session's are left out" \
    bash -c "out=\$('$w' -s '$url' ps) && echo \"\$out\" && echo \"\$out\" | grep -Eq '^ +2 +4242 +$sid +notepad\.exe +3 +6144 K ' &&
             echo \"\$out\" | grep -Eq '^ +0 +4 +System +150 ' && ! echo \"\$out\" | grep -q secret"
tap_check "$label" "ps SESSION lists that session's only; a refused session is error 5, an unknown one 7022" \
    bash -c "out=\$('$w' -s '$url' ps 2) && echo \"\$out\" && echo \"\$out\" | grep -q notepad && ! echo \"\$out\" | grep -q System &&
             ! '$w' -s '$url' ps 6 2>'$dir/e6' && grep -q 'error 5)' '$dir/e6' &&
             ! '$w' -s '$url' ps 77 2>'$dir/e7' && grep -q 'error 7022' '$dir/e7'"
tap_check "$label" "wtsnet -s rdsh://… kill ends the process there (the double records it); unknown is error 87, protected 5" \
    bash -c "'$w' -s '$url' kill 4242 | grep -q 'Process 4242 ended' &&
             grep -qx '{\"op\": \"kill\", \"pid\": 4242, \"exit_code\": 1}' '$dir/record.jsonl' &&
             ! '$w' -s '$url' ps | grep -q notepad &&
             ! '$w' -s '$url' kill 4242 2>'$dir/e8' && grep -q 'error 87' '$dir/e8' &&
             ! '$w' -s '$url' kill 4300 2>'$dir/e9' && grep -q 'error 5)' '$dir/e9' && ! grep -q '\"pid\": 4300' '$dir/record.jsonl'"
tap_check "$label" "wtsnet -s rdsh://… msg shows the text there; with --wait the answer is the button its user chose" \
    bash -c "'$w' -s '$url' msg 2 'Back in 5' | grep -q 'Message sent to session 2\.\$' &&
             grep -q '\"op\": \"message\", \"id\": 2, .*\"message\": \"Back in 5\", \"style\": 0, \"timeout\": 0, \"wait\": false' '$dir/record.jsonl' &&
             '$w' --wait 9 -s '$url' msg 2 'Reboot?' | grep -q 'answer: yes' &&
             grep -q '\"message\": \"Reboot?\", \"style\": 0, \"timeout\": 9, \"wait\": true' '$dir/record.jsonl'"
tap_check "$label" "msg to a refused session is error 5, to an unknown one 7022, and nothing is shown" \
    bash -c "! '$w' -s '$url' msg 6 hi 2>'$dir/e10' && grep -q 'error 5)' '$dir/e10' &&
             ! '$w' -s '$url' msg 77 hi 2>'$dir/e11' && grep -q 'error 7022' '$dir/e11' &&
             ! grep -q '\"id\": 6\|\"id\": 77' '$dir/record.jsonl'"
# The batched per-session questions of a list (rpc_call_many on a multiplexed
# bind) are matched to their sessions by call_id: with the table's "reorder"
# the double answers every pipelined call last first, and each of 20
# sessions must still show its own client.
"$py" - >"$dir/table.json.tmp" <<'PY'
import json
s = [{"id": 0, "state": 4, "name": "Services"}]
s += [{"id": i, "state": 0, "name": "RDP-Tcp#%d" % i, "user": "user%d" % i, "domain": "CORP",
       "client": "PC%d" % i, "address": "192.0.2.%d" % (i + 10)} for i in range(1, 21)]
print(json.dumps({"sessions": s, "reorder": True}))
PY
mv "$dir/table.json.tmp" "$dir/table.json"
tap_check "$label" "answers to the batched questions of a list, sent back in reverse, reach their own sessions" \
    bash -c "'$w' --json -s '$url' list >'$dir/o12' && grep -q '\"op\": \"reordered\"' '$dir/record.jsonl' &&
             '$py' -c 'import json,sys; rows=json.load(open(sys.argv[1])); bad=[r for r in rows if r[\"id\"] and r[\"client\"] != \"192.0.2.%d\" % (r[\"id\"] + 10)]; sys.exit(1 if bad or len(rows) != 21 else 0)' '$dir/o12'"
kill "$double_pid" 2>/dev/null
wait "$double_pid" 2>/dev/null
double_pid=

# Names, in a network namespace of our own (the double on 127.0.0.1:445
# there, nothing on 127.0.0.2): a plain name or \\name reaches the RD Session
# Host when it answers SMB with the TSTS pipes, and ssh otherwise; the
# setting forces either. Everything in the namespace ends with it.
label=$VARIANT/tsts-names
ns="$dir/ns"
mkdir -p "$ns"
cat >"$dir/names.sh" <<EOS
set -u
ip link set lo up
$(declare -f write_table start_double)
py=$py double=$double user=$user pass='$pass'
start_double 127.0.0.1 445 '$ns' || { echo "double did not start"; cat '$ns/double.log'; exit 1; }
w=$w
export WTSNET_CREDENTIALS_FILE='$dir/creds' WTSNET_RPC_PROTECTION=none
unset WTSNET_REMOTE
ok=0
check() { if "\$@"; then echo "ok: \$*"; else echo "FAILED: \$*"; ok=1; fi; }
check bash -c "\$w -s 127.0.0.1 list | grep -Eq '^RDP-Tcp#3 +alice'"
check bash -c "\$w -s '\\\\\\\\127.0.0.1' list | grep -Eq '^RDP-Tcp#3 +alice'"
check bash -c "WTSNET_REMOTE=rdsh \$w -s 127.0.0.1 list | grep -Eq '^RDP-Tcp#3 +alice'"
# No SMB server at 127.0.0.2: ssh, which finds no sshd there either (1722), never this host.
check bash -c "! \$w -s 127.0.0.2 list 2>&1 | grep -q alice && \$w -s 127.0.0.2 list 2>&1 | grep -q 'error 1722'"
# WTSNET_REMOTE=ssh: the same name goes to ssh even though the double answers SMB.
check bash -c "WTSNET_REMOTE=ssh \$w -s 127.0.0.1 list 2>&1 | grep -q 'error 1722'"
check bash -c "WTSNET_REMOTE=none \$w -s 127.0.0.1 list 2>&1 | grep -q 'error 50'"
kill \$double_pid
exit \$ok
EOS
tap_check "$label" "plain names probe for the TSTS pipes; ssh otherwise; WTSNET_REMOTE forces either" \
    unshare --net --fork --kill-child bash "$dir/names.sh"

# The probe's answer is remembered for the process (tests/integration/test-tsts-names.c):
# it probes 127.0.0.1 while nothing listens on 445 (ssh), then this script
# starts the double there, and a second open of the same name still goes to
# ssh; once the memory is forgotten the name reaches the double.
ns2="$dir/ns2"
mkdir -p "$ns2"
cat >"$dir/names2.sh" <<EOS
set -u
ip link set lo up
$(declare -f write_table start_double)
py=$py double=$double user=$user pass='$pass'
export WTSNET_CREDENTIALS_FILE='$dir/creds' WTSNET_RPC_PROTECTION=none
TSTS_STEP1='$ns2/step1' TSTS_GO='$ns2/go' "\$1" 127.0.0.1 >'$ns2/tap' 2>&1 &
t=\$!
for _ in \$(seq 300); do [ -e '$ns2/step1' ] && break; sleep 0.1; done
start_double 127.0.0.1 445 '$ns2' || { echo "# double did not start"; sed 's/^/# /' '$ns2/double.log'; }
touch '$ns2/go'
wait \$t
rc=\$?
kill \$double_pid 2>/dev/null
cat '$ns2/tap'
exit \$rc
EOS
bash tests/lib/tap-count.sh "$label" unshare --net --fork --kill-child bash "$dir/names2.sh" \
    "$BUILD/tests/integration/test-tsts-names"
