# shellcheck shell=bash
# New-WgKeyPair -ComputerName (RemoteKeys.cs): a private key made on the gateway into its key
# file, where it stays; an existing key is kept. Prints the public key only.
: "${key_file:?}" "${wireguard_dir:?}" "${install?}"
set -eu

if ! has wg; then
  if [ -n "$install" ]; then install_wireguard "$install"; else report_error not-installed "wg is not installed (-InstallPackage installs it)"; fi
fi
mkdir -p "$wireguard_dir"
chmod 700 "$wireguard_dir"
if [ ! -s "$key_file" ]; then
  key=$(wg genkey)
  printf '%s\n' "$key" | put_file "$key_file" 600
  unset key
  echo created=yes
fi
chmod 600 "$key_file"
echo "pubkey=$(wg pubkey < "$key_file")"
