#!/usr/bin/env bash
# The gateway lab's process, cgroup and teardown plumbing. WgLab.psm1 drives it; run as root.
#
#   lab.sh net < PLAN                  build namespaces and links, one plan step a line (also
#                                      container networks inside a gateway's namespace)
#   lab.sh prepare BASE KEY NAME...    mount each gateway's overlay over BASE/rootfs and give it
#                                      its hostname, machine-id, host keys and the client KEY
#   lab.sh launch NAME...              boot the gateways whose overlays are mounted
#   lab.sh stop-gateway NAME...        shut them down (their namespaces stay)
#   lab.sh wait-ssh SECONDS ADDRESS... wait for an SSH banner on port 22, seen from wgl-ops
#   lab.sh wait-booted SECONDS NAME... print "NAME STATE" once systemd finished booting
#   lab.sh exec NAME COMMAND...        run a command inside a gateway (not through SSH)
#   lab.sh unmount NAME                unmount a stopped machine's overlay, remove its directory
#   lab.sh teardown [LOG_DIR]          remove everything any lab run left, saving logs first
#
# Every gateway NAME is also its network namespace, its machine name and its directory under
# the state directory (WGLAB_STATE, default /run/wgadmin-lab), which holds root/ (the overlay),
# upper/ and work/, nspawn.pid and console.log.
set -euo pipefail

state=${WGLAB_STATE:-/run/wgadmin-lab}
prefix=wgl-
cgroup_name=wgadmin-lab
self=$(readlink -f "${BASH_SOURCE[0]}")

# The cgroup hierarchies nspawn uses: the cgroup2 mount and the v1 name=systemd one.
cgroup_roots() {
    awk '{
        for (i = 7; $i != "-"; i++) ;
        if ($(i + 1) == "cgroup2" || ($(i + 1) == "cgroup" && $(i + 3) ~ /(^|,)name=systemd(,|$)/)) print $5
    }' /proc/self/mountinfo
}

lab_namespaces() {
    ip netns list | awk -v p="$prefix" 'index($1, p) == 1 { print $1 }'
}

# True while PID is this lab's launcher or nspawn for gateway NAME (a zombie no longer counts).
is_gateway_process() {
    local cmdline
    cmdline=$(tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline") || return 1
    [[ $cmdline == *"systemd-nspawn "*"-M $2 "* || $cmdline == *"$self start-gateway $2 " ]]
}

# Waits until the exited nspawn PID is reaped too (this machine's PID 1 reaps orphans only
# every two seconds or so), so no zombie of the lab stays in the process table.
wait_reaped() {
    local tries
    for tries in $(seq 100); do
        [[ $(cat "/proc/$1/stat" 2>/dev/null) == "$1 (systemd-nspawn) Z "* ]] || return 0
        sleep 0.1
    done
}

# Shuts nspawn PID (gateway NAME) down: SIGTERM makes it shut the container down cleanly
# (PreDown hooks run); after 30 s it is killed. The SIGTERM is repeated every 2 s: nspawn passes
# each one on to the container's systemd, which ignores it until it has set up its handlers
# (a container stopped in its first moments of booting).
stop_nspawn() {
    local pid=$1 name=$2 tries
    for tries in $(seq 300); do
        is_gateway_process "$pid" "$name" || break
        [ $((tries % 20)) -ne 1 ] || kill -TERM "$pid" 2>/dev/null || true
        sleep 0.1
    done
    if is_gateway_process "$pid" "$name"; then
        echo "warning: $name did not shut down in 30 s, killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait_reaped "$pid"
}

gateway_pid() {
    local file=$state/$1/nspawn.pid pid
    [ -f "$file" ] || return 1
    pid=$(< "$file")
    [ -n "$pid" ] && is_gateway_process "$pid" "$1" && echo "$pid"
}

# The container's init: the child of nspawn that lives in another PID namespace.
container_init() {
    local pid child
    pid=$(gateway_pid "$1") || return 1
    # shellcheck disable=SC2013 # a children file is one line of PIDs separated by spaces: words are wanted.
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
        if [ "$(readlink "/proc/$child/ns/pid")" != "$(readlink "/proc/$pid/ns/pid")" ]; then
            echo "$child"
            return 0
        fi
    done
    return 1
}

remove_cgroup() {
    local root dir tries
    for root in $(cgroup_roots); do
        dir=$root/$1
        [ -d "$dir" ] || continue
        # An exited nspawn keeps its cgroup busy until PID 1 reaps it.
        for tries in $(seq 50); do
            find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
            [ -d "$dir" ] || break
            sleep 0.1
        done
        [ -d "$dir" ] && echo "warning: could not remove cgroup $dir" >&2
    done
    return 0
}

# Plan steps for cmd_net. Every link is made inside the namespaces: nothing of the lab, not even
# for a moment, exists in the root namespace.

# netns NS: a namespace with lo up.
step_netns() {
    ip netns add "$1"
    ip -n "$1" link set lo up
}

# bridge NS [ADDRESS]: a switch, br0, in NS.
step_bridge() {
    step_named_bridge "$1" br0 "${2-}"
}

# named-bridge NS NAME [ADDRESS]: a bridge NAME in NS (a container network's docker0).
step_named_bridge() {
    ip -n "$1" link add "$2" type bridge stp_state 0 forward_delay 0
    [ -z "${3-}" ] || ip -n "$1" addr add "$3" dev "$2"
    ip -n "$1" link set "$2" up
}

# plug NS PORT PEER_NS PEER_IF ADDRESS [DEFAULT_ROUTE]: a cable from NS's br0 (port PORT) to
# interface PEER_IF in PEER_NS, which gets ADDRESS and the default route.
step_plug() {
    step_attach "$1" br0 "${@:2}"
}

# attach NS BRIDGE PORT PEER_NS PEER_IF ADDRESS [DEFAULT_ROUTE]: plug, to bridge BRIDGE of NS.
# PEER_IF's MAC address follows from its namespace and name, so a gateway whose namespace is
# recreated (a reboot) keeps it, as a rebooted machine keeps its NIC's: a new one would leave
# its LAN's neighbours sending to the old address for up to a minute.
step_attach() {
    local mac
    mac=$(printf '%s' "$4/$5" | sha256sum | sed 's/^\(..\)\(..\)\(..\)\(..\)\(..\).*/02:\1:\2:\3:\4:\5/')
    ip -n "$1" link add "$3" type veth peer name "$5" netns "$4" address "$mac"
    ip -n "$1" link set "$3" master "$2" up
    ip -n "$4" addr add "$6" dev "$5"
    ip -n "$4" link set "$5" up
    [ -z "${7-}" ] || ip -n "$4" route add default via "$7"
}

# unplug NS PORT: pull a cable out of NS's switch (both ends go); also removes a bridge PORT.
step_unplug() {
    ip -n "$1" link del "$2" 2>/dev/null || true
}

# forward NS: NS routes.
step_forward() {
    ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1
}

# nat NS PUBLIC PRIVATE LAN: a cloud's 1:1 NAT on NS (wan0 outside, lan0 inside). Everything
# sent to PUBLIC goes to PRIVATE; the LAN leaves as PUBLIC; nothing else gets in from outside.
step_nat() {
    ip netns exec "$1" iptables-restore <<RULES
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i wan0 -d $2/32 -j DNAT --to-destination $3
-A POSTROUTING -o wan0 -s $4 -j SNAT --to-source $2
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i wan0 -m conntrack --ctstate DNAT,ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -i wan0 -j DROP
COMMIT
RULES
}

# portforward NS PUBLIC PORT PRIVATE: the NAT router forwards TCP port PORT of PUBLIC to port 22
# of PRIVATE on its LAN (before the 1:1 NAT to the gateway); "unportforward" takes it away.
step_portforward() {
    ip netns exec "$1" iptables -t nat -I PREROUTING 1 -i wan0 -d "$2/32" -p tcp --dport "$3" -j DNAT --to-destination "$4:22"
}

step_unportforward() {
    ip netns exec "$1" iptables -t nat -D PREROUTING -i wan0 -d "$2/32" -p tcp --dport "$3" -j DNAT --to-destination "$4:22" 2>/dev/null || true
}

# readdress NS OLD NEW/LEN ROUTER PRIVATE LAN PEERS: the NAT router's public address moves from OLD
# to NEW, as a cloud re-assigns one: wan0 loses OLD and gets NEW (and its default route back), the
# 1:1 NAT follows, the connections it tracked through OLD are forgotten (conntrack -F: their reply
# tuples would clash with the new ones), and the namespaces on the internet switch (PEERS, comma-
# separated) forget OLD's MAC. Nothing reaches OLD any more. Port forwards (lanvm) stay on OLD.
step_readdress() {
    local new=${3%/*} len=${3#*/} peer
    ip -n "$1" addr del "$2/$len" dev wan0
    ip -n "$1" addr add "$3" dev wan0
    ip -n "$1" route replace default via "$4" dev wan0
    ip netns exec "$1" iptables -w -t nat -D PREROUTING -i wan0 -d "$2/32" -j DNAT --to-destination "$5"
    ip netns exec "$1" iptables -w -t nat -A PREROUTING -i wan0 -d "$new/32" -j DNAT --to-destination "$5"
    ip netns exec "$1" iptables -w -t nat -D POSTROUTING -o wan0 -s "$6" -j SNAT --to-source "$2"
    ip netns exec "$1" iptables -w -t nat -A POSTROUTING -o wan0 -s "$6" -j SNAT --to-source "$new"
    ip netns exec "$1" conntrack -F >/dev/null 2>&1 || true
    for peer in ${7//,/ }; do ip -n "$peer" neigh flush to "$2" 2>/dev/null || true; done
}

# delete NS: remove a namespace (with whatever links it holds).
step_delete() {
    [ ! -e "/run/netns/$1" ] || ip netns delete "$1"
}

# link NS IF up|down
step_link() {
    ip -n "$1" link set "$2" "$3"
}

cmd_net() {
    local step args
    while read -r step args; do
        case $step in
            ''|'#'*) continue ;;
            netns|bridge|named-bridge|plug|attach|unplug|forward|nat|portforward|unportforward|readdress|delete|link) ;;
            *) echo "lab.sh net: unknown step $step" >&2; return 2 ;;
        esac
        # shellcheck disable=SC2086 # plan fields never hold spaces
        "step_${step//-/_}" $args
    done
}

prepare_one() {
    local base=$1 key=$2 name=$3 dir=$state/$3 hostname=${3#"$prefix"} root
    root=$dir/root
    mkdir -p "$dir/upper" "$dir/work" "$root"
    mount -t overlay overlay -o "lowerdir=$base/rootfs,upperdir=$dir/upper,workdir=$dir/work" "$root"
    echo "$hostname" > "$root/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$hostname" > "$root/etc/hosts"
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$root/etc/machine-id"
    echo >> "$root/etc/machine-id"
    ssh-keygen -q -A -f "$root"
    cat "$root"/etc/ssh/ssh_host_*_key.pub > "$dir/hostkeys.pub"
    ssh-keygen -l -f "$dir/hostkeys.pub" > "$dir/hostkeys.fingerprints"
    install -d -m 0700 "$root/root/.ssh"
    install -m 0600 "$key" "$root/root/.ssh/authorized_keys"
    # Writable by every login (the wrapper runs as the user logged in: the demo's wgadmin, the
    # JumpHost suite's wgpw), readable by root only.
    install -m 0622 /dev/null "$root/var/log/wgadmin-lab-commands.log"
}

cmd_prepare() {
    local base=$1 key=$2 name
    shift 2
    mkdir -p "$state"
    for name in "$@"; do
        prepare_one "$base" "$key" "$name" &
    done
    local failed=0 job
    for job in $(jobs -p); do
        wait "$job" || failed=1
    done
    return $failed
}

cmd_start_gateway() {
    local name=$1 dir=$state/$1 root
    for root in $(cgroup_roots); do
        mkdir -p "$root/$cgroup_name/$name"
        echo $$ > "$root/$cgroup_name/$name/cgroup.procs"
    done
    echo $$ > "$dir/nspawn.pid"
    export SYSTEMD_NSPAWN_API_VFS_WRITABLE=network
    exec systemd-nspawn -b -D "$dir/root" -M "$name" --register=no --keep-unit \
        --network-namespace-path="/run/netns/$name" --capability=CAP_NET_ADMIN \
        --bind=/dev/net/tun --console=passive
}

cmd_launch() {
    local name tries
    for name in "$@"; do
        if gateway_pid "$name" >/dev/null; then
            echo "$name is already running" >&2
            return 1
        fi
        rm -f "$state/$name/nspawn.pid"
        # Detached, so the gateway outlives the caller; its own cgroup, see cmd_start_gateway.
        setsid -f bash "$self" start-gateway "$name" < /dev/null >> "$state/$name/console.log" 2>&1
    done
    for name in "$@"; do
        for tries in $(seq 100); do
            [ -s "$state/$name/nspawn.pid" ] && break
            sleep 0.05
        done
        [ -s "$state/$name/nspawn.pid" ] || { echo "$name did not start, see $state/$name/console.log" >&2; return 1; }
    done
}

stop_one() {
    local name=$1 pid
    if pid=$(gateway_pid "$name"); then
        stop_nspawn "$pid" "$name"
    fi
    # nspawn's lock on the root directory; it removes it itself unless it was killed.
    if mountpoint -q "$state/$name/root"; then
        rm -f "/run/systemd/nspawn/locks/inode-$(stat -c %d:%i "$state/$name/root")"
    fi
    # Whatever still runs in the gateway's namespace is the container's (nspawn killed hard).
    kill_in_namespace "$name"
    rm -f "$state/$name/nspawn.pid"
    remove_cgroup "$cgroup_name/$name"
    rm -rf "/run/systemd/nspawn/propagate/$name"
}

kill_in_namespace() {
    local pid
    [ -e "/run/netns/$1" ] || return 0
    for pid in $(ip netns pids "$1" 2>/dev/null); do
        kill -KILL "$pid" 2>/dev/null || true
    done
}

cmd_stop_gateway() {
    local name
    for name in "$@"; do
        stop_one "$name" &
    done
    wait
}

cmd_wait_ssh() {
    exec ip netns exec "${prefix}ops" bash "$self" ssh-banners "$@"
}

# unmount NAME: unmount a stopped machine's overlay and remove its state directory.
cmd_unmount() {
    local dir=$state/$1
    if mountpoint -q "$dir/root"; then umount "$dir/root" 2>/dev/null || umount -l "$dir/root"; fi
    rm -rf "$dir"
}

# Runs inside wgl-ops: waits until every address answers on port 22 (or SSH_PORT) with an SSH banner.
cmd_ssh_banners() {
    local deadline=$((SECONDS + $1)) address port=${SSH_PORT:-22}
    shift
    local pending=("$@") next
    while [ ${#pending[@]} -gt 0 ]; do
        next=()
        for address in "${pending[@]}"; do
            # shellcheck disable=SC2016 # $0, $1 and $line are the inner bash's: address and port go in as its arguments.
            timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && IFS= read -r -t 2 line <&3 && [[ $line == SSH-* ]]' \
                "$address" "$port" 2>/dev/null || next+=("$address")
        done
        [ ${#next[@]} -gt 0 ] || break
        if [ $SECONDS -ge $deadline ]; then
            echo "no SSH banner from ${next[*]}" >&2
            return 1
        fi
        pending=("${next[@]}")
        sleep 0.2
    done
}

cmd_wait_booted() {
    local seconds=$1 name
    shift
    for name in "$@"; do
        (
            init=$(container_init "$name") || { echo "$name stopped"; exit 0; }
            status=$(timeout "$seconds" nsenter -t "$init" -m -u -i -n -p \
                env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin systemctl is-system-running --wait 2>/dev/null) || true
            echo "$name ${status:-timeout}"
        ) &
    done
    wait
}

cmd_exec() {
    local name=$1 init
    shift
    init=$(container_init "$name") || { echo "$name is not running" >&2; return 1; }
    exec nsenter -t "$init" -m -u -i -n -p -- env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

cmd_teardown() {
    local logs=${1-} dir name ns pid mount
    local names=()
    if [ -d "$state" ]; then
        for dir in "$state/$prefix"*/; do
            [ -d "$dir" ] && names+=("$(basename "$dir")")
        done
    fi
    [ ${#names[@]} -eq 0 ] || cmd_stop_gateway "${names[@]}"
    # Gateways whose state directory is gone but whose nspawn still runs.
    for pid in $(pgrep -x systemd-nspawn || true); do
        name=$(tr '\0' '\n' 2>/dev/null < "/proc/$pid/cmdline" | awk 'prev == "-M" { print; exit } { prev = $0 }') || true
        if [[ $name == "$prefix"* ]]; then
            echo "stopping $name (nspawn $pid), which has no state directory" >&2
            stop_nspawn "$pid" "$name" &
        fi
    done
    wait

    if [ -n "$logs" ] && [ ${#names[@]} -gt 0 ]; then
        mkdir -p "$logs"
        rm -f "$logs"/*.console.log "$logs"/*.commands.log
        for name in "${names[@]}"; do
            cp "$state/$name/console.log" "$logs/${name#"$prefix"}.console.log" 2>/dev/null || true
            cp "$state/$name/upper/var/log/wgadmin-lab-commands.log" "$logs/${name#"$prefix"}.commands.log" 2>/dev/null || true
        done
    fi

    for ns in $(lab_namespaces); do
        kill_in_namespace "$ns"
    done
    # Overlays (and anything else) mounted under the state directory, deepest first.
    awk -v s="$state/" 'index($5, s) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r mount; do
        umount "$mount" 2>/dev/null || umount -l "$mount"
    done
    for ns in $(lab_namespaces); do
        ip netns delete "$ns"
    done
    remove_cgroup "$cgroup_name"
    rm -rf /run/systemd/nspawn/propagate/"$prefix"*
    rmdir /run/systemd/nspawn/propagate /run/systemd/nspawn/locks /run/systemd/nspawn 2>/dev/null || true
    if [ -f "$state/sysctl.restore" ]; then
        sysctl -q -p "$state/sysctl.restore" || true
    fi
    rm -rf "$state"
}

command=${1:?usage: lab.sh net|prepare|launch|stop-gateway|wait-ssh|wait-booted|exec|teardown ...}
shift
case $command in
    net) cmd_net "$@" ;;
    prepare) cmd_prepare "$@" ;;
    start-gateway) cmd_start_gateway "$@" ;;
    launch) cmd_launch "$@" ;;
    stop-gateway) cmd_stop_gateway "$@" ;;
    wait-ssh) cmd_wait_ssh "$@" ;;
    ssh-banners) cmd_ssh_banners "$@" ;;
    wait-booted) cmd_wait_booted "$@" ;;
    exec) cmd_exec "$@" ;;
    teardown) cmd_teardown "$@" ;;
    unmount) cmd_unmount "$@" ;;
    *) echo "lab.sh: unknown command $command" >&2; exit 2 ;;
esac
