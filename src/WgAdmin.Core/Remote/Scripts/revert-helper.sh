#!/bin/bash
# Written by WgAdmin (ChangeScript.cs): restores the host's pending change snapshot on its own.
# Usage: wgadmin-revert deadline | boot | undo
#   deadline  a change was not confirmed in time (run by the wgadmin-revert timer or sleeper);
#   boot      the host booted with a change that never finished or was never confirmed
#             (wgadmin-recover.service, before the tunnels start);
#   undo      Undo-WgChange.
# The outcome goes to /var/lib/wgadmin/last-revert, which the next WgAdmin command reads.
mode=${1:-}
case "$mode" in deadline|boot|undo) ;; *) echo "usage: $0 deadline|boot|undo" >&2; exit 2 ;; esac
# The library (lib.sh, change.sh) follows this header when WgAdmin installs the helper.
