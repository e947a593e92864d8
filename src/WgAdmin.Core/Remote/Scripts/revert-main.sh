# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # read and set for change.sh, which comes before this part
# The revert helper's main part (after lib.sh and change.sh; see revert-helper.sh).
: "${mode:?}"
lock_timeout=120
change_station="the revert helper ($mode)"
lock_change
if [ ! -f "$change_dir/meta" ]; then exit 0; fi
if [ "$mode" = deadline ]; then
  if [ "$(meta status)" != pending ] || [ "$(meta deadline)" -gt "$(date +%s)" ]; then exit 0; fi
fi
station=$(meta station)
if [ "$mode" = boot ]; then boot_restore=1; export boot_restore; fi
started=$(date +%s%N)
if outcome=$( restore_snapshot 9>&- ); then result=ok; else result=incomplete; fi
outcome=$(printf '%s\n' "$outcome" | sed -n 's/^@@restore-diff /difference=/p')
finished=$(date +%s%N)
printf 'time=%s\nmode=%s\nstation=%s\nresult=%s\nmilliseconds=%s\n%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$mode" "$station" "$result" \
  "$(( (finished - started) / 1000000 ))" "$outcome" | put_file "$changes_root/last-revert" 600
[ "$result" = ok ]
