#!/bin/bash
# PID 1 of the RDP suite's private PID+mount(+cgroup) namespace: systemd with
# logind, dbus and polkit. A stopgap until the shared logind harness lands.
# Started as: setsid unshare -pfm --mount-proc --propagation private sd-init.sh TAG
set -eu
tag=$1
if [ "${2:-}" != stage2 ]; then
    mount -t tmpfs -o mode=755 tmpfs /run
    mkdir -p /run/wtsnet-host-tmp
    mount --bind /tmp /run/wtsnet-host-tmp
    mount -t tmpfs -o mode=1777 tmpfs /tmp # boot's tmpfiles cleanup must not empty the host's /tmp
    v2=/sys/fs/cgroup/unified
    [ -e "$v2/cgroup.procs" ] || v2=/sys/fs/cgroup
    here=$(sed -n 's/^0:://p' /proc/self/cgroup)
    mkdir -p "$v2${here%/}/$tag"
    echo $$ >"$v2${here%/}/$tag/cgroup.procs"
    exec unshare -C "$0" "$tag" stage2 # own cgroup namespace: never touch the host's or a sibling's cgroups
fi
umount -R -l /sys/fs/cgroup
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
mkdir -p /run/systemd/system
for u in systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service \
         systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-sysctl.service \
         systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount \
         systemd-modules-load.service systemd-timesyncd.service systemd-hwdb-update.service \
         systemd-random-seed.service systemd-machine-id-commit.service systemd-firstboot.service \
         systemd-tmpfiles-clean.timer; do
    ln -sf /dev/null "/run/systemd/system/$u"
done
printf '[Unit]\nRequires=basic.target\nWants=dbus.service systemd-logind.service systemd-user-sessions.service\nAfter=basic.target dbus.service systemd-logind.service systemd-user-sessions.service\nAllowIsolate=yes\n' \
    >/run/systemd/system/test.target
export container=unshare
exec /lib/systemd/systemd --system --unit=test.target --log-target=console systemd.unified_cgroup_hierarchy=1
