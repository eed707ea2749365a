# shellcheck shell=bash
# xrdp + xorgxrdp inside the logind namespace (tests/integration/logind-ns),
# and FreeRDP clients under Xvfb, for the RDP suite. Needs ns_run, ns_path
# and NS_DIR from that harness. Nothing under /etc/xrdp is changed: xrdp and sesman run the
# packaged units with private configs (drop-ins under the namespace's own
# /run), on 127.0.0.1:3389 and 127.0.0.1:3350.
RDP_USERS=(wtsxralice wtsxrbob)
RDP_PASSWORD=wtsxr-Pw-1
RDP_PORT=3389
RDP_SESMAN_PORT=3350
RDP_MADE_USERS=0

rdp_log() { echo "# rdp: $*" >&2; }

rdp_setup_users() {
    local u
    RDP_MADE_USERS=1
    for u in "${RDP_USERS[@]}"; do
        id -u "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u" || return 1
        echo "$u:$RDP_PASSWORD" | chpasswd || return 1
        # The session runs one xterm: cheap, and its X server is all we look at.
        printf '#!/bin/sh\nexec xterm\n' >"/home/$u/startwm.sh" && chmod 755 "/home/$u/startwm.sh" &&
            chown "$u:" "/home/$u/startwm.sh" || return 1
    done
}

rdp_remove_users() {
    local u
    [ "$RDP_MADE_USERS" -eq 1 ] || return 0
    for u in "${RDP_USERS[@]}"; do
        id -u "$u" >/dev/null 2>&1 && userdel -r -f "$u" >/dev/null 2>&1
    done
    RDP_MADE_USERS=0
}

# Writes xrdp.ini and sesman.ini under $NS_DIR/xrdp and starts the packaged
# units with them; returns once xrdp's own pid owns the listening socket.
rdp_start_server() {
    local dir=$NS_DIR/xrdp in i pid
    in=$(ns_path "$dir")
    mkdir -p "$dir" || return 1
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=wtsnet-xrdp-test \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1 || return 1
    chown xrdp "$dir/key.pem" && chmod 600 "$dir/key.pem" || return 1
    # Written whole rather than edited from /etc/xrdp: only what the test needs.
    cat >"$dir/xrdp.ini" <<EOF || return 1
[Globals]
ini_version=1
fork=true
port=tcp://127.0.0.1:$RDP_PORT
security_layer=negotiate
crypt_level=high
certificate=$in/cert.pem
key_file=$in/key.pem
ssl_protocols=TLSv1.2, TLSv1.3
max_bpp=32
autorun=Xorg
allow_channels=true
[Logging]
LogFile=$in/xrdp.log
LogLevel=INFO
EnableSyslog=false
[Channels]
rdpdr=true
rdpsnd=true
drdynvc=true
cliprdr=true
rail=true
xrdpvr=true
tcutils=true
[Xorg]
name=Xorg
lib=libxup.so
username=ask
password=ask
ip=127.0.0.1
port=-1
code=20
EOF
    cat >"$dir/sesman.ini" <<EOF || return 1
[Globals]
ListenAddress=127.0.0.1
ListenPort=$RDP_SESMAN_PORT
EnableUserWindowManager=true
UserWindowManager=startwm.sh
DefaultWindowManager=startwm.sh
ReconnectScript=reconnectwm.sh
[Security]
AllowRootLogin=false
MaxLoginRetry=4
AlwaysGroupCheck=false
[Sessions]
X11DisplayOffset=10
MaxSessions=10
KillDisconnected=false
DisconnectedTimeLimit=0
IdleTimeLimit=0
Policy=Default
[Logging]
LogFile=$in/sesman.log
LogLevel=INFO
EnableSyslog=false
[Xorg]
param=/usr/lib/xorg/Xorg
param=-config
param=xrdp/xorg.conf
param=-noreset
param=-nolisten
param=tcp
param=-logfile
param=.xorgxrdp.%s.log
[Chansrv]
FuseMountName=thinclient_drives
[ChansrvLogging]
LogLevel=INFO
EnableSyslog=false
EOF
    touch "$dir/xrdp.log" "$dir/sesman.log" && chown xrdp "$dir/xrdp.log" || return 1
    ns_run sh -c "mkdir -p /run/systemd/system/xrdp.service.d /run/systemd/system/xrdp-sesman.service.d &&
        printf '[Service]\nExecStart=\nExecStart=/usr/sbin/xrdp -c $in/xrdp.ini\n' >/run/systemd/system/xrdp.service.d/wtsxr.conf &&
        printf '[Service]\nExecStart=\nExecStart=/usr/sbin/xrdp-sesman -c $in/sesman.ini\n' >/run/systemd/system/xrdp-sesman.service.d/wtsxr.conf &&
        systemctl daemon-reload && systemctl start xrdp" || { rdp_server_logs; return 1; }
    # systemd calls xrdp started 1–2 s before it listens.
    for ((i = 0; i < 100; i++)); do
        pid=$(ns_run cat /run/xrdp/xrdp.pid 2>/dev/null)
        [ -n "$pid" ] && ns_run ss -Hltnp "sport = :$RDP_PORT" 2>/dev/null | grep -q "pid=$pid," && return 0
        sleep 0.1
    done
    rdp_log "xrdp did not listen on 127.0.0.1:$RDP_PORT"
    rdp_server_logs
    return 1
}

rdp_server_logs() {
    ns_run journalctl --no-pager -u xrdp -u xrdp-sesman 2>/dev/null | tail -n 20 | sed 's/^/#   /' >&2
    tail -n 20 "$NS_DIR/xrdp/xrdp.log" "$NS_DIR/xrdp/sesman.log" 2>/dev/null | sed 's/^/#   /' >&2
}

# Starts xfreerdp for USER under its own Xvfb as the transient unit
# wtsxr-client-USER inside the namespace; its output goes to $NS_DIR/client-USER.log.
rdp_connect() { # user [extra xfreerdp args…]
    local u=$1
    shift
    : >"$NS_DIR/client-$u.log"
    mkdir -p "$NS_DIR/client-home" || return 1 # FreeRDP exits silently without a HOME
    ns_run systemd-run --quiet --unit="wtsxr-client-$u" --setenv=HOME="$(ns_path "$NS_DIR/client-home")" --property=StandardOutput="append:$(ns_path "$NS_DIR/client-$u.log")" \
        --property=StandardError="append:$(ns_path "$NS_DIR/client-$u.log")" \
        xvfb-run -a -s "-screen 0 1024x768x24" xfreerdp "/v:${RDP_HOST:-127.0.0.1}:$RDP_PORT" "/u:$u" "/p:$RDP_PASSWORD" \
        /cert:ignore /size:1024x768 "$@"
}

rdp_client_running() { ns_run systemctl is-active --quiet "wtsxr-client-$1"; }

# The logind session id ("c3") of USER's xrdp session, once there is one (10 s at most).
rdp_wait_session() { # user
    local i id
    for ((i = 0; i < 100; i++)); do
        id=$(ns_run loginctl list-sessions --no-legend 2>/dev/null | awk -v u="$1" '$3 == u {print $1}' | while read -r s; do
            [ "$(ns_run loginctl show-session -P Service "$s" 2>/dev/null)" = xrdp-sesman ] && echo "$s"
        done | head -1)
        [ -n "$id" ] && { echo "$id"; return 0; }
        sleep 0.1
    done
    rdp_log "no xrdp session for $1"
    tail -n 20 "$NS_DIR/client-$1.log" | sed 's/^/#   /' >&2
    return 1
}

# A second client address: a relay on 127.0.0.2:3389 that connects to xrdp
# from 127.0.0.2 (FreeRDP cannot pick its source address).
rdp_start_relay() {
    local i
    ns_run systemd-run --quiet --unit=wtsxr-relay socat "TCP-LISTEN:$RDP_PORT,bind=127.0.0.2,reuseaddr,fork" \
        "TCP:127.0.0.1:$RDP_PORT,bind=127.0.0.2" || return 1
    for ((i = 0; i < 50; i++)); do
        ns_run ss -Hltn "src 127.0.0.2:$RDP_PORT" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    rdp_log "relay did not listen on 127.0.0.2:$RDP_PORT"
    return 1
}

# Once xrdp has attached the client to the session's X server: an accepted
# connection on xorgxrdp's display socket (10 s at most).
rdp_wait_attached() { # display number
    local i
    for ((i = 0; i < 100; i++)); do
        ns_run ss -Hx state established 2>/dev/null | grep -q "/xrdp_display_$1 " && return 0
        sleep 0.1
    done
    rdp_log "no xrdp connection on display :$1"
    return 1
}

# The pid of the xrdp process that serves display N: it holds the peer of
# xorgxrdp's accepted socket (read from ss, independently of the library).
rdp_server_pid() { # display number
    local peer
    peer=$(ns_run ss -Hx state established 2>/dev/null | awk -v d="/xrdp_display_$1$" '$4 ~ d {print $7; exit}')
    [ -n "$peer" ] || return 1
    ns_run ss -Hxp state established 2>/dev/null | awk -v p="$peer" '$5 == p && /"xrdp"/ {match($0, /pid=[0-9]+/); print substr($0, RSTART + 4, RLENGTH - 4); exit}'
}
