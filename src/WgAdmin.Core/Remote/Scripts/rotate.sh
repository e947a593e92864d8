# shellcheck shell=bash
# The steps of key and preshared-key rotation (RotationScript.cs builds them, ChangeScript.cs
# makes each gateway's steps one all-or-nothing change). Secrets travel only as script values on
# standard input and into files and pipes: never into a process's arguments. A key made here
# (wg genkey) never leaves the gateway; only its public key is printed.

# edit_peers MODE CONF A B [MAP_FILE]: rewrites the [Peer] blocks of CONF (atomically, 0600).
#   stage   A=old key, B=new key: the file, then a copy of A's block with PublicKey B, without its
#           AllowedIPs and comments (a peer that shakes hands but routes nothing yet); a file that
#           has B already is left as it is.
#   finish  A=old key, B=new key: B's staged block dropped, A's PublicKey replaced by B in place,
#           so the file reads as if it had been written with B from the start.
#   psk     MAP_FILE holds "PUBLIC PRESHARED" a line: each listed peer's PresharedKey replaced (or
#           added after its PublicKey). The keys come from the file, never from awk's arguments.
# Key names compare as wg reads them: blanks deleted, case ignored. A block's blank lines before
# its header belong to it, so dropping a block leaves no stray blank line.
edit_peers() {
  local map=${5:-/dev/null}
  awk -v mode="$1" -v a="$3" -v b="$4" '
    function norm(s) { gsub(/[[:space:]]/, "", s); return tolower(s) }
    function val(s) { gsub(/[[:space:]]/, "", s); return substr(s, index(s, "=") + 1) }
    function flush(   i, pub, l, out, wrote) {
      pub = ""
      for (i = 1; i <= n; i++) { l = norm(buf[i]); if (index(l, "publickey=") == 1) pub = val(buf[i]) }
      if (peer && pub == b) { haveb = 1; if (mode == "finish") { n = 0; return } }
      for (i = 1; i <= n; i++) {
        l = norm(buf[i])
        if (peer && mode == "finish" && pub == a && index(l, "publickey=") == 1) { print "PublicKey = " b; continue }
        if (peer && mode == "psk" && (pub in psk) && index(l, "presharedkey=") == 1) { if (!wrote) print "PresharedKey = " psk[pub]; wrote = 1; continue }
        print buf[i]
        if (peer && mode == "psk" && (pub in psk) && !wrote && index(l, "publickey=") == 1 && !haspsk(pub)) { print "PresharedKey = " psk[pub]; wrote = 1 }
        if (peer && mode == "stage" && pub == a && l != "" && substr(l, 1, 1) != "#" && index(l, "allowedips=") != 1) {
          if (index(l, "publickey=") == 1) copy = copy "PublicKey = " b "\n"; else copy = copy buf[i] "\n"
        }
      }
      if (peer && pub == a) { olda = 1 }
      n = 0
    }
    function haspsk(p,   i) { for (i = 1; i <= n; i++) if (index(norm(buf[i]), "presharedkey=") == 1) return 1; return 0 }
    FNR == NR && mode == "psk" { if (NF == 2) psk[$1] = $2; next }
    {
      l = norm($0)
      if (substr(l, 1, 1) == "[") { flush(); for (i = 1; i <= blanks; i++) buf[++n] = ""; blanks = 0; peer = (l == "[peer]"); buf[++n] = $0; next }
      if (l == "") { blanks++; next }
      for (i = 1; i <= blanks; i++) buf[++n] = ""
      blanks = 0
      buf[++n] = $0
    }
    END {
      for (i = 1; i <= blanks; i++) buf[++n] = ""
      flush()
      if (mode == "stage" && olda && !haveb) printf "\n%s", copy
    }' "$map" "$2" | put_file "$2" 600
}

# has_live_peer NAME KEY: the running interface has the peer (wg set would create a missing one).
has_live_peer() { wg show "$1" peers 2>/dev/null | grep -qxF -- "$2"; }

link_up() { ip link show dev "$1" >/dev/null 2>&1; }

# set_preshared_keys NAME CONF MAP: MAP is "PUBLIC PRESHARED" a line. The file first, then each
# running peer's key with `wg set ... preshared-key` on a pipe: the current session carries on,
# the new key applies from the next handshake. A peer the interface does not have is an error.
set_preshared_keys() {
  local pub psk
  while read -r pub psk; do
    if [ -z "$pub" ]; then continue; fi
    if link_up "$1" && ! has_live_peer "$1" "$pub"; then echo "$1 has no peer $pub" >&2; return 1; fi
  done <<<"$(printf '%s\n' "$3" | cut -d' ' -f1)"
  edit_peers psk "$2" "" "" <(printf '%s\n' "$3")
  if link_up "$1"; then
    printf '%s\n' "$3" | while read -r pub psk; do
      if [ -n "$pub" ]; then wg set "$1" peer "$pub" preshared-key <(printf '%s\n' "$psk"); echo "psk=$pub"; fi
    done
  fi
}

# prepare_next_key NEXT_KEY_FILE LOCAL_KEY: the interface's next private key, kept when it exists
# (a rerun continues with it), else LOCAL_KEY (made on the admin's machine) or made here.
prepare_next_key() {
  if [ ! -s "$1" ]; then
    if [ -n "$2" ]; then printf '%s\n' "$2" | put_file "$1" 600; else wg genkey | put_file "$1" 600; echo "generated=yes"; fi
  fi
  echo "nextkey=$(wg pubkey < "$1")"
}

# stage_peers NAME CONF PAIRS: PAIRS is "OLD NEW" a line: each new key staged beside its old one
# (edit_peers stage), then the running interface brought to the file (sync_peers).
stage_peers() {
  local old new
  while read -r old new; do
    if [ -n "$old" ]; then edit_peers stage "$2" "$old" "$new"; echo "staged=$new"; fi
  done <<<"$3"
  if link_up "$1"; then sync_peers "$1"; fi
}

# switch_key NAME CONF KEY_FILE NEXT_KEY_FILE PING: the next key becomes the interface's key: the
# config (its PrivateKey lines replaced after [Interface], builtins only), the key file, then the
# running interface, which ends its sessions. PING (addresses, one a line) gets a packet each, so
# that the new handshakes start at once.
switch_key() {
  local key line c a
  [ -s "$4" ]
  IFS= read -r key < "$4"
  [ -n "$key" ]
  # shellcheck disable=SC2094 # put_file writes a temporary file and renames it once the loop has read all of CONF
  while IFS= read -r line || [ -n "$line" ]; do
    c=${line//[[:space:]]/}
    c=${c,,}
    if [[ $c == privatekey=* ]]; then continue; fi
    printf '%s\n' "$line"
    if [ "$c" = "[interface]" ]; then printf 'PrivateKey = %s\n' "$key"; fi
  done < "$2" | put_file "$2" 600
  printf '%s\n' "$key" | put_file "$3" 600
  unset key
  rm -f "$4"
  if link_up "$1"; then
    wg set "$1" private-key "$3"
    echo "switched=$(date +%s.%N)"
    while IFS= read -r a; do
      if [ -n "$a" ]; then ping -c 1 -W 1 -I "$1" "$a" >/dev/null 2>&1 & fi
    done <<<"$5"
    wait
  fi
  echo "pubkey=$(wg pubkey < "$3")"
}

# move_peer NAME CONF OLD NEW WAIT: OLD's AllowedIPs moved to NEW and OLD removed, in one
# `wg set`, then the file finished (edit_peers finish). With WAIT (seconds) it first waits for
# NEW's first handshake: the far end switched, and from then on NEW has a session to route into.
move_peer() {
  local ips deadline hs
  if link_up "$1"; then
    if [ "$5" -gt 0 ]; then
      deadline=$(($(date +%s) + $5))
      while :; do
        hs=$(wg show "$1" latest-handshakes | awk -v p="$4" '$1 == p { print $2 }')
        if [ "${hs:-0}" -gt 0 ]; then break; fi
        if [ "$(date +%s)" -ge "$deadline" ]; then echo "no handshake with the new key $4 within $5 s" >&2; return 1; fi
        sleep 0.02
      done
    fi
    ips=$(wg show "$1" allowed-ips | awk -v p="$3" '$1 == p { for (i = 2; i <= NF; i++) if ($i != "(none)") s = s (s == "" ? "" : ",") $i } END { print s }')
    if has_live_peer "$1" "$3"; then
      if [ -n "$ips" ]; then wg set "$1" peer "$4" allowed-ips "$ips" peer "$3" remove; else wg set "$1" peer "$3" remove; fi
    fi
    echo "moved=$(date +%s.%N) $4"
  fi
  edit_peers finish "$2" "$3" "$4"
  if link_up "$1"; then sync_peers "$1"; fi
}
