#!/bin/sh
# Managed by WgAdmin (Set-WgNat): NAT and forwarding for a tunnel interface with nftables, in
# WgAdmin's own table (one inet table for IPv4 and IPv6). Rewritten on every apply; edits are
# lost. Usage: up | down | check
# "up" replaces the whole table at once, "down" deletes it, and nothing else on the host is touched.
# With clamp=1 a forward chain of mangle priority (before every filter chain, so no other
# table's forward chain bypasses it) clamps the MSS of TCP SYNs into and out of the tunnel.
: "${wg:?}" "${wan:?}" "${two_way:?}" "${table:?}" "${clamp:?}"
set -u

ruleset() {
  echo "table inet $table"
  echo "delete table inet $table"
  echo "table inet $table {"
  echo "  chain forward {"
  echo "    type filter hook forward priority filter - 1; policy accept;"
  echo "    iifname \"$wg\" accept"
  echo "    oifname \"$wg\" ct state related,established accept"
  if [ "$two_way" = 1 ]; then echo "    iifname \"$wan\" oifname \"$wg\" accept"; fi
  echo "  }"
  if [ "$clamp" = 1 ]; then
    echo "  chain mss {"
    echo "    type filter hook forward priority mangle; policy accept;"
    echo "    oifname \"$wg\" tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu"
    echo "    iifname \"$wg\" tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu"
    echo "  }"
  fi
  echo "  chain postrouting {"
  echo "    type nat hook postrouting priority srcnat; policy accept;"
  echo "    oifname \"$wan\" masquerade"
  if [ "$two_way" = 1 ]; then echo "    oifname \"$wg\" masquerade"; fi
  echo "  }"
  echo "}"
}
up() { ruleset | nft -f -; }
down() { nft delete table inet "$table" 2>/dev/null; return 0; }
check() {
  nft list table inet "$table" >/dev/null 2>&1 || return 1
  if [ "$clamp" = 1 ]; then nft list chain inet "$table" mss >/dev/null 2>&1; else ! nft list chain inet "$table" mss >/dev/null 2>&1; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  check) check ;;
  *) echo "usage: $0 up|down|check" >&2; exit 2 ;;
esac
