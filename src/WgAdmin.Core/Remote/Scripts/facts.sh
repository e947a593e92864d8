# shellcheck shell=bash
# What a gateway has for one interface, as the sections GatewayFacts.cs reads: the probe of
# Set-WgInterface and the probe of Test-WgTunnel both print them, with this one function.
# Nothing secret: the config file leaves without its key lines, the dump without its keys.

# print_facts NAME CONF NAT_SCRIPT PEERS MAP_SCRIPT: PEERS is the interface's reduced dump
# (dump_peers), read by the caller, which may need it again.
print_facts() {
  local name=$1 conf=$2 nat_script=$3 peers=$4 map_script=${5:-} t
  echo @@tools
  for t in wg wg-quick ip ss ping systemctl iptables ip6tables nft apt-get dnf apk sysctl sha256sum resolvconf; do
    if has "$t"; then echo "$t"; fi
  done
  echo @@systemd
  if [ -d /run/systemd/system ]; then echo yes; else echo no; fi
  if ip link show dev "$name" >/dev/null 2>&1; then
    echo @@link
    ip -o link show dev "$name"
    echo @@addresses
    ip -o addr show dev "$name" 2>/dev/null | awk '{ print $4 }'
    echo @@live
    if has wg; then
      echo "pubkey=$(wg show "$name" public-key 2>/dev/null)"
      echo "port=$(wg show "$name" listen-port 2>/dev/null)"
    fi
    echo @@peers
    if [ -n "$peers" ]; then printf '%s\n' "$peers"; fi
  fi
  if [ -f "$conf" ]; then
    echo @@config
    without_secrets "$conf"
  fi
  if has systemctl && [ -d /run/systemd/system ]; then
    echo @@service
    echo "enabled=$(systemctl is-enabled "wg-quick@$name" 2>/dev/null)"
    echo "active=$(systemctl is-active "wg-quick@$name" 2>/dev/null)"
  fi
  echo @@forwarding
  echo "ipv4=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)"
  echo "ipv6=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)"
  # How many IPv4 interfaces (all and default included) still send ICMP redirects.
  echo "redirects=$(cat /proc/sys/net/ipv4/conf/*/send_redirects 2>/dev/null | grep -c 1 || true)"
  echo @@nat
  if [ ! -x "$nat_script" ]; then echo none
  elif "$nat_script" check >/dev/null 2>&1; then echo present
  else echo missing
  fi
  # The installed NAT script carries its values as assignments: clamp=1 means -ClampMss.
  if [ -x "$nat_script" ] && grep -qE "^clamp='?1'?$" "$nat_script"; then echo clamp; fi
  echo @@map
  if [ -z "$map_script" ] || [ ! -x "$map_script" ]; then echo none
  elif "$map_script" check >/dev/null 2>&1; then echo present
  else echo missing
  fi
}
