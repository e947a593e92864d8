# shellcheck shell=bash
# WgAdmin's shell library: sent ahead of every script that runs on a host (see RemoteScript.cs).
# Functions only, besides the locale and the umask: nothing here reads standard input or runs
# anything until a script calls it.

export LC_ALL=C
umask 077

has() { command -v "$1" >/dev/null 2>&1; }

# put_file PATH MODE: writes standard input to PATH atomically (a temporary file beside it, the
# mode, then a rename) and leaves no temporary file when a step fails.
put_file() {
  local _d _t
  _d=$(dirname "$1")
  mkdir -p "$_d" || return 1
  _t=$(mktemp "$_d/.wgadmin.XXXXXX") || return 1
  { cat > "$_t" && chmod "$2" "$_t" && mv -f "$_t" "$1"; } || { rm -f "$_t"; return 1; }
}

# write_file PATH MODE TEXT: TEXT, exactly as given, to PATH through put_file.
write_file() { printf '%s' "$3" | put_file "$1" "$2"; }

# The one rule for a config file's key lines, the way wg reads them: every whitespace character
# deleted, case ignored, so "Private Key = ..." is a key line too.
# key_lines MODE FILE, MODE one of:
#   without-secrets  the file without its private and preshared key lines (what leaves the host);
#   without-private  the file without its private key lines (what is hashed);
#   private-key      the value of the first private key line (never printed by WgAdmin itself).
key_lines() {
  awk -v mode="$1" '
    { c = $0; gsub(/[[:space:]]/, "", c); l = tolower(c) }
    index(l, "privatekey=") == 1 { if (mode == "private-key") { print substr(c, 12); exit } next }
    index(l, "presharedkey=") == 1 && mode == "without-secrets" { next }
    mode != "private-key" { print }' "$2"
}
without_secrets() { key_lines without-secrets "$1"; }
private_key_of() { key_lines private-key "$1"; }
# SHA-256 of a config file without its private key: what the planner compares with the file it wants.
config_hash() { key_lines without-private "$1" | sha256sum | cut -d' ' -f1; }

# Dumps of `wg show` reduced where they are read, by field count: a peer line of `wg show NAME
# dump` has 8 fields, its interface line 4; `wg show all dump` puts the name in front (9 and 5).
# Preshared keys become "(set)", private keys "(hidden)"; a line of any other shape is dropped, so
# a dump of another form cannot carry a key out.
filter_peer_dump() {
  awk -F '\t' 'BEGIN { OFS = "\t" } NF == 8 { print $1, ($2 == "(none)" ? "(none)" : "(set)"), $3, $4, $5, $6, $7, $8 }'
}
filter_all_dump() {
  awk -F '\t' 'BEGIN { OFS = "\t" }
    NF == 5 { print $1, "(hidden)", $3, $4, $5 }
    NF == 9 { print $1, $2, ($3 == "(none)" ? "(none)" : "(set)"), $4, $5, $6, $7, $8, $9 }'
}
dump_peers() { wg show "$1" dump 2>/dev/null | filter_peer_dump; }
dump_all() { wg show all dump 2>/dev/null | filter_all_dump; }

# report_error KIND MESSAGE: a failure WgAdmin names with its own error ID (RemoteRunner.cs maps
# KIND), then the script stops.
report_error() { printf '@@error %s %s\n' "$1" "$2"; exit 3; }

# install_wireguard MANAGER: the WireGuard tools by the host's package manager. On Debian the
# "wireguard" package (tools and the module dependency); the package lists are refreshed only when
# the first attempt cannot find it.
install_wireguard() {
  case "$1" in
    apt)
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -q wireguard >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wireguard >/dev/null; } ;;
    dnf) dnf install -y -q wireguard-tools >/dev/null ;;
    apk) apk add --no-cache -q wireguard-tools >/dev/null ;;
    *) report_error unsupported-os "the package manager '$1' is not one WgAdmin knows" ;;
  esac
}

# install_resolvconf MANAGER: what wg-quick calls for DNS = (resolvconf): openresolv, which
# every supported family packages under that name.
install_resolvconf() {
  case "$1" in
    apt)
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -q openresolv >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q openresolv >/dev/null; } ;;
    dnf) dnf install -y -q openresolv >/dev/null ;;
    apk) apk add --no-cache -q openresolv >/dev/null ;;
    *) report_error unsupported-os "the package manager '$1' is not one WgAdmin knows" ;;
  esac
}
