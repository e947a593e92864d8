# shellcheck shell=bash
# Get-WgInterface and Compare-WgInterface (InterfaceStatusReader.cs): every running interface
# from `wg show all dump` (keys reduced) and every config file without its key lines, with the
# state of its wg-quick@ unit.
: "${wireguard_dir:?}"

echo @@now; date +%s
echo @@dump
if has wg; then dump_all; fi
for f in "$wireguard_dir"/*.conf; do
  [ -f "$f" ] || continue
  n=$(basename "$f" .conf)
  echo "@@config $n"
  without_secrets "$f"
  if has systemctl; then
    echo "@@service $n $(systemctl is-enabled "wg-quick@$n" 2>/dev/null) $(systemctl is-active "wg-quick@$n" 2>/dev/null)"
  fi
done
