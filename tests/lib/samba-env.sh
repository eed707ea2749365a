# Sourced by the Samba suites: a private smbd on loopback (test-environments.md §4).
# Everything lives under one temp dir; users and groups carry the smbt prefix.
# Functions: samba_users, samba_conf DIR PORT [extra [global] lines…],
# samba_start DIR (sets SMBD_PID), samba_stop, samba_wait_port PORT.
# samba_stop leaves no process of the server behind (samba-dcerpcd included).

# shellcheck source=procs.sh
. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"

SMBT_ADMIN=smbtadmin SMBT_ADMIN_PW='Adm1n-pw!' SMBT_USER1=smbtuser1 SMBT_USER1_PW='User1-pw!'
SMBT_USER2=smbtuser2 SMBT_USER2_PW='User2-pw!'

samba_users() { # idempotent: unix users and groups (admin in both admin groups)
    getent group smbtadm >/dev/null || groupadd smbtadm
    getent group smbtda >/dev/null || groupadd smbtda
    for u in "$SMBT_ADMIN" "$SMBT_USER1" "$SMBT_USER2"; do
        id "$u" >/dev/null 2>&1 || useradd -M -N -s /usr/sbin/nologin "$u"
    done
    usermod -a -G smbtadm,smbtda "$SMBT_ADMIN"
}

samba_conf() { # DIR PORT [extra global lines]
    local dir=$1 port=$2; shift 2
    mkdir -p "$dir"/{private,lock,state,cache,pid,ncalrpc,binddns,usershares,log,share,client}
    chmod 777 "$dir/share"
    {
        echo "[global]"
        echo "  workgroup = TESTGRP"
        echo "  netbios name = TESTSRV"
        echo "  server role = standalone server"
        echo "  interfaces = 127.0.0.1/8"
        echo "  bind interfaces only = yes"
        echo "  smb ports = $port"
        echo "  disable netbios = yes"
        echo "  server min protocol = SMB2_02"
        for d in private lock state cache pid ncalrpc binddns; do
            [ "$d" = private ] && echo "  private dir = $dir/private" && continue
            [ "$d" = lock ] && echo "  lock directory = $dir/lock" && continue
            [ "$d" = state ] && echo "  state directory = $dir/state" && continue
            [ "$d" = cache ] && echo "  cache directory = $dir/cache" && continue
            [ "$d" = pid ] && echo "  pid directory = $dir/pid" && continue
            [ "$d" = ncalrpc ] && echo "  ncalrpc dir = $dir/ncalrpc" && continue
            [ "$d" = binddns ] && echo "  binddns dir = $dir/binddns" && continue
        done
        echo "  usershare path = $dir/usershares"
        echo "  passdb backend = tdbsam:$dir/private/passdb.tdb"
        echo "  log file = $dir/log/log.%m"
        echo "  load printers = no"
        echo "  printcap name = /dev/null"
        echo "  disable spoolss = yes"
        for l in "$@"; do echo "  $l"; done
        echo "[share]"
        echo "  path = $dir/share"
        echo "  read only = no"
    } >"$dir/smb.conf"
    {
        echo "[global]"
        echo "  lock directory = $dir/client"
        echo "  state directory = $dir/client"
        echo "  cache directory = $dir/client"
        echo "  private dir = $dir/client"
        echo "  client min protocol = SMB2_02"
    } >"$dir/client.conf"
    local u pw
    for u in "$SMBT_ADMIN:$SMBT_ADMIN_PW" "$SMBT_USER1:$SMBT_USER1_PW" "$SMBT_USER2:$SMBT_USER2_PW"; do
        pw=${u#*:}
        printf '%s\n%s\n' "$pw" "$pw" | smbpasswd -c "$dir/smb.conf" -s -a "${u%%:*}" >/dev/null
    done
    net -s "$dir/smb.conf" groupmap add sid=S-1-5-32-544 unixgroup=smbtadm type=builtin >/dev/null 2>&1
    net -s "$dir/smb.conf" groupmap add rid=512 unixgroup=smbtda type=domain >/dev/null 2>&1
    return 0
}

samba_wait_port() { # PORT: until something listens (at most ~10 s)
    for _ in $(seq 100); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

samba_start() { # DIR [PORT]
    if [ -n "${2:-}" ] && ss -Hltn "sport = :$2" | grep -q .; then
        echo "port $2 is already taken" >&2
        return 1
    fi
    SMBD_DIR=$1
    # A cgroup of its own where the machine has one to give (tests/lib/procs.sh):
    # smbd starts samba-dcerpcd and its rpcd_* workers on demand, and they
    # detach from smbd's session and outlive it; the cgroup holds them all.
    SMBD_CGROUP=$(procs_cgroup_new "wtsnet-smbd-$BASHPID-$RANDOM") || SMBD_CGROUP=
    # Its own session: smbd signals its whole process group when it stops.
    (procs_cgroup_exec "$SMBD_CGROUP" setsid smbd -s "$1/smb.conf" -F --no-process-group --debug-stdout) \
        >"$1/log/smbd.out" 2>&1 </dev/null &
    SMBD_PID=$!
    if [ -n "${2:-}" ]; then samba_wait_port "$2" && kill -0 "$SMBD_PID"; fi
}

# The smbd we started, its children and samba-dcerpcd with its workers: smbd
# first, politely (its process group), then whatever is left of the server,
# by its cgroup, and by PID for every process that names our private
# smb.conf (the workers run with --configfile=DIR/smb.conf).
samba_stop() {
    local left
    if [ -n "${SMBD_PID:-}" ]; then
        kill -- "-$SMBD_PID" 2>/dev/null
        for _ in $(seq 50); do kill -0 -- "-$SMBD_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 -- "-$SMBD_PID" 2>/dev/null
        wait "$SMBD_PID" 2>/dev/null
        SMBD_PID=
    fi
    if [ -n "${SMBD_CGROUP:-}" ]; then
        procs_cgroup_kill "$SMBD_CGROUP" || echo "# samba_stop: cgroup $SMBD_CGROUP is still busy" >&2
        SMBD_CGROUP=
    fi
    if [ -n "${SMBD_DIR:-}" ]; then
        # shellcheck disable=SC2046
        procs_kill $(procs_with_cmdline "$SMBD_DIR/smb.conf")
        left=$(procs_with_cmdline "$SMBD_DIR/smb.conf")
        [ -z "$left" ] || echo "# samba_stop: still running: $left" >&2
    fi
    return 0
}
