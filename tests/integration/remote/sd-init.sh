#!/bin/bash
# PID 1 of one "remote host": systemd with dbus, logind and polkit in a
# private PID + mount + cgroup namespace (test-environments.md, section 1).
# Started by ns.sh as: setsid unshare -pfm --mount-proc --propagation private sd-init.sh DIR
# DIR (a /tmp/wtsnet-remote-* dir of the host) is seen inside as /run/wtsrm.
set -eu
dir=$1
if [ "${2:-}" != stage2 ]; then
    mount -t tmpfs -o mode=755 tmpfs /run
    mkdir -p /run/wtsrm
    mount --bind "$dir" /run/wtsrm        # before /tmp is hidden
    mount -t tmpfs -o mode=1777 tmpfs /tmp # boot's tmpfiles cleanup must not empty the host's /tmp
    # This host's polkit rules only: the remote side's "Reset permission".
    mount --bind /run/wtsrm/polkit-rules /etc/polkit-1/rules.d
    # A cgroup of our own, then a cgroup namespace rooted there: this
    # systemd never touches the host's cgroups or another namespace's.
    v2=/sys/fs/cgroup/unified
    [ -e "$v2/cgroup.procs" ] || v2=/sys/fs/cgroup
    here=$(sed -n 's/^0:://p' /proc/self/cgroup)
    mkdir -p "$v2${here%/}/$(basename "$dir")"
    echo $$ >"$v2${here%/}/$(basename "$dir")/cgroup.procs"
    exec unshare -C "$0" "$dir" stage2
fi
umount -R -l /sys/fs/cgroup
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
mkdir -p /run/systemd/system /run/sshd
for u in systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service \
         systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-sysctl.service \
         systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount \
         systemd-modules-load.service systemd-timesyncd.service systemd-hwdb-update.service \
         systemd-random-seed.service systemd-machine-id-commit.service systemd-firstboot.service \
         systemd-tmpfiles-clean.timer ssh.service ssh.socket; do
    ln -sf /dev/null "/run/systemd/system/$u"
done
printf '[Unit]\nRequires=basic.target\nWants=dbus.service systemd-logind.service systemd-user-sessions.service\nAfter=basic.target dbus.service systemd-logind.service systemd-user-sessions.service\nAllowIsolate=yes\n' \
    >/run/systemd/system/test.target
export container=unshare
exec /lib/systemd/systemd --system --unit=test.target --log-target=console systemd.unified_cgroup_hierarchy=1
