#!/bin/sh
# Managed by WgAdmin (Set-WgInterface, a site's -MappedPrefix): 1:1 prefix mapping between the
# LAN and the tunnel interface with iptables NETMAP, in WgAdmin's own nat chains. Rewritten on
# every apply; edits are lost. Usage: up | down | check
# $maps holds one "REAL MAPPED" pair of prefixes a line. Packets from the tunnel to a mapped
# address get the real one (PREROUTING); packets of the LAN into the tunnel get the mapped one
# (POSTROUTING, before any masquerading); conntrack turns the replies back. "up" is idempotent
# (flush and refill, one jump rule added only if missing), "down" removes exactly what "up" made.
: "${wg:?}" "${maps:?}" "${pre:?}" "${post:?}"
set -u

rules_pre() { printf '%s\n' "$maps" | while read -r real mapped; do if [ -n "$real" ]; then echo "-i $wg -d $mapped -j NETMAP --to $real"; fi; done; }
rules_post() { printf '%s\n' "$maps" | while read -r real mapped; do if [ -n "$real" ]; then echo "-o $wg -s $real -j NETMAP --to $mapped"; fi; done; }

# The rules are word-split on purpose: they hold only an interface name and prefixes.
# shellcheck disable=SC2086
fill() {
  iptables -w -t nat -N "$1" 2>/dev/null || true; iptables -w -t nat -F "$1"
  "$2" | while read -r r; do iptables -w -t nat -A "$1" $r || exit 1; done || return 1
  iptables -w -t nat -C "$3" -j "$1" 2>/dev/null || iptables -w -t nat -I "$3" -j "$1"
}
up() { fill "$pre" rules_pre PREROUTING && fill "$post" rules_post POSTROUTING; }
down() {
  while iptables -w -t nat -D PREROUTING -j "$pre" 2>/dev/null; do :; done
  iptables -w -t nat -F "$pre" 2>/dev/null; iptables -w -t nat -X "$pre" 2>/dev/null
  while iptables -w -t nat -D POSTROUTING -j "$post" 2>/dev/null; do :; done
  iptables -w -t nat -F "$post" 2>/dev/null; iptables -w -t nat -X "$post" 2>/dev/null
  return 0
}
check() {
  [ "$(iptables -w -t nat -S PREROUTING | grep -c -x -F -- "-A PREROUTING -j $pre")" = 1 ] || return 1
  [ "$(iptables -w -t nat -S POSTROUTING | grep -c -x -F -- "-A POSTROUTING -j $post")" = 1 ] || return 1
  [ "$(iptables -w -t nat -S "$pre" 2>/dev/null | grep -c '^-A .* -j NETMAP')" = "$(rules_pre | wc -l)" ] || return 1
  [ "$(iptables -w -t nat -S "$post" 2>/dev/null | grep -c '^-A .* -j NETMAP')" = "$(rules_post | wc -l)" ] || return 1
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  check) check ;;
  *) echo "usage: $0 up|down|check" >&2; exit 2 ;;
esac
