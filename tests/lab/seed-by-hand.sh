#!/usr/bin/env bash
# The seed ("VPN is actually simple", docs in /work/shared/seeds) done by hand, the way its
# author did it, over plain ssh from the lab's ops namespace: the baseline WgAdmin is measured
# against. Every gateway in the lab gets every other as a peer; with the default two-site lab
# that is exactly the seed: gw-a (10.0.0.1, LAN 10.11.7.0/24) and gw-b (10.0.0.2, LAN
# 172.19.16.0/20), both on UDP 10086, each naming the other's public address as Endpoint.
#
# Usage (as root, with a lab up): tests/lab/seed-by-hand.sh [LAB_OUTPUT_DIR [GATEWAY...]]   (default out/lab, every gateway)
# Differences from the seed, on purpose: keys are made with umask 077 (the seed's 777 was a
# slip) in /etc/wireguard; the public keys are read back over ssh instead of pasted; netstat is
# ss (net-tools is not on the gateways).
set -euo pipefail

out=${1:-$(dirname "$0")/../../out/lab}
lab=$out/lab.json
command -v jq > /dev/null || { echo 'seed-by-hand.sh needs jq (Start-WgLab installs it)' >&2; exit 1; }
[ -f "$lab" ] || { echo "no lab at $lab: run Start-WgLab first" >&2; exit 1; }
started=$SECONDS

ssh_config=$(jq -r .sshConfig "$lab")
ops=$(jq -r '.hosts[] | select(.role == "ops") | .namespace' "$lab")
port=$(jq -r .tunnel.port "$lab")
mapfile -t gateways < <(jq -r '.hosts[] | select(.role == "gateway") | .name' "$lab")
# Further arguments restrict it to some gateways (the lab benchmark leaves the rest to WgAdmin).
if [ $# -gt 1 ]; then gateways=("${@:2}"); fi
field() { jq -r --arg name "$1" ".hosts[] | select(.name == \$name) | .$2" "$lab"; }

# Runs a command on a gateway, as the administrator's terminal would.
on() {
    local gateway=$1
    shift
    ip netns exec "$ops" ssh -F "$ssh_config" "$gateway" "$@"
}

declare -A public_key
for gateway in "${gateways[@]}"; do
    echo "== $gateway: install WireGuard, enable forwarding, make keys"
    on "$gateway" 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wireguard openresolv > /dev/null'
    # Not persisted, as in the seed: lost on the next reboot.
    on "$gateway" 'sysctl -w net.ipv4.ip_forward=1'
    public_key[$gateway]=$(on "$gateway" 'cd /etc/wireguard && umask 077 && wg genkey > wgpriv.key && wg pubkey < wgpriv.key > wgpub.key && cat wgpub.key')
done

for gateway in "${gateways[@]}"; do
    echo "== $gateway: write /etc/wireguard/wg0.conf, start wg-quick@wg0"
    config="[Interface]
PrivateKey = @PRIVATE_KEY@
ListenPort = $port
Address = $(field "$gateway" tunnelAddress)
DNS = 114.114.114.114,8.8.8.8
PostUp = iptables -A FORWARD -i wg0 -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE;iptables -A FORWARD -i eth0 -j ACCEPT; iptables -t nat -A POSTROUTING -o wg0 -j MASQUERADE
PreDown = iptables -D FORWARD -i wg0 -j ACCEPT; iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE;iptables -D FORWARD -i eth0 -j ACCEPT; iptables -t nat -D POSTROUTING -o wg0 -j MASQUERADE"
    for peer in "${gateways[@]}"; do
        [ "$peer" != "$gateway" ] || continue
        config+="

[Peer]
PublicKey = ${public_key[$peer]}
Endpoint = $(field "$peer" publicAddress):$port
AllowedIPs = $(field "$peer" tunnelAddress),$(field "$peer" lanPrefix)
PersistentKeepalive = 30"
    done
    # The private key never leaves the gateway: it is filled in there.
    # shellcheck disable=SC2016 # $(cat ...) runs on the gateway, where the key is.
    on "$gateway" 'umask 077 && sed "s|@PRIVATE_KEY@|$(cat /etc/wireguard/wgpriv.key)|" > /etc/wireguard/wg0.conf' <<< "$config"
    on "$gateway" "systemctl enable --now wg-quick@wg0 && ss -lunp | grep $port"
done

# The seed's check: each gateway pings the next one's LAN address through the tunnel.
for index in "${!gateways[@]}"; do
    gateway=${gateways[$index]}
    next=${gateways[$(((index + 1) % ${#gateways[@]}))]}
    [ "$next" != "$gateway" ] || continue
    echo "== $gateway: ping $next's LAN address"
    on "$gateway" "ping -c 3 -w 15 $(field "$next" lanAddress)"
done

# For the other LAN hosts to use the tunnel: a route to every far LAN via their own gateway
# (in a cloud, the VPC's route table).
for gateway in "${gateways[@]}"; do
    via=$(field "$gateway" lanAddress)
    for lan_host in $(jq -r --arg name "$gateway" '.hosts[] | select(.name == $name) | .lanHosts[].namespace' "$lab"); do
        for peer in "${gateways[@]}"; do
            [ "$peer" != "$gateway" ] || continue
            echo "== $lan_host: ip route add $(field "$peer" lanPrefix) via $via dev eth0"
            ip netns exec "$lan_host" ip route add "$(field "$peer" lanPrefix)" via "$via" dev eth0
        done
    done
done
echo "Seed done by hand for ${#gateways[@]} gateways in $((SECONDS - started)) s"
