#!/bin/bash
# The cost of 1:1 prefix mapping without the lab (root; iproute2, iptables, nft, ping, nc; wg and
# wireguard-go with "wireguard"): two LANs, each a host namespace behind a gateway namespace, the
# gateways joined by a veth (LINK_A on one side, LINK_B on the other), or with "wireguard" by a
# real WireGuard tunnel (wireguard-go links LINK_A and LINK_B over a veth underlay; the names
# must be free on the host: wireguard-go's sockets live in /var/run/wireguard).
# Per round, alternating: LANs 192.168.1.0/24 and 192.168.2.0/24 routed as they are; the same with
# conntrack and NAT hooks on (a rule that matches nothing), the fair baseline for the mapping's
# rules; both LANs 192.168.1.0/24, each gateway mapping its own (10.201.1.0/24, 10.201.2.0/24)
# with WgAdmin's map scripts SCRIPT_A and SCRIPT_B (rendered by PrefixMap.Script for LINK_A and
# LINK_B). Prints flood-ping round trips per second and TCP MiB/s of 256 MiB over nc.
# Usage: mapping-sandbox.sh LINK_A SCRIPT_A LINK_B SCRIPT_B [ROUNDS] [veth|wireguard]
set -eu
link_a=$1 script_a=$2 link_b=$3 script_b=$4 rounds=${5:-3} mode=${6:-veth}
s=wgmb$$
ns() { echo "$s-$1"; }
daemons=""
# The namespaces, and the wireguard-go daemons this script started (by their PIDs) with their sockets.
remove_namespaces() {
  local p
  for p in $daemons; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  daemons=""
  rm -f "/var/run/wireguard/$link_a.sock" "/var/run/wireguard/$link_b.sock"
  for n in lana gwa gwb lanb; do ip netns del "$(ns $n)" 2>/dev/null || true; done
}
trap 'remove_namespaces; rm -f "/tmp/$s.payload"' EXIT
link() { ip -n "$(ns "$1")" link add "t$s" type veth peer name "$4" netns "$(ns "$3")"; ip -n "$(ns "$1")" link set "t$s" name "$2"; ip -n "$(ns "$1")" link set "$2" up; ip -n "$(ns "$3")" link set "$4" up; }
# tunnel B_LAN: the gateways' link, the far prefixes routed into it (B's plain LAN only when it is not A's twin).
tunnel() {
  if [ "$mode" = wireguard ]; then
    link gwa ul0 gwb ul0
    ip -n "$(ns gwa)" address add 192.168.77.1/24 dev ul0; ip -n "$(ns gwb)" address add 192.168.77.2/24 dev ul0
    local ka kb port=$((40000 + $$ % 10000))
    ka=$(wg genkey); kb=$(wg genkey)
    ip netns exec "$(ns gwa)" env WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wireguard-go -f "$link_a" >/dev/null 2>&1 & daemons="$daemons $!"
    ip netns exec "$(ns gwb)" env WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wireguard-go -f "$link_b" >/dev/null 2>&1 & daemons="$daemons $!"
    for _ in $(seq 100); do ip netns exec "$(ns gwa)" wg show "$link_a" >/dev/null 2>&1 && ip netns exec "$(ns gwb)" wg show "$link_b" >/dev/null 2>&1 && break; sleep 0.05; done
    ip netns exec "$(ns gwa)" wg set "$link_a" private-key <(echo "$ka") listen-port "$port" peer "$(echo "$kb" | wg pubkey)" allowed-ips 10.0.0.2/32,192.168.2.0/24,10.201.2.0/24 endpoint "192.168.77.2:$port"
    ip netns exec "$(ns gwb)" wg set "$link_b" private-key <(echo "$kb") listen-port "$port" peer "$(echo "$ka" | wg pubkey)" allowed-ips 10.0.0.1/32,192.168.1.0/24,10.201.1.0/24 endpoint "192.168.77.1:$port"
    ip -n "$(ns gwa)" link set "$link_a" up; ip -n "$(ns gwb)" link set "$link_b" up
    ip -n "$(ns gwa)" address add 10.0.0.1/24 dev "$link_a"; ip -n "$(ns gwb)" address add 10.0.0.2/24 dev "$link_b"
    for p in 192.168.2.0/24 10.201.2.0/24; do ip -n "$(ns gwa)" route add "$p" dev "$link_a"; done
    ip -n "$(ns gwb)" route add 10.201.1.0/24 dev "$link_b"
    if [ "$1" = 192.168.2 ]; then ip -n "$(ns gwb)" route add 192.168.1.0/24 dev "$link_b"; fi
  else
    link gwa "$link_a" gwb "$link_b"
    ip -n "$(ns gwa)" address add 10.0.0.1/24 dev "$link_a"; ip -n "$(ns gwb)" address add 10.0.0.2/24 dev "$link_b"
    for p in 192.168.2.0/24 10.201.2.0/24; do ip -n "$(ns gwa)" route add "$p" via 10.0.0.2 dev "$link_a"; done
    ip -n "$(ns gwb)" route add 10.201.1.0/24 via 10.0.0.1 dev "$link_b"
    if [ "$1" = 192.168.2 ]; then ip -n "$(ns gwb)" route add 192.168.1.0/24 via 10.0.0.1 dev "$link_b"; fi
  fi
}
setup() { # $1: the first three octets of B's LAN (192.168.2, or 192.168.1 for the twin)
  remove_namespaces
  for n in lana gwa gwb lanb; do ip netns add "$(ns $n)"; ip -n "$(ns $n)" link set lo up; done
  link lana eth0 gwa lan0; link gwb lan0 lanb eth0
  tunnel "$1"
  ip -n "$(ns lana)" address add 192.168.1.2/24 dev eth0; ip -n "$(ns lana)" route add default via 192.168.1.1
  ip -n "$(ns lanb)" address add "$1.2/24" dev eth0; ip -n "$(ns lanb)" route add default via "$1.1"
  ip -n "$(ns gwa)" address add 192.168.1.1/24 dev lan0; ip -n "$(ns gwb)" address add "$1.1/24" dev lan0
  for g in gwa gwb; do ip netns exec "$(ns $g)" sysctl -qw net.ipv4.ip_forward=1; done
}
measure() { # $1: label, $2: target
  local flood pps start end l
  for _ in $(seq 20); do ip netns exec "$(ns lana)" ping -c 1 -W 1 "$2" >/dev/null 2>&1 && break; done
  flood=$(ip netns exec "$(ns lana)" ping -f -q -c 20000 "$2")
  pps=$(printf '%s\n' "$flood" | sed -n 's/^20000 packets transmitted, \([0-9]*\) received.* time \([0-9]*\)ms$/\1 \2/p' | awk '{ printf "%.0f", $1 / ($2 / 1000) }')
  ip netns exec "$(ns lanb)" timeout 60 nc -l 5095 > /dev/null & l=$!
  for _ in $(seq 50); do ip netns exec "$(ns lanb)" ss -ltn 'sport = :5095' | grep -q LISTEN && break; sleep 0.1; done
  start=$(date +%s.%N)
  ip netns exec "$(ns lana)" timeout 60 nc -N "$2" 5095 < "/tmp/$s.payload"; wait "$l"
  end=$(date +%s.%N)
  echo "$1 pps=$pps MiBs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", 256 / (b - a) }')"
}
head -c 268435456 /dev/zero > "/tmp/$s.payload"
for _ in $(seq "$rounds"); do
  setup 192.168.2
  measure unmapped 192.168.2.2
  for g in gwa gwb; do ip netns exec "$(ns $g)" iptables -w -t nat -A POSTROUTING -o eth9 -j MASQUERADE; done
  measure unmapped+conntrack 192.168.2.2
  setup 192.168.1
  ip netns exec "$(ns gwa)" sh "$script_a" up; ip netns exec "$(ns gwb)" sh "$script_b" up
  measure mapped 10.201.2.2
done
