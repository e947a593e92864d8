# shellcheck shell=bash
# Export-WgMetrics (MetricsReader.cs): the counters of the running interfaces, all of them or those
# named as arguments, from `wg show all dump` (keys reduced where they are read), and the peer names
# from their config files without key lines. Reads only.
: "${wireguard_dir:?}"

has wg || report_error not-installed "wg is not installed"
echo @@now; date +%s
dump=$(dump_all)
if [ "$#" -gt 0 ]; then dump=$(printf '%s\n' "$dump" | awk -F '\t' -v names=" $* " 'index(names, " " $1 " ") > 0'); fi
echo @@dump
printf '%s\n' "$dump"
# Each interface once, whether it runs or was only asked for; read line by line, never globbed.
{ printf '%s\n' "$dump" | cut -f1; printf '%s\n' "$@"; } | sort -u | while IFS= read -r n; do
  case "$n" in '' | */*) continue ;; esac
  [ -f "$wireguard_dir/$n.conf" ] || continue
  echo "@@config $n"
  without_secrets "$wireguard_dir/$n.conf"
done
