#!/bin/sh
# Written by WgAdmin (Set-WgLanRoute): sets the routes to the other sites' LANs listed in its
# routes file, one "PREFIX via ADDRESS" a line. Run at boot by wgadmin-lan-routes.service.
: "${routes_file:?}"
[ -f "$routes_file" ] || exit 0
status=0
while read -r dest _ gw _; do
    case "$dest" in ''|'#'*) continue ;; esac
    fam=-4; case "$dest" in *:*) fam=-6 ;; esac
    ip "$fam" route replace "$dest" via "$gw" || status=1
done < "$routes_file"
exit $status
