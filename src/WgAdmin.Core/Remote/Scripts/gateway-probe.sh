# shellcheck shell=bash
# Set-WgInterface's probe (GatewayProbe.cs): the shared facts of one interface, and what only a
# change needs: the OS, root or sudo, the firewall's flavour, the config file's hash, mode and
# public key, the public keys of a key generated on the gateway and of a rotation's next key, the hashes of WgAdmin's files,
# the re-resolve timer's state, the rules of an active ufw or firewalld.
# The private key is reduced to its public key here; nothing secret is printed.
: "${name:?}" "${conf:?}" "${key_file:?}" "${next_key_file:?}" "${nat_script:?}" "${map_script:?}" "${managed_files?}" "${reresolve_unit:?}"

print_facts "$name" "$conf" "$nat_script" "$(dump_peers "$name")" "$map_script"
echo @@os
cat /etc/os-release 2>/dev/null
echo @@host
if [ -z "${SUDO_USER:-}" ]; then echo root=yes; fi
if has iptables; then
  if iptables -V 2>/dev/null | grep -q nf_tables; then echo iptables_nft=yes; fi
  if iptables -w -S FORWARD 2>/dev/null | grep -qx -- '-P FORWARD DROP'; then echo iptables_forward_drop=yes; fi
fi
# Firewalls someone else manages (FirewallCheck.cs): ufw's saved rules as the commands that made
# them, firewalld's default zone as it is and as saved (what its reload brings back).
if [ -f /etc/ufw/ufw.conf ] && grep -qx 'ENABLED=yes' /etc/ufw/ufw.conf && has ufw; then
  echo @@ufw
  echo "manage_builtins=$(sed -n 's/^MANAGE_BUILTINS=//p' /etc/default/ufw 2>/dev/null | tr -d '\042')"
  ufw show added 2>/dev/null | grep '^ufw '
fi
if has firewall-cmd && has systemctl && systemctl is-active --quiet firewalld 2>/dev/null; then
  echo @@firewalld runtime
  firewall-cmd --list-all 2>/dev/null
  echo @@firewalld permanent
  firewall-cmd --permanent --list-all 2>/dev/null
  echo @@firewalld-route
  ip -o route show default 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1
fi
if [ -f "$conf" ]; then
  echo @@confmeta
  echo "mode=$(stat -c %a "$conf")"
  echo "hash=$(config_hash "$conf")"
  if has wg; then echo "pubkey=$(private_key_of "$conf" | wg pubkey 2>/dev/null)"; fi
fi
echo @@keyfile
if [ -f "$key_file" ] && has wg; then wg pubkey < "$key_file" 2>/dev/null; fi
echo @@nextkey
if [ -f "$next_key_file" ] && has wg; then wg pubkey < "$next_key_file" 2>/dev/null; fi
echo @@managed
printf '%s\n' "$managed_files" | while IFS= read -r f; do
  if [ -n "$f" ] && [ -f "$f" ]; then echo "$(sha256sum < "$f" | cut -d' ' -f1) $f"; fi
done
if has systemctl && [ -d /run/systemd/system ]; then
  echo @@reresolve
  echo "enabled=$(systemctl is-enabled "$reresolve_unit" 2>/dev/null)"
  echo "active=$(systemctl is-active "$reresolve_unit" 2>/dev/null)"
fi
