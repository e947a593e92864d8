# shellcheck shell=bash
# shellcheck disable=SC2154 # the change's values come from ChangeScript.cs, or from the snapshot's values file
# Changes that cannot strand a host (ChangeScript.cs): one change at a time per host (flock on
# $lock_file), a snapshot of everything the change may touch taken before it, and a restore of
# that snapshot, verified, when a step fails, when the change is not confirmed in time, or when
# the host boots with a change that never finished. The snapshot lives in $change_dir (on disk,
# so it survives a reboot); its "values" file holds the paths of the change as assignments, so
# the revert helper ($revert_helper, this library installed) can restore it on its own.
#
# The state a snapshot records, and compares after a restore, is what state_of prints: the files
# (hash and mode, or absent), the forwarding and ICMP redirect sysctls, the unit's (and the re-resolve timer's) enabled and active state, and,
# when the interface exists, its MTU, addresses (not the link-local one the kernel draws anew
# with every link), routes and WireGuard configuration, and the NAT and prefix mapping
# rules in WgAdmin's chains and tables. Keys never leave the host; they are only hashed.

changes_root=/var/lib/wgadmin
change_dir=$changes_root/change
lock_file=/run/wgadmin/change.lock

# What a snapshot records and a restore compares, read one way: the link's addresses (not the
# link-local one), its routes in every table (not those the kernel derives from addresses), and a
# LAN host's routes via gateways.
link_addresses() { ip -o addr show dev "$name" | awk '$4 !~ /^fe80:/ { print $4 }'; }
link_routes() {
  { ip -4 route show table all dev "$name"; ip -6 route show table all dev "$name"; } 2>/dev/null |
    grep -v '^local \|^broadcast \|^multicast \|^fe80::\|^anycast ' || true
}
via_routes() { { ip -4 route show table main; ip -6 route show table main; } 2>/dev/null | grep ' via ' || true; }
# Every IPv4 interface's send_redirects (all and default too) as DEV=VALUE.
redirect_settings() {
  local f dev
  for f in /proc/sys/net/ipv4/conf/*/send_redirects; do
    dev=${f#/proc/sys/net/ipv4/conf/}; dev=${dev%/send_redirects}
    if [ -r "$f" ]; then echo "$dev=$(cat "$f")"; fi
  done | sort | tr '\n' ' '
}

# state_of: the host's state for the change in the current values ($name may be empty: a LAN
# host's routes), one sorted fact a line.
state_of() {
  local f
  while IFS= read -r f; do
    if [ -z "$f" ]; then continue; fi
    if [ -e "$f" ]; then echo "file $f $(sha256sum < "$f" | cut -c1-64) $(stat -c %a "$f")"; else echo "file $f absent"; fi
  done <<<"$change_files"
  echo "sysctl ipv4 $(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)"
  echo "sysctl ipv6 $(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)"
  echo "sysctl redirects $(redirect_settings)"
  if [ -n "${change_unit:-}" ] && has systemctl && [ -d /run/systemd/system ]; then
    echo "unit enabled $(systemctl is-enabled "$change_unit" 2>/dev/null || true)"
    # failed counts as inactive: a restore that stops a failed start resets it.
    case "$(systemctl is-active "$change_unit" 2>/dev/null)" in active) echo "unit active" ;; *) echo "unit inactive" ;; esac
  fi
  if [ -n "${change_timer:-}" ] && has systemctl && [ -d /run/systemd/system ]; then
    echo "timer enabled $(systemctl is-enabled "$change_timer" 2>/dev/null || true)"
    case "$(systemctl is-active "$change_timer" 2>/dev/null)" in active) echo "timer active" ;; *) echo "timer inactive" ;; esac
  fi
  if [ -n "${name:-}" ] && ip link show dev "$name" >/dev/null 2>&1; then
    echo "link mtu $(cat "/sys/class/net/$name/mtu")"
    link_addresses | sed 's/^/address /' | sort
    link_routes | sed 's/^/route /' | sort
    # The configuration by its content, one sorted line a peer: wireguard-go lists its peers in no
    # fixed order, and endpoints, handshakes and counters move by themselves.
    if has wg; then echo "wg $(wg show "$name" dump 2>/dev/null | awk -F '\t' 'NR == 1 { print $1, $3, $4; next } { print $1, $2, $4, $8 }' | sort | sha256sum | cut -c1-64)"; fi
  else
    echo "link absent"
  fi
  if [ -n "${name:-}" ]; then
    # mangle holds the MSS clamp (WGADMIN-MSS-), so a rollback is checked to bring it back or take it away too.
    for t in iptables ip6tables; do for table in filter nat mangle; do $t -w -t "$table" -S 2>/dev/null; done; done | grep -i -- "wgadmin-[a-z]*-$name\b" | sort | sed 's/^/rule /'
    if has nft && nft list table inet "$nft_table" >/dev/null 2>&1; then echo "nft $(nft list table inet "$nft_table" | sha256sum | cut -c1-64)"; fi
    if [ -n "${nft_map_table:-}" ] && has nft && nft list table ip "$nft_map_table" >/dev/null 2>&1; then echo "nftmap $(nft list table ip "$nft_map_table" | sha256sum | cut -c1-64)"; fi
  fi
  if [ -n "${routes_via:-}" ]; then
    via_routes | sort | sed 's/^/lanroute /'
  fi
}

# lock_change: waits up to $lock_timeout seconds for the host's one change lock (fd 9, held until
# the script ends), else reports who holds it.
lock_change() {
  mkdir -p /run/wgadmin
  exec 9>>"$lock_file"
  if ! flock -w "$lock_timeout" 9; then
    report_error busy "another change holds the lock: $(cat /run/wgadmin/change.holder 2>/dev/null || echo unknown)"
  fi
  printf '%s, pid %s, since %s\n' "$change_station" "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > /run/wgadmin/change.holder
}

# meta KEY: a line of the current snapshot's meta file.
meta() { sed -n "s/^$1=//p" "$change_dir/meta" 2>/dev/null; }

# recover_change: a snapshot left by an earlier change. Awaiting confirmation and not yet due:
# the host is busy. Otherwise that change never finished (or its deadline passed while nobody
# reverted it): it is restored now, before anything else happens.
recover_change() {
  if [ ! -f "$change_dir/meta" ]; then rm -rf "$change_dir"; return 0; fi
  local status deadline
  status=$(meta status); deadline=$(meta deadline)
  if [ "$status" = pending ] && [ "${deadline:-0}" -gt "$(date +%s)" ]; then
    report_error busy "a change from $(meta station) awaits confirmation until $(date -u -d "@$deadline" +%Y-%m-%dT%H:%M:%SZ) (Confirm-WgChange or Undo-WgChange)"
  fi
  echo "@@recovered $(meta station) $(meta started)"
  ( restore_snapshot ) 9>&- || report_error rollback-failed "the unfinished change from $(meta station) could not be restored"
}

# take_snapshot: copies every file of the change and records the live state, then marks the
# change as applying. Written to a temporary directory and renamed, so a snapshot is whole or absent.
take_snapshot() {
  local tmp f i=0
  mkdir -p "$changes_root"; chmod 700 "$changes_root"
  tmp=$(mktemp -d "$changes_root/.snapshot.XXXXXX")
  mkdir "$tmp/files"
  printf '%s' "$change_values" > "$tmp/values"
  while IFS= read -r f; do
    if [ -z "$f" ]; then continue; fi
    i=$((i + 1))
    if [ -e "$f" ]; then cp -p "$f" "$tmp/files/$i" || { rm -rf "$tmp"; return 1; }; fi
  done <<<"$change_files"
  if [ -n "${name:-}" ] && ip link show dev "$name" >/dev/null 2>&1 && has wg; then
    wg showconf "$name" > "$tmp/wg.conf" 2>/dev/null || true
    wg show "$name" dump | awk -F '\t' 'NR > 1 { print $1, ($2 == "(none)" ? "none" : "set"), $8 }' > "$tmp/peers"
    link_addresses > "$tmp/addresses"
    link_routes > "$tmp/routes"
  fi
  if [ -n "${routes_via:-}" ]; then
    via_routes > "$tmp/lanroutes"
  fi
  state_of > "$tmp/state"
  {
    echo "status=applying"
    echo "station=$change_station"
    echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "deadline=0"
  } > "$tmp/meta"
  sync -f "$tmp" 2>/dev/null || sync
  rm -rf "$change_dir"
  mv "$tmp" "$change_dir"
}

# set_meta KEY VALUE: one line of the meta file changed, atomically.
set_meta() {
  sed "s|^$1=.*|$1=$2|" "$change_dir/meta" | put_file "$change_dir/meta" 600
}

# restore_snapshot: the host back to the snapshot, then compared with it. Runs in a subshell
# of its own values (the snapshot's), without set -e: every part is tried.
restore_snapshot() {
  set +e
  # shellcheck disable=SC1091
  . "$change_dir/values"
  local f i=0 failed=0 was_link=0 unit_enabled unit_active
  if [ -f "$change_dir/wg.conf" ]; then was_link=1; fi
  unit_enabled=$(sed -n 's/^unit enabled //p' "$change_dir/state")
  unit_active=$(sed -n 's/^unit active$/active/p' "$change_dir/state")
  # The new NAT rules first: the script that knows them is the one about to be replaced.
  if [ -n "${nat_script:-}" ] && [ -x "$nat_script" ]; then "$nat_script" down >/dev/null 2>&1; fi
  if [ -n "${map_script:-}" ] && [ -x "$map_script" ]; then "$map_script" down >/dev/null 2>&1; fi
  # A running interface whose config gained or changed its down hooks goes down under that config
  # before it is replaced: only those hooks undo what its up hooks did (a firewall rule, a route).
  if [ -n "${name:-}" ] && [ -n "${conf:-}" ] && [ -f "$conf" ] && ip link show dev "$name" >/dev/null 2>&1; then
    if [ "$(down_hooks "$conf")" != "$(snapshot_down_hooks)" ]; then
      if [ -n "${change_unit:-}" ] && has systemctl && [ -d /run/systemd/system ] && systemctl is-active -q "$change_unit"; then systemctl stop "$change_unit"; else wg-quick down "$name" >/dev/null 2>&1; fi
    fi
  fi
  while IFS= read -r f; do
    if [ -z "$f" ]; then continue; fi
    i=$((i + 1))
    if [ -e "$change_dir/files/$i" ]; then
      # A file as it was is left alone: nothing is written where nothing changed (a full disk stays restorable).
      if [ -f "$f" ] && cmp -s "$change_dir/files/$i" "$f" && [ "$(stat -c %a "$f")" = "$(stat -c %a "$change_dir/files/$i")" ]; then continue; fi
      if ! { mkdir -p "$(dirname "$f")" && cp -p "$change_dir/files/$i" "$f.wgadmin-restore" && mv -f "$f.wgadmin-restore" "$f"; }; then
        rm -f "$f.wgadmin-restore"; failed=1; echo "restore: cannot write $f" >&2
      fi
    else
      rm -f "$f"
    fi
  done <<<"$change_files"
  if has systemctl && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    if [ -n "${change_timer:-}" ]; then restore_timer; fi
  fi
  restore_sysctl net.ipv4.ip_forward "$(sed -n 's/^sysctl ipv4 //p' "$change_dir/state")"
  restore_sysctl net.ipv6.conf.all.forwarding "$(sed -n 's/^sysctl ipv6 //p' "$change_dir/state")"
  restore_redirects "$(sed -n 's/^sysctl redirects //p' "$change_dir/state")"
  if [ -n "${change_unit:-}" ] && has systemctl && [ -d /run/systemd/system ]; then
    case "$unit_enabled" in
      enabled) systemctl enable -q "$change_unit" 2>/dev/null ;;
      disabled) systemctl disable -q "$change_unit" 2>/dev/null ;;
    esac
    if [ -n "${boot_restore:-}" ]; then
      # At boot the files are what counts: the unit starts from them (queued, it is ordered after us).
      if [ -n "$unit_active" ]; then systemctl --no-block start "$change_unit"; fi
      if [ "$failed" = 0 ]; then rm -rf "$change_dir"; fi
      return "$failed"
    fi
    if [ -z "$unit_active" ] && systemctl is-active -q "$change_unit"; then systemctl stop "$change_unit"; fi
    systemctl reset-failed "$change_unit" 2>/dev/null
  fi
  if [ -n "${name:-}" ]; then
    if [ "$was_link" = 1 ]; then restore_link; else restore_no_link; fi
  fi
  # Again: a link brought back up took the default's value.
  restore_redirects "$(sed -n 's/^sysctl redirects //p' "$change_dir/state")"
  # The mapping's chains (WGADMIN-MPI-, -MPO-) and table are its own: they bring back only the mapping script's rules.
  if [ -n "${nat_script:-}" ] && [ -x "$nat_script" ] && grep '^rule \|^nft ' "$change_dir/state" | grep -qv -- '-MP[IO]-'; then "$nat_script" up >/dev/null || failed=1; fi
  if [ -n "${map_script:-}" ] && [ -x "$map_script" ] && grep -q '^rule .*-MP[IO]-\|^nftmap ' "$change_dir/state"; then "$map_script" up >/dev/null || failed=1; fi
  if [ -f "$change_dir/lanroutes" ]; then restore_lan_routes; fi
  local diff
  diff=$(state_of | diff "$change_dir/state" - | grep '^[<>]' | tr '\n' ';')
  if [ -n "$diff" ]; then echo "@@restore-diff $diff"; failed=1; fi
  if [ "$failed" = 0 ]; then rm -rf "$change_dir"; fi
  return "$failed"
}

# restore_timer: the interface's re-resolve timer enabled and running as recorded (its files are
# back already); a timer the change made goes, its wants link with it.
restore_timer() {
  local enabled active
  enabled=$(sed -n 's/^timer enabled //p' "$change_dir/state")
  active=$(sed -n 's/^timer active$/active/p' "$change_dir/state")
  if [ -z "$active" ]; then systemctl stop "$change_timer" 2>/dev/null; fi
  if [ "$enabled" = enabled ]; then systemctl enable -q "$change_timer" 2>/dev/null
  else systemctl disable -q "$change_timer" 2>/dev/null || rm -f "/etc/systemd/system/timers.target.wants/$change_timer"; fi
  if [ -n "$active" ] && [ -z "${boot_restore:-}" ] && ! systemctl is-active -q "$change_timer"; then systemctl start "$change_timer" 2>/dev/null; fi
}

# down_hooks CONF: the PreDown and PostDown lines of a config, as wg-quick reads them.
down_hooks() { grep -i '^[[:space:]]*\(PreDown\|PostDown\)[[:space:]]*=' "$1" 2>/dev/null; }

# snapshot_down_hooks: those of the config in the snapshot (none when it had no config).
snapshot_down_hooks() {
  local f i=0
  while IFS= read -r f; do
    if [ -z "$f" ]; then continue; fi
    i=$((i + 1))
    if [ "$f" = "$conf" ] && [ -f "$change_dir/files/$i" ]; then down_hooks "$change_dir/files/$i"; fi
  done <<<"$change_files"
}

restore_sysctl() {
  if [ -n "$2" ] && [ "$(sysctl -n "$1" 2>/dev/null)" != "$2" ]; then sysctl -q -w "$1=$2" >/dev/null; fi
}

# restore_redirects "DEV=VALUE ...": send_redirects back as recorded, where the interface still is.
restore_redirects() {
  local setting f
  for setting in $1; do
    f=/proc/sys/net/ipv4/conf/${setting%%=*}/send_redirects
    if [ -w "$f" ] && [ "$(cat "$f")" != "${setting#*=}" ]; then echo "${setting#*=}" > "$f"; fi
  done
}

# restore_link: the interface as it ran: up again (by its unit when it ran under one), then its
# WireGuard configuration, addresses, MTU and routes exactly as recorded.
restore_link() {
  local a r key psk keepalive
  if ! ip link show dev "$name" >/dev/null 2>&1 || { [ -n "$unit_active" ] && ! systemctl is-active -q "$change_unit"; }; then
    if [ -n "$unit_active" ]; then systemctl restart "$change_unit"; else wg-quick up "$name" >/dev/null 2>&1 || ip link add dev "$name" type wireguard 2>/dev/null; fi
  fi
  ip link show dev "$name" >/dev/null 2>&1 || { echo "restore: $name does not come up" >&2; return 1; }
  wg syncconf "$name" "$change_dir/wg.conf"
  while read -r key psk keepalive; do
    if [ "$psk" = none ]; then wg set "$name" peer "$key" preshared-key /dev/null; fi
    if [ "$keepalive" = off ]; then wg set "$name" peer "$key" persistent-keepalive off; fi
  done < "$change_dir/peers"
  link_addresses | while read -r a; do
    grep -qxF "$a" "$change_dir/addresses" || ip address del "$a" dev "$name"
  done
  while read -r a; do ip address replace "$a" dev "$name" 2>/dev/null; done < "$change_dir/addresses"
  ip link set mtu "$(sed -n 's/^link mtu //p' "$change_dir/state")" up dev "$name"
  link_routes | while IFS= read -r r; do
    # shellcheck disable=SC2086 # a route line is ip's own words, split back into them
    grep -qxF "$r" "$change_dir/routes" || ip route del $r dev "$name" 2>/dev/null
  done
  while IFS= read -r r; do
    # shellcheck disable=SC2086
    ip route replace $r dev "$name" 2>/dev/null
  done < "$change_dir/routes"
}

# restore_no_link: the interface did not exist: it goes.
restore_no_link() {
  if [ -n "${change_unit:-}" ] && has systemctl && [ -d /run/systemd/system ] && systemctl is-active -q "$change_unit"; then systemctl stop "$change_unit"; fi
  if ip link show dev "$name" >/dev/null 2>&1; then wg-quick down "$name" >/dev/null 2>&1 || ip link del dev "$name"; fi
}

# restore_lan_routes: the via routes of the main tables as recorded.
restore_lan_routes() {
  local r
  via_routes | while IFS= read -r r; do
    # shellcheck disable=SC2086
    grep -qxF "$r" "$change_dir/lanroutes" || ip route del $r 2>/dev/null
  done
  while IFS= read -r r; do
    # shellcheck disable=SC2086
    ip route replace $r 2>/dev/null
  done < "$change_dir/lanroutes"
}

# schedule_revert SECONDS: the host restores the snapshot by itself at the deadline unless the
# change is confirmed: a transient systemd timer, or a detached sleeper where there is no systemd.
schedule_revert() {
  local deadline
  deadline=$(( $(date +%s) + $1 ))
  set_meta deadline "$deadline"
  if has systemd-run && [ -d /run/systemd/system ]; then
    systemctl stop wgadmin-revert.timer wgadmin-revert.service >/dev/null 2>&1 || true
    systemctl reset-failed wgadmin-revert.service >/dev/null 2>&1 || true
    systemd-run -q --unit=wgadmin-revert --on-active="$1s" --timer-property=AccuracySec=100ms "$revert_helper" deadline
  else
    # The sleeper writes its own PID: it leads a session of its own, which cancel_revert ends whole.
    rm -f "$change_dir/sleeper"
    # shellcheck disable=SC2016 # expanded by the sleeper's shell
    setsid sh -c 'echo "$$" > "$1"; sleep "$2"; exec "$3" deadline' wgadmin-revert-sleeper "$change_dir/sleeper" "$1" "$revert_helper" </dev/null >/dev/null 2>&1 9>&- &
    local i=0
    while [ ! -s "$change_dir/sleeper" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  fi
  echo "@@pending $deadline"
}

# cancel_revert: the scheduled revert, gone.
cancel_revert() {
  if has systemctl && [ -d /run/systemd/system ]; then systemctl stop wgadmin-revert.timer >/dev/null 2>&1 || true; fi
  # The sleeper leads a session of its own (setsid): its group goes, the sleep with it.
  if [ -f "$change_dir/sleeper" ]; then kill -- "-$(cat "$change_dir/sleeper")" 2>/dev/null || true; fi
}

# install_revert_helper: the library as an executable that restores the snapshot on its own (at
# the deadline, at boot), and the unit that runs it at boot before the tunnels start.
install_revert_helper() {
  if [ "$(cat "$revert_helper" 2>/dev/null)" != "$revert_helper_text" ]; then printf '%s\n' "$revert_helper_text" | put_file "$revert_helper" 755; fi
  if has systemctl && [ -d /run/systemd/system ]; then
    if [ "$(cat "$recover_unit" 2>/dev/null)" != "$recover_unit_text" ]; then
      printf '%s\n' "$recover_unit_text" | put_file "$recover_unit" 644
      systemctl daemon-reload
    fi
    systemctl is-enabled -q "$(basename "$recover_unit")" 2>/dev/null || systemctl enable -q "$(basename "$recover_unit")"
  fi
}

# begin_change: the lock, an earlier unfinished change restored, the snapshot.
begin_change() {
  lock_change
  recover_change
  install_revert_helper
  take_snapshot || report_error snapshot-failed "cannot snapshot the host's state in $changes_root"
}

# end_change: committed (the snapshot dropped), or left pending with a revert at the deadline.
end_change() {
  if [ "${confirm_seconds:-0}" -gt 0 ]; then
    set_meta status pending
    schedule_revert "$confirm_seconds"
  else
    rm -rf "$change_dir"
    echo "@@committed"
  fi
}

# roll_back STEP_STATUS: a step failed: the snapshot restored, and what became of it said.
roll_back() {
  if ( restore_snapshot ) 9>&-; then echo "@@rolledback ok"; else echo "@@rolledback incomplete"; fi
  return "$1"
}

# fault_point STEP: a fault the lab's fault suite injects at a step (docs/remote.md), only when
# root wrote "STEP KIND" to /run/wgadmin/fault: "fail" fails the step, "hold" signals
# /run/wgadmin/fault-reached and waits there (for the suite to cut the path or reboot) until
# /run/wgadmin/fault-release appears, 30 s at most.
fault_point() {
  local at kind
  [ -f /run/wgadmin/fault ] || return 0
  read -r at kind < /run/wgadmin/fault
  [ "$at" = "$1" ] || return 0
  rm -f /run/wgadmin/fault
  case "$kind" in
    fail) echo "injected fault at step $1" >&2; return 1 ;;
    hold)
      local i=0
      touch /run/wgadmin/fault-reached
      while [ ! -e /run/wgadmin/fault-release ] && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
      rm -f /run/wgadmin/fault-reached /run/wgadmin/fault-release ;;
  esac
}
