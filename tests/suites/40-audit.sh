#!/usr/bin/env bash
# Kernel audit sessions (issue 5), on the plain host: no namespace, no
# logind. A private sshd with PAM (pam_loginuid gives every login its audit
# session id) on 127.0.0.1:2322; real ssh logins of wtsaualice and wtsaubob
# from 127.0.0.1 and 127.0.0.2 with key auth; list, query, logoff (wait,
# no wait, EINTR, a session that forks all the time, one's own session),
# denial, PID reuse, and the provider choice.
#
# Runs under tests/integration/subreaper: a killed session's processes are
# orphaned in any order, and a PID 1 that does not reap would keep them as
# zombies. Everything started here is stopped by pid, and the temp dir,
# /run/utmp and /run/sshd are removed again if this script created them.
set -u
self=$(realpath "$0")
cd "$(dirname "$self")/../.."
I=$BUILD/tests/integration
label=$VARIANT/audit

if [ -z "${WTSNET_AUDIT_REAPED:-}" ] && [ -x "$I/subreaper" ]; then
    exec env WTSNET_AUDIT_REAPED=1 "$I/subreaper" bash "$self" "$@"
fi

skip_all() {
    bash tests/lib/tap-count.sh "$label" printf '1..1\nok 1 - audit suite # SKIP %s\n' "$1"
    exit 0
}
[ "$(id -u)" -eq 0 ] || skip_all "needs root (users, sshd, loginuid)"
[ -w /proc/self/loginuid ] || skip_all "kernel without audit (no writable /proc/self/loginuid)"
[ -x /usr/sbin/sshd ] || skip_all "openssh-server is not installed"
if ss -Hltn 'sport = :2322' 2>/dev/null | grep -q .; then
    bash tests/lib/tap-count.sh "$label" printf '1..1\nnot ok 1 - port 2322 is taken: another run of this suite?\n'
    exit 0
fi

PORT=2322
D=$(mktemp -d /tmp/wtsnet-audit-XXXXXX)
chmod 755 "$D"
mkdir -m 755 "$D/keys"
mkdir -m 1777 "$D/out"
SSHD_PID=
CLIENTS=()
SIDS=()
made_utmp=0
made_run_sshd=0

cleanup() {
    # What a failed case may have left: end the sessions through the safe
    # engine, then the clients and the server, by pid.
    [ ${#SIDS[@]} -gt 0 ] && WTSNET_LOGOFF_GRACE_MS=300 WTSNET_LOGOFF_TIMEOUT_MS=5000 \
        "$I/test-session-logoff" end "${SIDS[@]}" 2>/dev/null
    for p in "${CLIENTS[@]}"; do kill "$p" 2>/dev/null; done
    [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
    for p in "${CLIENTS[@]}" $SSHD_PID; do wait "$p" 2>/dev/null; done
    [ $made_utmp -eq 1 ] && rm -f /var/run/utmp
    [ $made_run_sshd -eq 1 ] && rmdir /run/sshd 2>/dev/null
    rm -rf "$D"
}
trap cleanup EXIT

# Each case is counted as it ends; a case whose sessions could not be
# started is a failed case of its own, and every later case still runs.
. tests/lib/tap.sh
tap() { tap_check "$label/shell" "$@"; } # tap NAME COMMAND…: the command's status decides

# with VAR… -- NAME CMD…: the tap-count case NAME when the sessions named by
# the variables VAR… exist, else one failed case saying which is missing.
with() {
    local missing=()
    while [ "$1" != -- ]; do
        [ -n "${!1}" ] || missing+=("$1")
        shift
    done
    shift
    if [ ${#missing[@]} -gt 0 ]; then
        tap_fail "$1" "its session(s) ${missing[*]} exist" "the ssh login for ${missing[*]} failed (see above)"
        return 1
    fi
    bash tests/lib/tap-count.sh "$@"
}

for u in wtsaualice wtsaubob; do
    id "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u"
    usermod -p '*' "$u" # no password, but not locked: key logins only
done
ssh-keygen -q -t ed25519 -N '' -f "$D/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$D/client"
for u in wtsaualice wtsaubob; do install -m 644 "$D/client.pub" "$D/keys/$u"; done
cat >"$D/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $D/hostkey
PidFile $D/sshd.pid
UsePAM yes
AuthorizedKeysFile $D/keys/%u
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AllowUsers wtsaualice wtsaubob
PrintMotd no
PrintLastLog no
UseDNS no
X11Forwarding no
LogLevel VERBOSE
EOF
[ -d /run/sshd ] || { mkdir -m 755 /run/sshd && made_run_sshd=1; }
# sshd records logins in utmp only when the file exists (systemd-tmpfiles
# makes it at boot; this host may not have booted that way).
if [ ! -e /var/run/utmp ]; then
    install -m 664 -g utmp /dev/null /var/run/utmp && made_utmp=1
fi

/usr/sbin/sshd -D -e -f "$D/sshd_config" 2>"$D/sshd.log" &
SSHD_PID=$!
for _ in $(seq 50); do
    ss -Hltn "sport = :$PORT" | grep -q . && break
    sleep 0.1
done

SID=
# start_session USER SOURCE COMMAND: an ssh login with a terminal; sets SID.
start_session() {
    local user=$1 src=$2 cmd=$3 n=${#CLIENTS[@]}
    SID=
    setsid ssh -tt -b "$src" -i "$D/client" -p $PORT -o BatchMode=yes -o StrictHostKeyChecking=no \
        -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "$user@127.0.0.1" \
        "cat /proc/self/sessionid; echo; $cmd" </dev/null >"$D/ssh.$n.out" 2>&1 &
    CLIENTS+=($!)
    for _ in $(seq 100); do
        SID=$(grep -m1 -oE '^[0-9]+' "$D/ssh.$n.out")
        [ -n "$SID" ] && break
        sleep 0.1
    done
    if [ -z "$SID" ]; then
        echo "# ssh login of $user from $src failed:"
        sed 's/^/#   /' "$D/ssh.$n.out" "$D/sshd.log" | tail -20
        return 1
    fi
    SIDS+=("$SID")
}

# wait_member SID COMM: until the session runs a process named COMM.
wait_member() {
    for _ in $(seq 100); do
        for p in /proc/[0-9]*; do
            [ "$(cat "$p/sessionid" 2>/dev/null)" = "$1" ] && [ "$(cat "$p/comm" 2>/dev/null)" = "$2" ] && return 0
        done
        sleep 0.1
    done
    return 1
}

# client_exits N SECONDS: the ssh client of the N-th session ends in time.
client_exits() {
    for _ in $(seq $(($2 * 10))); do
        kill -0 "${CLIENTS[$1]}" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

AS_BOB=(setpriv --reuid=wtsaubob --regid=wtsaubob --init-groups --)
my_sid=$(cat /proc/self/sessionid)
[ "$my_sid" = 4294967295 ] && my_sid=0

A= B= C= C_N= E= F= G= O=
# login VAR USER SOURCE COMMAND: an ssh login (start_session) whose id goes
# to VAR; a failed login is a failed case, and VAR stays empty.
login() {
    local var=$1
    shift
    if start_session "$@"; then
        printf -v "$var" '%s' "$SID"
    else
        printf -v "$var" '%s' ""
        tap_fail "$label/login" "ssh login of $1 from $2 ($var)" "see the lines above"
        return 1
    fi
}

# --- list and query: alice from 127.0.0.1, bob from 127.0.0.2 ---
login A wtsaualice 127.0.0.1 'exec sleep 600'
login B wtsaubob 127.0.0.2 'exec sleep 600'
[ -n "$A" ] && [ -n "$B" ] && wait_member "$A" sleep && wait_member "$B" sleep
with A B -- "$label/api-utmp" \
    "$I/test-session-api" --current "$my_sid" "$A:wtsaualice:127.0.0.1" "$B:wtsaubob:127.0.0.2"
# A non-root caller cannot read sshd's descriptors: the client address it
# sees comes from utmp alone, so this shows the utmp path works.
with A B -- "$label/api-utmp-nonroot" "${AS_BOB[@]}" \
    "$I/test-session-api" --current "$my_sid" "$A:wtsaualice:127.0.0.1" "$B:wtsaubob:127.0.0.2"
# The same answers without utmp: the client address from sshd's socket.
WTSNET_AUDIT_UTMP= with A B -- "$label/api-no-utmp" \
    "$I/test-session-api" --current "$my_sid" "$A:wtsaualice:127.0.0.1" "$B:wtsaubob:127.0.0.2"
with A -- "$label/provider-choice" "$I/test-provider-choice" "$A"

# --- the CLI escapes what a session record holds (issue 10, item 7): a utmp
# record for alice's session whose host holds ESC and a newline ---
member_pid() { # SID COMM
    local p
    for p in /proc/[0-9]*; do
        [ "$(cat "$p/sessionid" 2>/dev/null)" = "$1" ] && [ "$(cat "$p/comm" 2>/dev/null)" = "$2" ] &&
            { basename "$p"; return 0; }
    done
    return 1
}
evil_utmp() { # FILE PID: one USER_PROCESS record (utmp(5), x86-64/glibc layout, 384 bytes)
    python3 - "$1" "$2" <<'PY'
import struct, sys, time
host = b"evil\x1b[31mhost\nforged-row"
now = time.time()
rec = struct.pack("<hxxi32s4s32s256shhiii4I20x", 7, int(sys.argv[2]), b"pts/99", b"ts99", b"wtsaualice", host,
                  0, 0, 0, int(now), 0, 0, 0, 0, 0)
assert len(rec) == 384
open(sys.argv[1], "wb").write(rec)
PY
}
cli_escapes() {
    local pid out=$D/out/cli-escape.txt json=$D/out/cli-escape.json
    pid=$(member_pid "$A" sleep) && evil_utmp "$D/utmp" "$pid" || return 1
    WTSNET_PROVIDER=audit WTSNET_AUDIT_UTMP=$D/utmp "$BUILD/tools/wtsnet" show "$A" >"$out" || return 1
    WTSNET_PROVIDER=audit WTSNET_AUDIT_UTMP=$D/utmp "$BUILD/tools/wtsnet" --json show "$A" >"$json" || return 1
    # Text: the escapes, no raw ESC, no forged line; JSON: valid, the exact name back.
    grep -qF 'evil\x1b[31mhost\nforged-row' "$out" && ! grep -q $'\x1b' "$out" && ! grep -q '^forged-row' "$out" &&
        python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
assert d["client_name"] == "evil\x1b[31mhost\nforged-row", d' "$json" && ! grep -q $'\x1b' "$json"
}
tap "the CLI escapes a session record's control characters (text and JSON)" cli_escapes

# --- denial: bob asks for alice's session; nothing in it may be signalled ---
login C wtsaualice 127.0.0.1 "exec $I/sigwatch $D/out/sigwatch.log" && C_N=$((${#CLIENTS[@]} - 1))
[ -n "$C" ] && wait_member "$C" sigwatch
touch "$D/out/sigwatch.log"
with C -- "$label/denied" "${AS_BOB[@]}" "$I/test-session-logoff" denied "$C" "$D/out/sigwatch.log"
# As root a logoff of this host would succeed: handles from failed opens
# (malformed names) must not act here (issue 10, item 1).
with C -- "$label/failed-open" "$I/test-session-logoff" typo "$C" "$D/out/sigwatch.log"
# The CLI too: a bad or empty --server is an error, and session C is not touched.
cli_bad_server() {
    local err=$D/out/cli-bad-server.err status
    "$BUILD/tools/wtsnet" -s "bad name with spaces" logoff "$C" >/dev/null 2>"$err"; status=$?
    [ $status -eq 1 ] && grep -q "cannot open server 'bad name with spaces': .*(error 87)" "$err" || return 1
    "$BUILD/tools/wtsnet" -s $'host\nname' logoff "$C" >/dev/null 2>"$err"; status=$?
    [ $status -eq 1 ] && grep -qF "cannot open server 'host\nname'" "$err" || return 1
    "$BUILD/tools/wtsnet" -s "" logoff "$C" >/dev/null 2>&1; status=$?
    [ $status -eq 2 ] || return 1
    sleep 0.3
    [ ! -s "$D/out/sigwatch.log" ] && wait_member "$C" sigwatch
}
tap "the CLI refuses a bad or empty --server and touches no session" eval '[ -n "$C" ] && cli_bad_server'
# Control: a logoff that may, does signal it (so the check above could fail).
WTSNET_LOGOFF_GRACE_MS=1000 with C -- "$label/wait-sigwatch" "$I/test-session-logoff" wait "$C"
tap "sigwatch recorded the SIGTERM of a permitted logoff" grep -qx 15 "$D/out/sigwatch.log"
tap "the denied-then-ended session's ssh client saw the end" eval '[ -n "$C" ] && client_exits "$C_N" 10'

# --- bWait=TRUE as root, and a non-root user ending his own session from outside ---
with A -- "$label/wait-root" "$I/test-session-logoff" wait "$A"
tap "alice's ssh client saw the end" eval '[ -n "$A" ] && client_exits 0 10'
with B -- "$label/wait-own-from-outside" "${AS_BOB[@]}" "$I/test-session-logoff" wait "$B"

# --- one's own session (WTS_CURRENT_SESSION), as a non-root user, inside it ---
for mode in own-wait own-nowait; do
    out=$D/out/$mode.tap
    login O wtsaubob 127.0.0.2 "exec $I/test-session-logoff $mode $out"
    if [ -n "$O" ]; then
        client_exits $((${#CLIENTS[@]} - 1)) 30
        # The program outlives its ssh client (it is spared): wait for its last line.
        for _ in $(seq 300); do grep -q '^# done' "$out" 2>/dev/null && break; sleep 0.1; done
    fi
    with O -- "$label/$mode" cat "$out"
done

# --- bWait=FALSE, and EINTR, on sessions that ignore SIGTERM and SIGHUP ---
login E wtsaualice 127.0.0.1 "trap '' TERM HUP; exec sleep 600"
[ -n "$E" ] && wait_member "$E" sleep
WTSNET_LOGOFF_GRACE_MS=1500 with E -- "$label/nowait" "$I/test-session-logoff" nowait "$E"
login F wtsaualice 127.0.0.2 "trap '' TERM HUP; exec sleep 600"
[ -n "$F" ] && wait_member "$F" sleep
WTSNET_LOGOFF_GRACE_MS=1500 with F -- "$label/eintr" "$I/test-session-logoff" eintr "$F"

# --- a session that never stops forking: every 2 ms, and at full speed ---
for speed in slow fast; do
    count=$D/out/forker-$speed.count
    arg=; [ $speed = fast ] && arg=fast
    login G wtsaualice 127.0.0.1 "exec $I/forker $count $arg"
    for _ in $(seq 50); do [ -n "$G" ] && [ "$(stat -c %s "$count" 2>/dev/null || echo 0)" -ge 50 ] && break; sleep 0.1; done
    WTSNET_LOGOFF_GRACE_MS=300 with G -- "$label/forking-$speed" \
        "$I/test-session-logoff" forking "$G" "$count"
done

# --- PID reuse, on the engine itself ---
bash tests/lib/tap-count.sh "$label/pid-reuse" "$I/test-audit-pidreuse"

# --- nothing of the suite's sessions is left ---
none_left() {
    local p s t
    for p in /proc/[0-9]*; do
        s=$(cat "$p/sessionid" 2>/dev/null) || continue
        for t in "${SIDS[@]}"; do
            if [ "$s" = "$t" ] && ! grep -q '^State:.*Z' "$p/status" 2>/dev/null; then
                echo "# left in session $t: $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"
                return 1
            fi
        done
    done
    return 0
}
tap "no process of the suite's sessions is left" none_left
exit 0
