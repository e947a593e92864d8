# shellcheck shell=bash
# Sync-WgEndpoint and the re-resolve timer (EndpointSync.cs): what wireguard-tools'
# contrib/reresolve-dns does. For each [Peer] of $conf whose Endpoint is a host name, when the
# running peer's latest handshake is older than $stale_after seconds (or it never shook hands),
# or always with $force, `wg set NAME peer KEY endpoint HOST:PORT`: wg resolves the name again
# (getaddrinfo) and the peer is sent to wherever it now points. A name that does not resolve is
# that peer's failure, not the run's. The config file is read as hostile input: only a base64
# key and a plain DNS name with a numeric port are ever given to wg.
#
# It takes the host's change lock first (change.sh's lock file), so it never runs while a change
# is applied; it takes no snapshot: `wg set ... endpoint` moves only what wg moves by itself when
# a peer roams, which a snapshot does not record (docs/remote.md, "Dynamic endpoints").
#
# $report "sections": one "@@peer" section a peer (key=value lines) for WgAdmin to read;
# "log": one line a peer that moved or failed, for the journal (the timer).
: "${name:?}" "${conf:?}" "${lock_file:?}" "${lock_timeout:?}" "${holder:?}" "${force:?}" "${stale_after:?}" "${resolve_retries:?}" "${report:?}"

has wg || report_error not-installed "wg is not installed"
ip link show dev "$name" >/dev/null 2>&1 || report_error not-running "the interface $name is not running"
[ -r "$conf" ] || report_error no-config "$conf does not exist"

holder_file=$(dirname "$lock_file")/change.holder
mkdir -p "$(dirname "$lock_file")"
exec 9>>"$lock_file"
if ! flock -w "$lock_timeout" 9; then
  report_error busy "another change holds the lock: $(cat "$holder_file" 2>/dev/null || echo unknown)"
fi
printf '%s, pid %s, since %s\n' "$holder" "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$holder_file"

# The peers of the file as "KEY<TAB>ENDPOINT<TAB>NAME", keys as wg reads them (whitespace gone,
# case ignored); NAME is WgAdmin's "# Name = ..." comment.
config_peers() {
  awk '
    function flush() { if (key != "" && ep != "") print key "\t" ep "\t" nm; key = ""; ep = ""; nm = "" }
    /^[[:space:]]*\[/ { flush(); s = tolower($0); gsub(/[[:space:]]/, "", s); inpeer = (s == "[peer]"); next }
    !inpeer { next }
    /^[[:space:]]*#[[:space:]]*[Nn]ame[[:space:]]*=/ { nm = $0; sub(/^[^=]*=[[:space:]]*/, "", nm); sub(/[[:space:]]+$/, "", nm); gsub(/\t/, " ", nm); next }
    { c = $0; sub(/#.*/, "", c); gsub(/[[:space:]]/, "", c); l = tolower(c) }
    index(l, "publickey=") == 1 { key = substr(c, 11) }
    index(l, "endpoint=") == 1 { ep = substr(c, 10) }
    END { flush() }' "$1"
}

key_pattern='^[A-Za-z0-9+/]{43}=$'
label='[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
host_pattern="^$label(\\.$label)*\\.?\$"
now=$(date +%s)
handshakes=$(wg show "$name" latest-handshakes)
endpoints=$(wg show "$name" endpoints)

config_peers "$conf" | while IFS=$'\t' read -r key endpoint peer_name; do
  host=${endpoint%:*}; port=${endpoint##*:}
  # Addresses need no resolving; neither does a bracketed IPv6 one.
  case "$host" in \[*) continue ;; esac
  if [[ $host =~ ^[0-9.]+$ ]]; then continue; fi
  status=""; message=""; old=""; new=""; age=""
  if ! [[ $key =~ $key_pattern ]]; then
    status=invalid; message="the peer's PublicKey is not a key"; key=""
  elif ! [[ $host =~ $host_pattern ]] || [ "${#host}" -gt 253 ] || ! [[ $port =~ ^[0-9]{1,5}$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
    status=invalid; message="the Endpoint is not a host name and port"; host=""; port=""
  else
    latest=$(printf '%s\n' "$handshakes" | awk -v k="$key" '$1 == k { print $2 }')
    old=$(printf '%s\n' "$endpoints" | awk -v k="$key" '$1 == k { print $2 }')
    if [ -z "$latest" ]; then
      status=absent; message="the peer is not on the running interface"
    else
      if [ "$latest" -gt 0 ]; then age=$((now - latest)); fi
      if [ "$force" != 1 ] && [ -n "$age" ] && [ "$age" -le "$stale_after" ]; then
        status=fresh
      elif err=$(WG_ENDPOINT_RESOLUTION_RETRIES=$resolve_retries wg set "$name" peer "$key" endpoint "$host:$port" 2>&1); then
        new=$(wg show "$name" endpoints | awk -v k="$key" '$1 == k { print $2 }')
        if [ "$new" = "$old" ]; then status=unchanged; else status=moved; fi
      else
        # wg's last word on the name, not its "Trying again" notices.
        status=unresolved; message=$(printf '%s\n' "$err" | grep -v 'Trying again\|^Configuration parsing error' | head -n 1 | cut -c1-200)
      fi
    fi
  fi
  if [ "$report" = log ]; then
    case "$status" in
      moved) echo "$name: peer ${peer_name:-$key} ($host:$port) moved from $old to $new (last handshake ${age:-never}${age:+ s ago})" ;;
      unresolved|invalid|absent) echo "$name: peer ${peer_name:-$key} ($endpoint): $status: $message" ;;
    esac
  else
    printf '@@peer\nkey=%s\nname=%s\nhost=%s\nport=%s\nold=%s\nnew=%s\nage=%s\nstatus=%s\nmessage=%s\n' \
      "$key" "$peer_name" "$host" "$port" "$old" "$new" "$age" "$status" "$message"
  fi
done
