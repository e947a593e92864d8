# shellcheck shell=bash
# The host's addresses, one a line as `ip -o addr show` prints them, from which GatewayLanAddress.cs
# picks a gateway's address in its site's LAN (Set-WgLanRoute, for a site without -LanAddress).
has ip || report_error missing-tool "the ip command (iproute2) is not installed"
echo "@@addresses"
ip -o addr show
