#!/bin/sh
# Managed by WgAdmin (Set-WgInterface, a site's -MappedPrefix): 1:1 prefix mapping between the
# LAN and the tunnel interface with nftables prefix NAT, in WgAdmin's own table. Rewritten on
# every apply; edits are lost. Usage: up | down | check
# $maps holds one "REAL MAPPED" pair of prefixes a line. Packets from the tunnel to a mapped
# address get the real one (prerouting); packets of the LAN into the tunnel get the mapped one
# (postrouting, before any masquerading); conntrack turns the replies back. "up" replaces the
# whole table at once, "down" deletes it, and nothing else on the host is touched.
: "${wg:?}" "${maps:?}" "${table:?}"
set -u

ruleset() {
  echo "table ip $table"
  echo "delete table ip $table"
  echo "table ip $table {"
  echo "  chain prerouting {"
  echo "    type nat hook prerouting priority dstnat - 1; policy accept;"
  printf '%s\n' "$maps" | while read -r real mapped; do
    if [ -n "$real" ]; then echo "    iifname \"$wg\" ip daddr $mapped dnat ip prefix to ip daddr map { $mapped : $real }"; fi
  done
  echo "  }"
  echo "  chain postrouting {"
  echo "    type nat hook postrouting priority srcnat - 1; policy accept;"
  printf '%s\n' "$maps" | while read -r real mapped; do
    if [ -n "$real" ]; then echo "    oifname \"$wg\" ip saddr $real snat ip prefix to ip saddr map { $real : $mapped }"; fi
  done
  echo "  }"
  echo "}"
}
up() { ruleset | nft -f -; }
down() { nft delete table ip "$table" 2>/dev/null; return 0; }
# Every mapping's two rules, as nft lists them.
check() {
  [ "$(nft list table ip "$table" 2>/dev/null | grep -c ' prefix to ip [sd]addr map ')" = "$(( $(printf '%s\n' "$maps" | grep -c .) * 2 ))" ]
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  check) check ;;
  *) echo "usage: $0 up|down|check" >&2; exit 2 ;;
esac
