# shellcheck shell=bash
# Users, keys, polkit rule and sshd of the remote provider's test hosts
# (prefix wtsrm; ports 2400-2419). Source ns.sh first.
#   wtsrmadmin  member of wtsrmreset: may log off anyone (polkit rule below)
#   wtsrmuser   an ordinary user: may list, may log off only its own sessions
#   wtsrmvictim owns the sessions that get logged off
RM_USERS="wtsrmadmin wtsrmuser wtsrmvictim"

rm_users_create() {
    getent group wtsrmreset >/dev/null || groupadd wtsrmreset || return 1
    local u
    for u in $RM_USERS; do
        getent passwd "$u" >/dev/null ||
            useradd -M -d "/run/wtsrm/home/$u" -s /bin/sh "$u" || return 1
    done
    usermod -a -G wtsrmreset wtsrmadmin
}

rm_users_delete() {
    local u
    for u in $RM_USERS; do getent passwd "$u" >/dev/null && userdel "$u" 2>/dev/null; done
    getent group wtsrmreset >/dev/null && groupdel wtsrmreset 2>/dev/null
    return 0
}

# The remote side's "Reset permission": group wtsrmreset may log off others.
rm_polkit_rule() { # dir
    cat >"$1/polkit-rules/60-wtsrm.rules" <<'RULE'
polkit.addRule(function(action, subject) {
    if (action.id == "org.freedesktop.login1.manage" && subject.isInGroup("wtsrmreset"))
        return polkit.Result.YES;
});
RULE
    chmod 644 "$1/polkit-rules/60-wtsrm.rules"
}

# Client keys (one authorized, one not), a host key, the client's
# ssh_config files (good and wrong key) and known_hosts.
rm_keys() { # dir
    local d=$1 u
    ssh-keygen -q -t ed25519 -N '' -f "$d/id_good" -C wtsrm-good || return 1
    ssh-keygen -q -t ed25519 -N '' -f "$d/id_bad" -C wtsrm-bad || return 1
    ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" -C wtsrm-host || return 1
    for u in root $RM_USERS; do
        mkdir -p "$d/home/$u"
        cp "$d/id_good.pub" "$d/keys/$u"
        getent passwd "$u" >/dev/null && [ "$u" != root ] && chown "$u" "$d/home/$u"
    done
    chmod 755 "$d/keys"
    chmod 644 "$d/keys/"*
    local k
    for k in good bad; do
        cat >"$d/ssh_config_$k" <<CFG
Host *
    IdentityFile $d/id_$k
    IdentitiesOnly yes
    IdentityAgent none
    PreferredAuthentications publickey
    UserKnownHostsFile $d/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    UpdateHostKeys no
CFG
    done
}

# sshd of that host on addr:port, run by the namespace's systemd (so its
# logins become logind sessions through pam_systemd, as on a real host).
rm_sshd() { # dir addr port
    local d=$1 addr=$2 port=$3 i
    cat >"$d/sshd_$port.conf" <<CFG
Port $port
ListenAddress $addr
HostKey /run/wtsrm/host_key
AuthorizedKeysFile /run/wtsrm/keys/%u
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
PermitRootLogin prohibit-password
StrictModes no
PidFile none
PrintMotd no
MaxStartups 100:30:200
CFG
    echo "[$addr]:$port $(cut -d' ' -f1-2 "$d/host_key.pub")" >>"$d/known_hosts"
    rns_run "$d" systemd-run --quiet --unit="wtsrm-sshd-$port" /usr/sbin/sshd -D -e -f "/run/wtsrm/sshd_$port.conf" ||
        return 1
    for ((i = 0; i < 100; i++)); do
        ss -Hltn "src $addr:$port" 2>/dev/null | grep -q . && return 0
        sleep 0.05
    done
    rns_log "sshd on $addr:$port did not listen"
    rns_run "$d" journalctl -u "wtsrm-sshd-$port" --no-pager | tail -20 | sed 's/^/#   /' >&2
    return 1
}
