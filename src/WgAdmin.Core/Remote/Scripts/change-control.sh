# shellcheck shell=bash
# shellcheck disable=SC2154 # change_dir and changes_root are change.sh's, composed before this script
# Confirm-WgChange, Undo-WgChange (ChangeControl.cs): the host's change awaiting confirmation,
# confirmed (its revert cancelled, its snapshot dropped) or undone now (restored, verified).
# Prints what the last revert found when there is no such change.
: "${action:?}" "${lock_timeout:?}" "${change_station:?}"

lock_change
if [ ! -f "$change_dir/meta" ] || [ "$(meta status)" != pending ]; then
  if [ -f "$changes_root/last-revert" ]; then echo @@lastrevert; cat "$changes_root/last-revert"; fi
  echo @@nochange
  exit 0
fi
echo "@@change $(meta station)"
cancel_revert
case "$action" in
  confirm) rm -rf "$change_dir"; echo @@confirmed ;;
  undo) if ( restore_snapshot ) 9>&-; then echo "@@rolledback ok"; else echo "@@rolledback incomplete"; fi ;;
  *) report_error unsupported "unknown action $action" ;;
esac
