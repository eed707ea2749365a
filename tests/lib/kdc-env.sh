# shellcheck shell=bash
# A real Samba AD domain controller (realm WTSLAB.TEST, DC dc1.wtslab.test at
# 127.0.0.60) in its own network, mount and UTS namespaces, with its own
# /etc/hosts, resolv.conf, krb5.conf (KRB5_CONFIG) and /run/samba: the host's
# /etc is never touched (../shared/reference/kerberos-lab.md has the facts).
#
#   kdc_start         provision (or reuse this run's provision), start, wait
#   kdc_run CMD…      run CMD inside the lab (network + mount + UTS), in $PWD
#   kdc_stop          stop every process of the lab's network namespace, by PID
#
# The provision (4-6 s) is made once and kept as a tarball keyed by Samba's
# version; each suite run unpacks it afresh at the same path (the DC keeps
# absolute paths), so the variants never share a live database. One lab at a
# time: kdc_start takes a lock held until the shell exits.
KDC_REALM=WTSLAB.TEST
KDC_DOMAIN=WTSLAB
KDC_NAME=dc1.wtslab.test
KDC_IP=127.0.0.60
KDC_RELAY_IP=127.0.0.62 # a second client address (socat relay in the lab)
KDC_ADMIN=Administrator
KDC_ADMIN_PW='Adm1n-Pass.w0rd'
KDC_USER=alice KDC_USER_PW='Al1ce-Pass.w0rd' # a plain domain user
KDC_USER2=carol KDC_USER2_PW='Car0l-Pass.w0rd' # whose smbclient sessions are listed and deleted
KDC_LAB=/tmp/wtsnet-kdc-lab
KDC_HOLDER=

_kdc_files() {
    mkdir -p "$KDC_LAB/etc" "$KDC_LAB/run-samba" "$KDC_LAB/cc"
    chmod 755 "$KDC_LAB"
    # files.wtslab.test: a name with no service principal (the unknown-target case).
    printf '127.0.0.1 localhost\n%s %s dc1\n%s files.wtslab.test\n' "$KDC_IP" "$KDC_NAME" "$KDC_IP" >"$KDC_LAB/etc/hosts"
    printf 'nameserver %s\n' "$KDC_IP" >"$KDC_LAB/etc/resolv.conf"
    # The client's: the KDC named, nothing looked up in DNS, no reverse lookups.
    cat >"$KDC_LAB/krb5.conf" <<EOF
[libdefaults]
    default_realm = $KDC_REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    dns_canonicalize_hostname = false
    kdc_timesync = 1
[realms]
    $KDC_REALM = {
        kdc = $KDC_IP
        admin_server = $KDC_IP
    }
[domain_realm]
    .wtslab.test = $KDC_REALM
    wtslab.test = $KDC_REALM
EOF
    # MIT corrects clock skew by itself (kdc_timesync): the skew case turns it off.
    sed 's/kdc_timesync = 1/kdc_timesync = 0/' "$KDC_LAB/krb5.conf" >"$KDC_LAB/krb5-noskew.conf"
    cat >"$KDC_LAB/client.conf" <<EOF
[global]
    workgroup = $KDC_DOMAIN
    realm = $KDC_REALM
    client min protocol = SMB2
EOF
}

# The holder of the namespaces: a private loopback with the DC's address,
# hostname dc1, our files over /etc/hosts and /etc/resolv.conf, a private
# /run/samba (smbd finds winbindd by the compiled-in path). It lives at most
# an hour, even if nobody stops it.
_kdc_holder() {
    unshare -n -m -u --propagation private bash -c "
        ip link set lo up && ip addr add $KDC_IP/8 dev lo && ip addr add $KDC_RELAY_IP/8 dev lo &&
        hostname dc1 &&
        mount --bind '$KDC_LAB/etc/hosts' /etc/hosts &&
        mount --bind '$KDC_LAB/etc/resolv.conf' /etc/resolv.conf &&
        mount --bind '$KDC_LAB/run-samba' /run/samba &&
        touch '$KDC_LAB/holder.ready' && exec sleep 3600" </dev/null >"$KDC_LAB/holder.log" 2>&1 &
    KDC_HOLDER=$!
    for _ in $(seq 100); do [ -e "$KDC_LAB/holder.ready" ] && return 0; sleep 0.05; done
    return 1
}

kdc_run() {
    KRB5_CONFIG="$KDC_LAB/krb5.conf" nsenter -t "$KDC_HOLDER" -n -m -u --wd="$PWD" "$@"
}

_kdc_provision() {
    local conf=$KDC_LAB/dc/etc/smb.conf
    rm -rf "$KDC_LAB/dc"
    kdc_run samba-tool domain provision --realm=$KDC_REALM --domain=$KDC_DOMAIN --server-role=dc \
        --dns-backend=SAMBA_INTERNAL --host-name=dc1 --host-ip=$KDC_IP --adminpass="$KDC_ADMIN_PW" \
        --use-rfc2307 --targetdir="$KDC_LAB/dc" >"$KDC_LAB/provision.log" 2>&1 || return 1
    # NTLM refused outright (NT_STATUS_NTLM_BLOCKED): a logon that works was
    # Kerberos. No DNS forwarder (provision copies the host's resolver). A
    # private pid directory too.
    printf '\tntlm auth = disabled\n\tpid directory = %s\n\tlog level = 1\n' "$KDC_LAB/dc/run" >"$KDC_LAB/extra.conf"
    sed -i -e '/dns forwarder/d' -e "/^\[global\]/r $KDC_LAB/extra.conf" "$conf"
    mkdir -p "$KDC_LAB/dc/run"
    kdc_run samba-tool user create "$KDC_USER" "$KDC_USER_PW" --configfile="$conf" >>"$KDC_LAB/provision.log" 2>&1 &&
        kdc_run samba-tool user create "$KDC_USER2" "$KDC_USER2_PW" --configfile="$conf" >>"$KDC_LAB/provision.log" 2>&1 &&
        kdc_run samba-tool domain exportkeytab "$KDC_LAB/dc/alice.keytab" --principal="$KDC_USER@$KDC_REALM" \
            --configfile="$conf" >>"$KDC_LAB/provision.log" 2>&1
}

kdc_start() {
    local cache ok=0
    exec {KDC_LOCK_FD}>/tmp/wtsnet-kdc-lab.lock
    flock -w 600 "$KDC_LOCK_FD" || return 1
    rm -rf "$KDC_LAB"
    _kdc_files
    _kdc_holder || return 1
    cache=/tmp/wtsnet-kdc-provision-$(samba -V | tr -c 'A-Za-z0-9.\n' _).tar
    if [ -s "$cache" ]; then
        tar -C "$KDC_LAB" -xf "$cache" || return 1
    else
        _kdc_provision || return 1
        tar -C "$KDC_LAB" -cf "$cache.tmp" dc && mv "$cache.tmp" "$cache"
    fi
    chmod 755 "$KDC_LAB/dc"
    # Every SMB session encrypted, with AES-256-GCM only: each logon that
    # works then also proves the 3.1.1 key derivation from the whole
    # Kerberos session key (MS-SMB2 3.2.5.3.1), signing and sealing with it.
    printf '\tserver smb encrypt = required\n\tserver smb3 encryption algorithms = aes-256-gcm\n' >"$KDC_LAB/encrypt.conf"
    sed -i "/^\[global\]/r $KDC_LAB/encrypt.conf" "$KDC_LAB/dc/etc/smb.conf"
    kdc_run samba --foreground --no-process-group --debug-stdout -s "$KDC_LAB/dc/etc/smb.conf" \
        >"$KDC_LAB/samba.log" 2>&1 </dev/null &
    KDC_SAMBA=$!
    # Ready when the KDC, LDAP, DNS and SMB listen and winbindd answers
    # (logons fail with NT_STATUS_INTERNAL_ERROR before it does).
    for _ in $(seq 300); do
        if kdc_run ss -Hltn 2>/dev/null | awk '{print $4}' | grep -q ":88$" &&
            kdc_run ss -Hltn 2>/dev/null | awk '{print $4}' | grep -q ":445$" &&
            kdc_run ss -Hltn 2>/dev/null | awk '{print $4}' | grep -q ":389$" &&
            kdc_run wbinfo --sids-to-unix-ids=S-1-5-32-545 >/dev/null 2>&1; then
            ok=1
            break
        fi
        kill -0 "$KDC_SAMBA" 2>/dev/null || break
        sleep 0.1
    done
    [ $ok -eq 1 ]
}

# Every process in the lab's network namespace (samba, its children,
# samba-dcerpcd and rpcd_* that daemonized, clients), then the holder.
kdc_stop() {
    local ns pids p
    [ -n "$KDC_HOLDER" ] || return 0
    ns=$(readlink "/proc/$KDC_HOLDER/ns/net" 2>/dev/null)
    for sig in TERM KILL; do
        pids=()
        for p in /proc/[0-9]*; do
            p=${p#/proc/}
            [ "$p" = "$KDC_HOLDER" ] && continue
            [ -n "$ns" ] && [ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$ns" ] && pids+=("$p")
        done
        [ ${#pids[@]} -eq 0 ] && break
        kill -s $sig "${pids[@]}" 2>/dev/null
        for _ in $(seq 30); do
            local alive=0
            for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
            [ $alive -eq 0 ] && break
            sleep 0.1
        done
    done
    kill "$KDC_HOLDER" 2>/dev/null
    wait "$KDC_HOLDER" 2>/dev/null
    KDC_HOLDER=
}

# kinit inside the lab into its own cache file: kdc_kinit CCACHE PRINCIPAL PASSWORD [kinit options…]
kdc_kinit() {
    local cc=$1 who=$2 pw=$3
    shift 3
    printf '%s\n' "$pw" | KRB5CCNAME="FILE:$cc" kdc_run kinit "$@" "$who@$KDC_REALM" >/dev/null
}
