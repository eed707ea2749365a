# shellcheck shell=bash
# What makes a booted logind namespace (tests/integration/logind-ns/ns.sh,
# source it first) a "remote host" for the remote provider's tests and its
# benchmark: users, keys, a polkit rule and sshd, all with the prefix wtsrm,
# on ports 2400-2419. Files live in a dir of our own, /tmp/wtsnet-remote-*,
# seen inside the namespace through ns_path.
#   wtsrmadmin  member of wtsrmreset: may log off anyone (polkit rule below)
#   wtsrmuser   an ordinary user: may list, may log off only its own sessions
#   wtsrmvictim owns the sessions that get logged off
RM_USERS="wtsrmadmin wtsrmuser wtsrmvictim"
RM_POLKIT_RULE=/etc/polkit-1/rules.d/60-wtsrmreset.rules
RM_DIR=""

rm_log() { echo "# remote-hosts: $*" >&2; }

rm_new_dir() {
    RM_DIR=$(mktemp -d /tmp/wtsnet-remote-XXXXXX) || return 1
    chmod 755 "$RM_DIR"
    mkdir -p "$RM_DIR/keys"
}

rm_users_create() {
    local u
    getent group wtsrmreset >/dev/null || groupadd wtsrmreset || return 1
    for u in $RM_USERS; do
        getent passwd "$u" >/dev/null || useradd -m -s /bin/sh "$u" || return 1
    done
    usermod -a -G wtsrmreset wtsrmadmin
}

# The remote side's "Reset permission": group wtsrmreset may log off others.
rm_polkit_rule() {
    install -d -m 700 /etc/polkit-1/rules.d || return 1
    cat >"$RM_POLKIT_RULE" <<'RULE' || return 1
// wtsnet remote-provider tests (tests/integration/remote); removed after each run.
polkit.addRule(function(action, subject) {
    if (action.id == "org.freedesktop.login1.manage" && subject.isInGroup("wtsrmreset"))
        return polkit.Result.YES;
});
RULE
    chmod 644 "$RM_POLKIT_RULE"
}

# Client keys (one authorized, one not), a host key, the client's ssh_config
# files (ssh_config_good, ssh_config_bad) and known_hosts.
rm_keys() {
    local d=$RM_DIR u k
    ssh-keygen -q -t ed25519 -N '' -f "$d/id_good" -C wtsrm-good || return 1
    ssh-keygen -q -t ed25519 -N '' -f "$d/id_bad" -C wtsrm-bad || return 1
    ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" -C wtsrm-host || return 1
    for u in root $RM_USERS; do cp "$d/id_good.pub" "$d/keys/$u"; done
    chmod 644 "$d/keys/"*
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

# sshd on addr:port, run by the namespace's systemd, so its logins become
# logind sessions through pam_systemd, as on a real host.
rm_sshd() { # addr port
    local d=$RM_DIR addr=$1 port=$2 i
    cat >"$d/sshd_$port.conf" <<CFG
Port $port
ListenAddress $addr
HostKey $(ns_path "$d/host_key")
AuthorizedKeysFile $(ns_path "$d/keys")/%u
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
PermitRootLogin prohibit-password
StrictModes no
PidFile none
PrintMotd no
UseDNS no
MaxStartups 100:30:200
CFG
    echo "[$addr]:$port $(cut -d' ' -f1-2 "$d/host_key.pub")" >>"$d/known_hosts"
    ns_run mkdir -p -m 755 /run/sshd || return 1
    ns_run systemd-run --quiet --unit="wtsrm-sshd-$port" /usr/sbin/sshd -D -e -f "$(ns_path "$d/sshd_$port.conf")" ||
        return 1
    for ((i = 0; i < 100; i++)); do
        ss -Hltn "src $addr:$port" 2>/dev/null | grep -q . && return 0
        sleep 0.05
    done
    rm_log "sshd on $addr:$port did not listen"
    ns_run journalctl -u "wtsrm-sshd-$port" --no-pager | tail -20 | sed 's/^/#   /' >&2
    return 1
}

# Everything above undone (the namespace itself: ns_cleanup).
rm_cleanup() {
    local u
    rm -f "$RM_POLKIT_RULE"
    for u in $RM_USERS; do getent passwd "$u" >/dev/null && userdel -r "$u" >/dev/null 2>&1; done
    getent group wtsrmreset >/dev/null && groupdel wtsrmreset
    [ -n "$RM_DIR" ] && rm -rf -- "$RM_DIR"
    RM_DIR=""
    return 0
}
