#!/bin/bash
# The cost of 1:1 prefix mapping without the lab (root; iproute2, iptables, nft, ping, nc): two
# LANs, each a host namespace behind a gateway namespace, the gateways joined by a veth named like
# the tunnel (wg11). Run A: LANs 192.168.1.0/24 and 192.168.2.0/24, routed as they are. Run B:
# both LANs 192.168.1.0/24, each gateway mapping its own (10.201.1.0/24, 10.201.2.0/24) with
# WgAdmin's map script for BACKEND (iptables or nftables, rendered by the caller into $1 and $2).
# Prints flood-ping round trips per second and TCP MiB/s of 256 MiB over nc, per run, alternating;
# the unmapped run is measured again with conntrack on, the fair baseline for the mapping's rules.
# Usage: mapping-sandbox.sh SCRIPT_A SCRIPT_B [ROUNDS]
set -eu
script_a=$1 script_b=$2 rounds=${3:-3}
s=wgmb$$
ns() { echo "$s-$1"; }
remove_namespaces() { for n in lana gwa gwb lanb; do ip netns del "$(ns $n)" 2>/dev/null || true; done; }
trap 'remove_namespaces; rm -f "/tmp/$s.payload"' EXIT
link() { ip -n "$(ns "$1")" link add "t$s" type veth peer name "$4" netns "$(ns "$3")"; ip -n "$(ns "$1")" link set "t$s" name "$2"; ip -n "$(ns "$1")" link set "$2" up; ip -n "$(ns "$3")" link set "$4" up; }
setup() { # $1: LAN of B's side (192.168.2 or 192.168.1)
  remove_namespaces
  for n in lana gwa gwb lanb; do ip netns add "$(ns $n)"; ip -n "$(ns $n)" link set lo up; done
  link lana eth0 gwa lan0; link gwa wg11 gwb wg11; link gwb lan0 lanb eth0
  ip -n "$(ns lana)" address add 192.168.1.2/24 dev eth0; ip -n "$(ns lana)" route add default via 192.168.1.1
  ip -n "$(ns lanb)" address add "$1.2/24" dev eth0; ip -n "$(ns lanb)" route add default via "$1.1"
  ip -n "$(ns gwa)" address add 192.168.1.1/24 dev lan0; ip -n "$(ns gwa)" address add 10.0.0.1/24 dev wg11
  ip -n "$(ns gwb)" address add "$1.1/24" dev lan0; ip -n "$(ns gwb)" address add 10.0.0.2/24 dev wg11
  for g in gwa gwb; do ip netns exec "$(ns $g)" sysctl -qw net.ipv4.ip_forward=1; done
}
measure() { # $1: label, $2: target
  local flood pps start end
  flood=$(ip netns exec "$(ns lana)" ping -f -q -c 20000 "$2")
  pps=$(printf '%s\n' "$flood" | sed -n 's/^20000 packets transmitted, \([0-9]*\) received.* time \([0-9]*\)ms$/\1 \2/p' | awk '{ printf "%.0f", $1 / ($2 / 1000) }')
  ip netns exec "$(ns lanb)" timeout 60 nc -l 5095 > /dev/null & local l=$!
  for _ in $(seq 50); do ip netns exec "$(ns lanb)" ss -ltn 'sport = :5095' | grep -q LISTEN && break; sleep 0.1; done
  start=$(date +%s.%N)
  ip netns exec "$(ns lana)" timeout 60 nc -N "$2" 5095 < "/tmp/$s.payload"; wait "$l"
  end=$(date +%s.%N)
  echo "$1 pps=$pps MiBs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", 256 / (b - a) }')"
}
head -c 268435456 /dev/zero > "/tmp/$s.payload"
for _ in $(seq "$rounds"); do
  setup 192.168.2
  ip -n "$(ns gwa)" route add 192.168.2.0/24 via 10.0.0.2 dev wg11; ip -n "$(ns gwb)" route add 192.168.1.0/24 via 10.0.0.1 dev wg11
  measure unmapped 192.168.2.2
  # The same with conntrack and NAT hooks on (a rule that matches nothing), as on a gateway with
  # any NAT or stateful firewall: what is left is the cost of the mapping's own rules.
  for g in gwa gwb; do ip netns exec "$(ns $g)" iptables -w -t nat -A POSTROUTING -o eth9 -j MASQUERADE; done
  measure unmapped+conntrack 192.168.2.2
  setup 192.168.1
  ip -n "$(ns gwa)" route add 10.201.2.0/24 via 10.0.0.2 dev wg11; ip -n "$(ns gwb)" route add 10.201.1.0/24 via 10.0.0.1 dev wg11
  ip netns exec "$(ns gwa)" sh "$script_a" up; ip netns exec "$(ns gwb)" sh "$script_b" up
  measure mapped 10.201.2.2
done
