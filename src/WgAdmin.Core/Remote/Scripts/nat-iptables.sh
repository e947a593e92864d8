#!/bin/sh
# Managed by WgAdmin (Set-WgNat): NAT and forwarding for a tunnel interface with iptables, in
# WgAdmin's own chains. Rewritten on every apply; edits are lost. Usage: up | down | check
# "up" is idempotent (flush and refill, one jump rule added only if missing), "down" removes
# exactly what "up" made, and nothing else on the host is touched. With clamp=1 the forwarded TCP
# SYNs into and out of the tunnel get their MSS clamped to the route's MTU, in a mangle chain:
# mangle FORWARD runs before every filter FORWARD chain (Docker's, ufw's), so none bypasses it.
: "${wg:?}" "${wan:?}" "${two_way:?}" "${fwd:?}" "${nat:?}" "${mss:?}" "${clamp:?}" "${tools:?}"
set -u

rules_fwd() {
  echo "-i $wg -j ACCEPT"
  echo "-o $wg -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
  if [ "$two_way" = 1 ]; then echo "-i $wan -o $wg -j ACCEPT"; fi
}
rules_mss() {
  echo "-o $wg -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu"
  echo "-i $wg -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu"
}
rules_nat() {
  echo "-o $wan -j MASQUERADE"
  if [ "$two_way" = 1 ]; then echo "-o $wg -j MASQUERADE"; fi
}
# The rules are word-split on purpose: the names in them are plain interface names.
# shellcheck disable=SC2086
up() {
  for t in $tools; do
    $t -w -N "$fwd" 2>/dev/null || true; $t -w -F "$fwd"
    rules_fwd | while read -r r; do $t -w -A "$fwd" $r || exit 1; done || return 1
    $t -w -C FORWARD -j "$fwd" 2>/dev/null || $t -w -I FORWARD -j "$fwd" || return 1
    $t -w -t nat -N "$nat" 2>/dev/null || true; $t -w -t nat -F "$nat"
    rules_nat | while read -r r; do $t -w -t nat -A "$nat" $r || exit 1; done || return 1
    $t -w -t nat -C POSTROUTING -j "$nat" 2>/dev/null || $t -w -t nat -A POSTROUTING -j "$nat" || return 1
    if [ "$clamp" = 1 ]; then
      $t -w -t mangle -N "$mss" 2>/dev/null || true; $t -w -t mangle -F "$mss"
      rules_mss | while read -r r; do $t -w -t mangle -A "$mss" $r || exit 1; done || return 1
      $t -w -t mangle -C FORWARD -j "$mss" 2>/dev/null || $t -w -t mangle -A FORWARD -j "$mss" || return 1
    else
      down_mss "$t"
    fi
  done
}
# Without -ClampMss an earlier clamp goes, so the rules always match the last apply.
down_mss() {
  while $1 -w -t mangle -D FORWARD -j "$mss" 2>/dev/null; do :; done
  $1 -w -t mangle -F "$mss" 2>/dev/null; $1 -w -t mangle -X "$mss" 2>/dev/null
  return 0
}
down() {
  for t in $tools; do
    while $t -w -D FORWARD -j "$fwd" 2>/dev/null; do :; done
    $t -w -F "$fwd" 2>/dev/null; $t -w -X "$fwd" 2>/dev/null
    while $t -w -t nat -D POSTROUTING -j "$nat" 2>/dev/null; do :; done
    $t -w -t nat -F "$nat" 2>/dev/null; $t -w -t nat -X "$nat" 2>/dev/null
    down_mss "$t"
  done
  return 0
}
check() {
  for t in $tools; do
    [ "$($t -w -S FORWARD | grep -c -x -F -- "-A FORWARD -j $fwd")" = 1 ] || return 1
    [ "$($t -w -t nat -S POSTROUTING | grep -c -x -F -- "-A POSTROUTING -j $nat")" = 1 ] || return 1
    [ "$($t -w -S "$fwd" 2>/dev/null | grep -c '^-A ')" = "$(rules_fwd | wc -l)" ] || return 1
    [ "$($t -w -t nat -S "$nat" 2>/dev/null | grep -c '^-A ')" = "$(rules_nat | wc -l)" ] || return 1
    if [ "$clamp" = 1 ]; then
      [ "$($t -w -t mangle -S FORWARD | grep -c -x -F -- "-A FORWARD -j $mss")" = 1 ] || return 1
      [ "$($t -w -t mangle -S "$mss" 2>/dev/null | grep -c '^-A ')" = "$(rules_mss | wc -l)" ] || return 1
    else
      ! $t -w -t mangle -S "$mss" >/dev/null 2>&1 || return 1
    fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  check) check ;;
  *) echo "usage: $0 up|down|check" >&2; exit 2 ;;
esac
