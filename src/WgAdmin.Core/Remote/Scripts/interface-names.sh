# shellcheck shell=bash
# Tab completion of interface names (WgCompletion.cs): the config files and the running links.
: "${wireguard_dir:?}"

for f in "$wireguard_dir"/*.conf; do if [ -f "$f" ]; then basename "$f" .conf; fi; done
if has wg; then wg show interfaces 2>/dev/null | tr ' ' '\n'; fi
