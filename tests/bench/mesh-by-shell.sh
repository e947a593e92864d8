#!/usr/bin/env bash
# The full mesh the way it is done without WgAdmin: a key pair per site from `wg genkey` and
# `wg pubkey`, then one wg-quick file per site from a shell template, with every other site as a
# [Peer]. The baseline of the mesh benchmark in tests/Bench.ps1 (docs/performance.md).
#
#   mesh-by-shell.sh SITES PREFIX_LENGTH OUT_DIR
#
# SITES: one site a line, NAME ENDPOINT LAN_PREFIX TUNNEL_ADDRESS (WgAdmin.Benchmarks
# --write-mesh-sites writes it). Writes OUT_DIR/NAME.conf (0600): Address TUNNEL_ADDRESS/PREFIX_LENGTH,
# ListenPort the endpoint's port, and per peer its Endpoint, AllowedIPs (tunnel address /32 and
# LAN) and PersistentKeepalive = 25 (the sites are behind NAT), as New-WgTopology makes them.
# Private keys go through pipes and shell builtins only, never a command line.
set -euo pipefail

sites=$1 length=$2 out=$3
umask 077
mkdir -p "$out"

names=() endpoints=() lans=() addresses=() private=() public=()
while read -r name endpoint lan address; do
    [ -n "$name" ] || continue
    names+=("$name") endpoints+=("$endpoint") lans+=("$lan") addresses+=("$address")
done < "$sites"

for i in "${!names[@]}"; do
    private[i]=$(wg genkey)
    public[i]=$(wg pubkey <<< "${private[i]}")
done

for i in "${!names[@]}"; do
    {
        printf '[Interface]\nPrivateKey = %s\nAddress = %s/%s\nListenPort = %s\n' \
            "${private[i]}" "${addresses[i]}" "$length" "${endpoints[i]##*:}"
        for j in "${!names[@]}"; do
            [ "$i" -ne "$j" ] || continue
            printf '\n[Peer]\n# Name = %s\nPublicKey = %s\nAllowedIPs = %s/32, %s\nEndpoint = %s\nPersistentKeepalive = 25\n' \
                "${names[j]}" "${public[j]}" "${addresses[j]}" "${lans[j]}" "${endpoints[j]}"
        done
    } > "$out/${names[i]}.conf"
done
