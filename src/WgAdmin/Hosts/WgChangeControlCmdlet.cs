using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// What Confirm-WgChange and Undo-WgChange share: per host, one script under the host's lock
/// (change-control.sh), one <see cref="WgChangeResult"/>; a host with no change awaiting
/// confirmation is an error (WgAdmin.NoPendingChange) that says what its last revert found.
/// </summary>
public abstract class WgChangeControlCmdlet : WgHostCmdlet
{
    [Parameter]
    public TimeSpan LockTimeout { get; set; } = ChangeOptions.DefaultLockTimeout;

    protected abstract string Action { get; }

    protected abstract RemoteOperation<WgChangeResult> Operation(string computerName, ChangeOptions options);

    protected override void ProcessRecord() =>
        AddHosts(ComputerName, approve: target => ShouldProcess(target.ComputerName, $"{Action} the change awaiting confirmation"));

    protected override void EndProcessing()
    {
        var options = new ChangeOptions { LockTimeout = LockTimeout < TimeSpan.Zero ? TimeSpan.Zero : LockTimeout };
        ForEachHost($"{(Action == "confirm" ? "Confirming" : "Undoing")} changes on {Hosts.Count} host(s)",
            (target, cancellation) => RemoteRunner.Invoke(Connect(target, cancellation), Operation(target.ComputerName, options), cancellation),
            (target, result) =>
            {
                if (!result.Found)
                {
                    var last = result.LastRevert is { } revert
                        ? $" Its last revert: {revert.Mode} at {revert.Time}, of a change from {revert.Station}, {(revert.Verified ? "verified" : "NOT matching its snapshot")}."
                        : "";
                    WriteError(CreateErrorRecord(new WgError(WgErrorId.NoPendingChange, $"{target.ComputerName}: no change awaits confirmation.{last}", Offender: target.ComputerName),
                        target.ComputerName, ErrorCategory.ObjectNotFound));
                }
                else if (Action == "undo" && !result.RolledBack)
                {
                    WriteError(CreateErrorRecord(new WgError(WgErrorId.RollbackIncomplete,
                        $"{target.ComputerName}: the change was undone, but the host does not match its snapshot: {result.RestoreDifference}.", Offender: target.ComputerName),
                        target.ComputerName, ErrorCategory.InvalidResult));
                }
                WriteObject(result);
            });
    }
}
