# shellcheck shell=bash
# Test-WgTunnel's probe (TunnelProbe.cs). The shared facts of the interface, the listening
# socket, then per peer: its tunnel addresses (IPv4, then IPv6) pinged, the path MTU with don't-fragment pings, `ip
# route get` for each allowed prefix; per target (the arguments): the route and pings from the
# gateway's LAN address. The dump is read again at the end, so counters show what moved.
# The private key is never read.
: "${name:?}" "${conf:?}" "${nat_script:?}" "${map_script:?}" "${count:?}" "${source4?}" "${source6?}"

echo @@now; date +%s
before=$(dump_peers "$name")
print_facts "$name" "$conf" "$nat_script" "$before" "$map_script"
echo @@listen
port=$(wg show "$name" listen-port 2>/dev/null)
if [ -n "$port" ] && [ "$port" != 0 ] && has ss; then ss -l -u -n "sport = :$port" 2>/dev/null | awk 'NR == 1 && $1 == "State" { next } { print "socket=" $4 }'; fi
nets=""; own=""
for a in $(ip -4 -o addr show dev "$name" 2>/dev/null | awk '{ print $4 }'); do
  own="$own ${a%/*}"; nets="$nets $(( $(ip2int "${a%/*}") & $(mask "${a#*/}") ))/${a#*/}"
done
nets6=""; own6=""
for a in $(ip -6 -o addr show dev "$name" scope global 2>/dev/null | awk '{ print $4 }'); do own6="$own6 ${a%/*}"; nets6="$nets6 $a"; done
mtu=$(ip -o link show dev "$name" 2>/dev/null | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
while IFS="$(printf '\t')" read -r key _ _ allowed rest; do
  [ -n "$key" ] || continue
  others=$(printf '%s\n' "$before" | awk -F '\t' -v k="$key" '$1 != k { print $4 }' | tr ',\n' '  ')
  address=$(tunnel_address "$allowed" "$others")
  case "$address" in ambiguous*) echo "@@peer $key none ${address#ambiguous }"; address="" ;; *) echo "@@peer $key ${address:-none}" ;; esac
  if [ -n "$address" ]; then
    echo @@ping
    answer=$(pings "$address")
    got=$(printf '%s\n' "$answer" | received)
    if [ "${got:-0}" -eq 0 ] && [ "$(printf '%s\n' "$rest" | cut -f1)" = 0 ]; then
      # Never shook hands: on a tunnel just brought up, a first initiation that found the far side
      # not yet listening is retried only after 5 s (REKEY_TIMEOUT). Wait up to 7 s, then ask again.
      i=0
      while [ "$i" -lt 35 ] && [ "$(wg show "$name" latest-handshakes 2>/dev/null | awk -v k="$key" '$1 == k { print $2 }')" = 0 ]; do sleep 0.2; i=$((i + 1)); done
      if [ "$i" -lt 35 ]; then answer=$(pings "$address"); got=$(printf '%s\n' "$answer" | received); fi
    fi
    echo "$answer"
    if [ "${got:-0}" -gt 0 ] && [ -n "$mtu" ]; then echo @@mtu; path_mtu "$address" "$mtu"; fi
  fi
  address6=$(tunnel_address6 "$allowed")
  if [ -n "$address6" ]; then
    echo "@@tunnel6 $address6"
    echo @@ping
    answer=$(pings "$address6")
    echo "$answer"
    got=$(printf '%s\n' "$answer" | received)
    if [ "${got:-0}" -gt 0 ] && [ -n "$mtu" ]; then echo @@mtu; path_mtu "$address6" "$mtu"; fi
  fi
  echo @@routes
  for p in $(echo "$allowed" | tr ',' ' '); do
    case "$p" in '(none)'|*/0) continue ;; esac
    echo "$p $(ip route get "${p%/*}" 2>&1 | head -n 1)"
  done
done <<DUMP
$before
DUMP
for t in "$@"; do
  case "$t" in *:*) family=-6; source=$source6 ;; *) family=-4; source=$source4 ;; esac
  [ -n "$source" ] || source=$(default_source "$family")
  echo "@@target $t ${source:-none}"
  echo @@routes
  echo "$t $(ip route get "$t" 2>&1 | head -n 1)"
  if [ -n "$source" ]; then echo @@ping; pings "$family" -I "$source" "$t"; fi
done
echo @@after
dump_peers "$name"
echo @@now; date +%s
