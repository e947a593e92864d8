#!/bin/sh
# Managed by WgAdmin (Set-WgNat): NAT and forwarding for a tunnel interface with iptables, in
# WgAdmin's own chains. Rewritten on every apply; edits are lost. Usage: up | down | check
# "up" is idempotent (flush and refill, one jump rule added only if missing), "down" removes
# exactly what "up" made, and nothing else on the host is touched.
: "${wg:?}" "${wan:?}" "${two_way:?}" "${fwd:?}" "${nat:?}" "${tools:?}"
set -u

rules_fwd() {
  echo "-i $wg -j ACCEPT"
  echo "-o $wg -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
  if [ "$two_way" = 1 ]; then echo "-i $wan -o $wg -j ACCEPT"; fi
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
  done
}
down() {
  for t in $tools; do
    while $t -w -D FORWARD -j "$fwd" 2>/dev/null; do :; done
    $t -w -F "$fwd" 2>/dev/null; $t -w -X "$fwd" 2>/dev/null
    while $t -w -t nat -D POSTROUTING -j "$nat" 2>/dev/null; do :; done
    $t -w -t nat -F "$nat" 2>/dev/null; $t -w -t nat -X "$nat" 2>/dev/null
  done
  return 0
}
check() {
  for t in $tools; do
    [ "$($t -w -S FORWARD | grep -c -x -F -- "-A FORWARD -j $fwd")" = 1 ] || return 1
    [ "$($t -w -t nat -S POSTROUTING | grep -c -x -F -- "-A POSTROUTING -j $nat")" = 1 ] || return 1
    [ "$($t -w -S "$fwd" 2>/dev/null | grep -c '^-A ')" = "$(rules_fwd | wc -l)" ] || return 1
    [ "$($t -w -t nat -S "$nat" 2>/dev/null | grep -c '^-A ')" = "$(rules_nat | wc -l)" ] || return 1
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  check) check ;;
  *) echo "usage: $0 up|down|check" >&2; exit 2 ;;
esac
