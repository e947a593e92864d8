# shellcheck shell=bash
# The functions of Test-WgTunnel's probe (TunnelProbe.cs), defined before it runs; tests run them
# alone. Inputs: $name (the interface), $count (pings per address), $nets and $own (the
# interface's IPv4 subnets and addresses, set by the probe).
#
# A peer's tunnel address: a /32 (or /31) of its AllowedIPs inside one of the interface's IPv4
# subnets; else, for a wider prefix there, its only host address that is neither the gateway's
# own nor inside another peer's more specific prefix, or "ambiguous PREFIX" when several are left
# (then not pinged). The source of target pings: the first global address of the family on an
# interface that is neither the default route's, nor a WireGuard link, nor lo (the LAN side of a
# two-armed gateway); else the default route's interface (a one-armed gateway; for IPv6 its
# address that is not the source towards the default router, when it has one). A peer's IPv6
# tunnel address: a /128 of its AllowedIPs inside one of the interface's IPv6 subnets ($nets6),
# not the gateway's own ($own6); wider IPv6 prefixes are not searched (2^64 hosts). Ping counts are
# read from the summary of iputils ("0 received") and BusyBox ("0 packets received"); a lost
# don't-fragment ping is sent again once.
#
# shellcheck disable=SC2154 # name and count come from the prelude, nets and own from the probe

# IPv4 and ICMP headers: a ping of N bytes is an IP packet of N + 28 (TunnelProbe.IcmpOverhead).
icmp_overhead=28
# The smallest packet every IPv4 path must carry, 576, as a ping size.
minimum_ping_size=548
# The same for IPv6: 40 + 8 bytes of headers, 1280 bytes every IPv6 link carries.
icmp6_overhead=48
minimum_ping6_size=1232

# shellcheck disable=SC2086 # IFS=. splits the address into its octets, on purpose
ip2int() { local IFS=.; set -- $1; echo $(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 )); }
int2ip() { echo "$(( ($1 >> 24) & 255 )).$(( ($1 >> 16) & 255 )).$(( ($1 >> 8) & 255 )).$(( $1 & 255 ))"; }
mask() { if [ "$1" -eq 0 ]; then echo 0; else echo $(( (0xFFFFFFFF << (32 - $1)) & 0xFFFFFFFF )); fi; }
pings() { ping -n -q -c "$count" -i 0.2 -W 1 "$@" </dev/null 2>&1 | grep -v -e '^PING ' -e '^---' -e '^$' | tail -n 4; }
received() { sed -n 's/.*transmitted, \([0-9][0-9]*\) \(packets \)\{0,1\}received.*/\1/p' | head -n 1; }
fits_once() { local r; r=$(ping -n -q -c 1 -W 1 -M 'do' -s "$2" "$1" </dev/null 2>&1 | received); [ "${r:-0}" -gt 0 ]; }
fits() { fits_once "$1" "$2" || fits_once "$1" "$2"; }

# The largest IP packet that crosses to $1 with don't-fragment set, below the interface MTU $2.
path_mtu() {
  local hi lo mid overhead=$icmp_overhead minimum=$minimum_ping_size
  case "$1" in *:*) overhead=$icmp6_overhead; minimum=$minimum_ping6_size ;; esac
  hi=$(( $2 - overhead ))
  if fits "$1" "$hi"; then echo "$2"; return; fi
  lo=$minimum
  if ! fits "$1" "$lo"; then echo 0; return; fi
  while [ $(( hi - lo )) -gt 1 ]; do mid=$(( (lo + hi) / 2 )); if fits "$1" "$mid"; then lo=$mid; else hi=$mid; fi; done
  echo $(( lo + overhead ))
}

# An IPv6 address as its 32 hex digits ("2001:db8::1" -> 20010db8000000000000000000000001);
# nothing for an address with an IPv4 tail or a malformed one.
# shellcheck disable=SC2086 # IFS=: splits the address into its groups, on purpose
ip6hex() {
  local head tail groups fill out="" g
  case "$1" in *.*|*:::*|'') return 0 ;; esac
  case "$1" in *::*) head=${1%%::*}; tail=${1#*::} ;; *) head=$1; tail="" ;; esac
  case "$tail" in *::*) return 0 ;; esac
  groups=$( { local IFS=:; set -- $head $tail; echo $#; } )
  case "$1" in *::*) fill=$(( 8 - groups )) ;; *) fill=0 ;; esac
  [ "$fill" -ge 0 ] && [ $(( groups + fill )) -eq 8 ] || return 0
  for g in $( { local IFS=:; set -- $head; echo "$@"; } ); do out="$out$(printf '%04x' "0x$g" 2>/dev/null)" || return 0; done
  while [ "$fill" -gt 0 ]; do out="${out}0000"; fill=$((fill - 1)); done
  for g in $( { local IFS=:; set -- $tail; echo "$@"; } ); do out="$out$(printf '%04x' "0x$g" 2>/dev/null)" || return 0; done
  [ ${#out} -eq 32 ] && echo "$out"
}

# Whether the hex address $1 is inside the hex network $2 of length $3.
in_net6() {
  local whole=$(( $3 / 4 )) bits=$(( $3 % 4 )) m
  [ "${1:0:$whole}" = "${2:0:$whole}" ] || return 1
  [ "$bits" -eq 0 ] && return 0
  m=$(( (15 << (4 - bits)) & 15 ))
  [ $(( 0x${1:$whole:1} & m )) -eq $(( 0x${2:$whole:1} & m )) ]
}

# $1: the peer's allowed IPs (comma-separated); $nets6, $own6: the interface's IPv6 subnets and addresses.
tunnel_address6() {
  local p a h s o mine
  for p in $(echo "$1" | tr ',' ' '); do
    case "$p" in *:*/128) ;; *) continue ;; esac
    a=${p%/*}; h=$(ip6hex "$a"); [ -n "$h" ] || continue
    mine=""; for o in $own6; do [ "$(ip6hex "$o")" != "$h" ] || mine=1; done
    [ -z "$mine" ] || continue
    for s in $nets6; do
      if in_net6 "$h" "$(ip6hex "${s%/*}")" "${s#*/}"; then echo "$a"; return; fi
    done
  done
}

# $1: the peer's allowed IPs (comma-separated); $2: the other peers' (spaced); $nets, $own: the interface's.
tunnel_address() {
  local wide="" p a l n s sn sl last found k end o q ql qn qe
  for p in $(echo "$1" | tr ',' ' '); do
    case "$p" in *:*|'(none)') continue ;; esac
    a=${p%/*}; l=${p#*/}; n=$(ip2int "$a")
    for s in $nets; do
      sn=${s%/*}; sl=${s#*/}
      if ! { [ "$l" -ge "$sl" ] && [ $(( n & $(mask "$sl") )) -eq "$sn" ]; }; then continue; fi
      if [ "$l" -ge 31 ]; then echo "$a"; return; fi
      [ -n "$wide" ] || wide=$p
    done
  done
  [ -n "$wide" ] || return 0
  l=${wide#*/}; n=$(( $(ip2int "${wide%/*}") & $(mask "$l") )); last=$(( n + (1 << (32 - l)) - 2 ))
  found=""; k=$(( n + 1 ))
  while [ "$k" -le "$last" ]; do
    end=-1
    for o in $own; do if [ "$(ip2int "$o")" -eq "$k" ]; then end=$k; fi; done
    for q in $2; do
      case "$q" in *:*|'(none)') continue ;; esac
      ql=${q#*/}; [ "$ql" -gt "$l" ] || continue
      qn=$(( $(ip2int "${q%/*}") & $(mask "$ql") )); qe=$(( qn + (1 << (32 - ql)) - 1 ))
      if [ $(( k & $(mask "$ql") )) -eq "$qn" ] && [ "$qe" -gt "$end" ]; then end=$qe; fi
    done
    if [ "$end" -lt 0 ]; then
      [ -z "$found" ] || { echo "ambiguous $wide"; return; }
      found=$k; end=$k
    fi
    k=$(( end + 1 ))
  done
  [ -z "$found" ] || int2ip "$found"
}

default_source() {
  local dev via wan="" wgs
  dev=$(ip "$1" route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
  # A one-armed IPv6 gateway has its WAN and LAN prefixes on one link: of the default route's
  # interface, prefer an address other than the one the kernel uses towards the default router.
  if [ "$1" = -6 ]; then
    via=$(ip -6 route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "via") { print $(i + 1); exit } }')
    [ -z "$via" ] || wan=$(ip -6 route get "$via" 2>/dev/null | sed -n 's/.* src \([^ ]*\).*/\1/p' | head -n 1)
  fi
  wgs=" $(wg show interfaces 2>/dev/null) $name "
  ip "$1" -o addr show scope global 2>/dev/null | awk -v dev="$dev" -v wgs="$wgs" -v wan="$wan" '
    / tentative| deprecated/ { next }
    { split($4, a, "/"); d = $2; sub(/@.*/, "", d) }
    d == "lo" || index(wgs, " " d " ") { next }
    d == dev { if (fallback == "") fallback = a[1]; if (other == "" && wan != "" && a[1] != wan) other = a[1]; next }
    lan == "" { lan = a[1] }
    END { if (lan != "") print lan; else if (other != "") print other; else if (fallback != "") print fallback }'
}
