#!/bin/bash
# PID 1 of a private PID+mount namespace: boots systemd with logind, dbus
# and polkit (tests/integration/logind-ns/README.md). Started by ns.sh as
#   setsid unshare -pfm --mount-proc --propagation private sd-init.sh TAG
#
# Stage 1 (new PID+mount namespaces): private /run and /tmp, the host's /tmp
# kept reachable at /run/wtsnet-host-tmp, and this process moved into its
# own cgroup-v2 subtree. Stage 2 (new cgroup namespace): /sys/fs/cgroup
# shows only that subtree, so this systemd never touches the host's cgroups
# nor those of another namespace booted next to it.
set -eu
tag=$1
if [ "${2:-}" != stage2 ]; then
    self=$(readlink -f "$0")
    mount -t tmpfs -o mode=755 tmpfs /run
    mkdir -p /run/wtsnet-host-tmp
    mount --bind /tmp /run/wtsnet-host-tmp
    # A fresh /tmp: boot's tmpfiles cleanup would otherwise empty the host's.
    mount -t tmpfs -o mode=1777 tmpfs /tmp
    v2=/sys/fs/cgroup/unified # the hybrid layout; a pure cgroup-v2 host mounts it at /sys/fs/cgroup
    [ -e "$v2/cgroup.procs" ] || v2=/sys/fs/cgroup
    here=$(sed -n 's/^0:://p' /proc/self/cgroup)
    cg=$v2${here%/}/$tag
    mkdir -p "$cg"
    echo $$ >"$cg/cgroup.procs"
    # A work tree under /tmp (a CI clone) is now reached through the bind mount.
    case $self in /tmp/*) self=/run/wtsnet-host-tmp/${self#/tmp/} ;; esac
    exec unshare -C "$self" "$tag" stage2
fi
umount -R -l /sys/fs/cgroup
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup

mkdir -p /run/systemd/system
# Keep this systemd away from host-global state (devices, sysctl, clocks …).
for u in systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service \
         systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-sysctl.service \
         systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount \
         systemd-modules-load.service systemd-timesyncd.service systemd-hwdb-update.service \
         systemd-random-seed.service systemd-machine-id-commit.service systemd-firstboot.service \
         systemd-tmpfiles-clean.timer; do
    ln -sf /dev/null "/run/systemd/system/$u"
done
# A minimal target: multi-user.target would start every enabled service.
cat >/run/systemd/system/test.target <<'UNIT'
[Unit]
Description=wtsnet logind test namespace
Requires=basic.target
Wants=dbus.service systemd-logind.service systemd-user-sessions.service
After=basic.target dbus.service systemd-logind.service systemd-user-sessions.service
AllowIsolate=yes
UNIT
export container=unshare
# In a container systemd reads its "kernel command line" from its own argv.
exec /lib/systemd/systemd --system --unit=test.target --log-target=console \
    systemd.unified_cgroup_hierarchy=1
