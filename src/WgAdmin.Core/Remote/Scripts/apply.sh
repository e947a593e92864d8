# shellcheck shell=bash
# The steps of a change (GatewayPlanner.cs builds the plan, GatewayExecutor.cs runs it): each
# step is a line or two calling these functions. The executor's prelude sets the paths of the
# interface (name, conf, key_file, nat_script, sysctl_file, dropin_file, wireguard_dir) and the
# texts the steps write; it runs with set -eu and pipefail, so the first failing step stops it.

# stop_interface NAME: takes a link down that is up outside systemd.
stop_interface() { wg-quick down "$1" >/dev/null 2>&1 || ip link del dev "$1"; }

# sync_peers NAME: the running interface to its config file, without a restart. The strip is
# captured first: a failure inside <(...) is invisible to set -e, and an empty input to
# wg syncconf would remove every peer.
sync_peers() {
  local stripped
  stripped=$(wg-quick strip "$1")
  [ -n "$stripped" ]
  wg syncconf "$1" <(printf '%s\n' "$stripped")
}

# reset_peers NAME KEEPALIVE_OFF PSK_OFF: wg syncconf leaves what the file does not mention, so a
# keepalive or preshared key dropped from a running peer is cleared explicitly (the peers' public
# keys, one a line), or the peer would keep it and never converge.
reset_peers() {
  local key
  while IFS= read -r key; do if [ -n "$key" ]; then wg set "$1" peer "$key" persistent-keepalive off; fi; done <<<"$2"
  while IFS= read -r key; do if [ -n "$key" ]; then wg set "$1" peer "$key" preshared-key /dev/null; fi; done <<<"$3"
}

# update_addresses NAME ADD DEL: addresses (one prefix a line) added to and taken from a running link.
update_addresses() {
  local a
  while IFS= read -r a; do if [ -n "$a" ]; then ip address add "$a" dev "$1"; fi; done <<<"$2"
  while IFS= read -r a; do if [ -n "$a" ]; then ip address del "$a" dev "$1" 2>/dev/null || true; fi; done <<<"$3"
}

family_of() { case "$1" in *:*) echo -6 ;; *) echo -4 ;; esac; }

# update_routes NAME TABLE ADD DEL: the routes wg-quick would set (one prefix a line) in TABLE
# (empty: the main table), added and taken away. As wg-quick at boot does, a prefix that a route
# of the link already covers in the main table (the interface's own subnet) gets none, so that
# a live change leaves the same routes as a restart.
update_routes() {
  local p
  while IFS= read -r p; do
    if [ -z "$p" ]; then continue; fi
    if [ -n "$2" ]; then ip "$(family_of "$p")" route replace "$p" dev "$1" table "$2"
    elif [ -z "$(ip "$(family_of "$p")" route show dev "$1" match "$p" 2>/dev/null)" ]; then ip "$(family_of "$p")" route replace "$p" dev "$1"
    fi
  done <<<"$3"
  while IFS= read -r p; do
    if [ -z "$p" ]; then continue; fi
    if [ -n "$2" ]; then ip "$(family_of "$p")" route del "$p" dev "$1" table "$2" 2>/dev/null || true; else ip "$(family_of "$p")" route del "$p" dev "$1" 2>/dev/null || true; fi
  done <<<"$4"
}

# backup_config CONF: the previous config beside it as CONF.wgadmin-bak, mode 0600.
backup_config() {
  mkdir -p "$(dirname "$1")"
  chmod 700 "$(dirname "$1")"
  if [ -f "$1" ]; then cp -p "$1" "$1.wgadmin-bak" && chmod 600 "$1.wgadmin-bak"; fi
}

# retired_keys MODE CONF BACKUP: the private and preshared key lines of BACKUP whose key CONF no
# longer holds (key lines by key_lines' rule). MODE "any" prints one line when there is one;
# "drop" prints BACKUP without them. The keys are read from the files, never from arguments.
retired_keys() {
  awk -v mode="$1" '
    { c = $0; gsub(/[[:space:]]/, "", c); l = tolower(c); k = "" }
    index(l, "privatekey=") == 1 { k = "p" substr(c, 12) }
    index(l, "presharedkey=") == 1 { k = "s" substr(c, 14) }
    FNR == NR { if (k != "") held[k] = 1; next }
    k != "" && !(k in held) { if (mode == "any") { print "retired"; exit } next }
    mode == "drop" { print }' "$2" "$3"
}

# drop_old_key CONF: after CONF is written, its backup keeps no key that CONF no longer holds:
# a replaced private key, a rotated preshared key or that of a peer gone is retired, and a copy
# would outlive it. The rest of the backup stays.
drop_old_key() {
  if [ -f "$1.wgadmin-bak" ] && [ -n "$(retired_keys any "$1" "$1.wgadmin-bak")" ]; then
    retired_keys drop "$1" "$1.wgadmin-bak" | put_file "$1.wgadmin-bak" 600
  fi
}

# write_config_with_key CONF KEY TEXT: TEXT with "PrivateKey = KEY" after its first line
# ([Interface]), written to CONF. Builtins only: the key never appears in a process's arguments.
write_config_with_key() {
  [ -n "$2" ]
  printf '%s' "$3" | { IFS= read -r first; printf '%s\nPrivateKey = %s\n' "$first" "$2"; cat; } | put_file "$1" 600
}

# replace_nat_script PATH TEXT (the NAT or the prefix mapping script): the old script takes its own rules down first (a new backend or
# family would not know them), then the new one is written.
replace_nat_script() {
  if [ -x "$1" ]; then "$1" down; fi
  printf '%s' "$2" | put_file "$1" 700
}

# remove_nat_script PATH: its rules down, the script gone.
remove_nat_script() { "$1" down; rm -f "$1"; }

# install_dropin PATH TEXT, remove_dropin PATH: the wg-quick@ drop-in that runs the NAT script.
install_dropin() { printf '%s' "$2" | put_file "$1" 644; systemctl daemon-reload; }
remove_dropin() { rm -f "$1"; rmdir "$(dirname "$1")" 2>/dev/null || true; systemctl daemon-reload; }

# retire_config CONF: the config kept as CONF.wgadmin-removed, mode 0600.
retire_config() { mv -f "$1" "$1.wgadmin-removed" && chmod 600 "$1.wgadmin-removed"; }

# forget_private_key KEY_FILE CONF: the key file, a rotation's next key (KEY_FILE.next) and every copy of the private key WgAdmin kept,
# and the preshared keys too: the kept config keeps only what is no secret.
forget_private_key() {
  rm -f "$1" "$1.next" "$2.wgadmin-bak"
  if [ -f "$2.wgadmin-removed" ]; then key_lines without-secrets "$2.wgadmin-removed" | put_file "$2.wgadmin-removed" 600; fi
}

# install_reresolve_timer UNIT SERVICE SERVICE_TEXT TIMER TIMER_TEXT: the re-resolve service and
# timer written, then the timer enabled and (re)started, so a new interval holds at once.
install_reresolve_timer() {
  printf '%s' "$3" | put_file "$2" 644
  printf '%s' "$5" | put_file "$4" 644
  systemctl daemon-reload
  systemctl enable -q "$1"
  systemctl restart "$1"
}

# remove_reresolve SCRIPT UNIT SERVICE TIMER CRON: the re-resolve timer stopped and every file of it gone.
remove_reresolve() {
  if has systemctl && [ -d /run/systemd/system ]; then
    systemctl disable -q --now "$2" 2>/dev/null || true
    rm -f "$3" "$4"
    systemctl daemon-reload
  else
    rm -f "$3" "$4"
  fi
  rm -f "$1" "$5"
}
