# shellcheck shell=bash
# Set-WgLanRoute and Remove-WgLanRoute (LanRouteScript.cs): brings a LAN host's routes to the
# other sites to the wanted list, now and at every boot. The list goes to $routes_file (written
# atomically); a oneshot unit runs $helper at boot; routes of the previous list that are no
# longer wanted are deleted. Nothing is written or run when everything is already as wanted.
# Prints "action=..." for every change and "route=..." for the result.
: "${desired?}" "${remove:?}" "${routes_file:?}" "${helper:?}" "${helper_text:?}" "${unit:?}" "${unit_name:?}" "${unit_text:?}"
set -eu
umask 022

has ip || report_error missing-tool "the ip command (iproute2) is not installed"
fam_of() { case "$1" in *:*) echo -6 ;; *) echo -4 ;; esac; }
has_route() { ip "$(fam_of "$1")" route show exact "$1" 2>/dev/null | grep -q " via $2 "; }
wanted() { printf '%s\n' "$desired" | grep -qxF "$1 via $2"; }
old=""
if [ -f "$routes_file" ]; then old=$(cat "$routes_file"); fi
printf '%s\n' "$old" | while read -r dest _ gw _; do
    case "$dest" in ''|'#'*) continue ;; esac
    if [ "$remove" = 1 ] || ! wanted "$dest" "$gw"; then
        if has_route "$dest" "$gw"; then ip "$(fam_of "$dest")" route del "$dest" via "$gw"; echo "action=delete $dest via $gw"; fi
    fi
done
if [ "$remove" = 1 ]; then
    if [ -f "$unit" ]; then
        systemctl disable -q "$unit_name" 2>/dev/null || true
        rm -f "$unit"; systemctl daemon-reload 2>/dev/null || true; echo "action=remove $unit"
    fi
    if [ -f "$helper" ]; then rm -f "$helper"; echo "action=remove $helper"; fi
    if [ -f "$routes_file" ]; then rm -f "$routes_file"; rmdir "$(dirname "$routes_file")" 2>/dev/null || true; echo "action=remove $routes_file"; fi
    exit 0
fi
printf '%s\n' "$desired" | while read -r dest _ gw _; do
    case "$dest" in ''|'#'*) continue ;; esac
    if ! has_route "$dest" "$gw"; then ip "$(fam_of "$dest")" route replace "$dest" via "$gw"; echo "action=add $dest via $gw"; fi
    echo "route=$dest via $gw"
done
if [ ! -f "$routes_file" ] || [ "$old" != "$desired" ]; then printf '%s\n' "$desired" | put_file "$routes_file" 644; echo "action=write $routes_file"; fi
if [ "$(cat "$helper" 2>/dev/null)" != "$helper_text" ]; then printf '%s\n' "$helper_text" | put_file "$helper" 755; echo "action=write $helper"; fi
if has systemctl && [ -d /run/systemd/system ]; then
    if [ "$(cat "$unit" 2>/dev/null)" != "$unit_text" ]; then printf '%s\n' "$unit_text" | put_file "$unit" 644; systemctl daemon-reload; echo "action=write $unit"; fi
    if ! systemctl is-enabled -q "$unit_name" 2>/dev/null; then systemctl enable -q "$unit_name"; echo "action=enable $unit_name"; fi
else
    echo "note=no systemd: the routes are set now but not at boot (run $helper from the boot scripts)"
fi
