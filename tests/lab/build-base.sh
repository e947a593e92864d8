#!/usr/bin/env bash
# Builds the gateways' base image once per machine: a debootstrapped Debian bookworm minbase
# with systemd and sshd, no WireGuard installed, and an offline apt repository inside it
# (/opt/wgadmin-lab/repo) holding wireguard, wireguard-tools, wireguard-go, openresolv, a
# stub package that stands in for the kernel module, and the firewalls someone else may manage
# (ufw, firewalld) with every dependency the image lacks: the Firewall suite installs them on one
# gateway, none has them preinstalled.
#
# Usage: build-base.sh MIRROR CACHE_DIR
#   MIRROR     the Debian mirror apt already uses (WgLab.psm1 reads it from apt's sources)
#   CACHE_DIR  where bases are kept, e.g. /var/cache/wgadmin-lab
# The base goes to CACHE_DIR/base-KEY, KEY being a hash of everything that goes into it, so an
# unchanged recipe is built once. Progress goes to stderr; the last stdout line is the base.
set -euo pipefail

mirror=$1
cache=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
suite=bookworm
arch=$(dpkg --print-architecture)
include=systemd,systemd-sysv,dbus,openssh-server,openssh-sftp-server,iproute2,iptables,nftables,iputils-ping,procps,sudo
repo_packages='wireguard wireguard-tools wireguard-go openresolv'
firewall_packages='ufw firewalld'
repo=/opt/wgadmin-lab/repo

key=$( { echo "$suite $arch $include $repo_packages $firewall_packages"; cat "${BASH_SOURCE[0]}" "$here"/image/*; } | sha256sum | cut -c1-16)
base=$cache/base-$key

exec 3>&1 1>&2
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ -f "$base/complete" ]; then
    echo "$base" >&3
    exit 0
fi

started=$SECONDS
build=$cache/.build-$key
rm -rf "$build"
mkdir -p "$build"
root=$build/rootfs

# Runs a command chrooted into the new root with /proc mounted in a private mount namespace:
# nothing stays mounted on the host whatever happens to this script.
in_root() {
    # shellcheck disable=SC2016 # $0 and $@ are the inner sh's: the root and the command go in as its arguments.
    unshare --mount --propagation private -- sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$root" "$@"
}

echo "Building the lab's base image $base from $mirror (a minute or two, once per machine)"
if ! unshare --mount --propagation private -- \
    debootstrap --variant=minbase --components=main --include="$include" "$suite" "$root" "$mirror" > "$build/debootstrap.log" 2>&1; then
    tail -n 30 "$build/debootstrap.log"
    echo "debootstrap failed; its log: $build/debootstrap.log"
    exit 1
fi

# The offline repository: the WireGuard packages from the same mirror, fetched by the image's
# own apt (so they match bookworm whatever the host runs), and the stub.
mkdir -p "$root$repo"
in_root apt-get -qq update
in_root sh -c "cd $repo && apt-get -qq -o APT::Sandbox::User=root download $repo_packages"
# The firewalls' whole dependency closure less what the image has: apt's own resolver picks it.
mkdir -p "$root/tmp/firewalls/partial"
# shellcheck disable=SC2086 # package names, split on purpose
in_root apt-get -qq -y -o APT::Sandbox::User=root -o Dir::Cache::Archives=/tmp/firewalls/ --download-only install $firewall_packages
mv "$root"/tmp/firewalls/*.deb "$root$repo"/
rm -rf "$root/tmp/firewalls"
stub=$build/stub
install -d "$stub/DEBIAN" "$stub/usr/local/bin"
install -m 0644 "$here/image/stub-control" "$stub/DEBIAN/control"
install -m 0755 "$here/image/wireguard-go" "$stub/usr/local/bin/wireguard-go"
dpkg-deb --root-owner-group --build "$stub" "$root$repo/wgadmin-lab-userspace-wireguard_1.0_all.deb" >/dev/null
(cd "$root$repo" && dpkg-scanpackages --multiversion . 2>/dev/null > Packages)

# apt on a gateway sees only that repository.
rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
echo "deb [trusted=yes] file:$repo ./" > "$root/etc/apt/sources.list.d/wgadmin-lab.list"
rm -rf "$root"/var/lib/apt/lists/*
in_root apt-get -qq update
in_root apt-get -qq clean

# sshd: lab key only, every command logged. Host keys, hostname and machine-id are per gateway.
install -m 0755 "$here/image/wgadmin-lab-command" "$root/usr/local/sbin/wgadmin-lab-command"
install -m 0644 "$here/image/sshd_config" "$root/etc/ssh/sshd_config.d/wgadmin-lab.conf"
rm -f "$root"/etc/ssh/ssh_host_*
rm -f "$root/etc/hostname"
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
echo '# WgAdmin lab: offline, no name servers' > "$root/etc/resolv.conf"
# apt's daily timers would take the dpkg lock at random moments under the tests.
ln -sf /dev/null "$root/etc/systemd/system/apt-daily.timer"
ln -sf /dev/null "$root/etc/systemd/system/apt-daily-upgrade.timer"

{
    echo "suite=$suite arch=$arch key=$key built=$(date -u +%Y-%m-%dT%H:%M:%SZ) seconds=$((SECONDS - started))"
    (cd "$root$repo" && ls -1 ./*.deb)
} > "$build/manifest"
touch "$build/complete"
rm -rf "$base"
mv "$build" "$base"

# Older recipes' bases are dead weight.
for old in "$cache"/base-*; do
    [ "$old" = "$base" ] || rm -rf "$old"
done
echo "Base image built in $((SECONDS - started)) s: $base"
echo "$base" >&3
