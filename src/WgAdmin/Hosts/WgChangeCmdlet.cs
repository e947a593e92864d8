using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// The base of every cmdlet that changes a host: -LockTimeout (one change at a time per host),
/// -ConfirmWithin (the host reverts by itself unless confirmed) and -ManualConfirm (leave it to
/// Confirm-WgChange or Undo-WgChange), checked before anything connects.
/// </summary>
public abstract class WgChangeCmdlet : WgHostCmdlet
{
    /// <summary>How long to wait for another change on the same host to end before failing with WgAdmin.GatewayBusy.</summary>
    [Parameter]
    public TimeSpan LockTimeout { get; set; } = ChangeOptions.DefaultLockTimeout;

    /// <summary>The host reverts the change by itself this long after making it unless WgAdmin confirms it over a new connection.</summary>
    [Parameter]
    public TimeSpan? ConfirmWithin { get; set; }

    /// <summary>With -ConfirmWithin: leave the change pending; Confirm-WgChange or Undo-WgChange ends it, or the host reverts at the deadline.</summary>
    [Parameter]
    public SwitchParameter ManualConfirm { get; set; }

    protected virtual ChangeOptions ChangeOptions => new() { LockTimeout = LockTimeout, ConfirmWithin = ConfirmWithin };

    protected override void BeginProcessing()
    {
        if (LockTimeout < TimeSpan.Zero || LockTimeout > TimeSpan.FromHours(1))
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidChangeOption,
                $"-LockTimeout {Quote.Value(LockTimeout.ToString())} is not between 0 and one hour.", Offender: LockTimeout.ToString())), LockTimeout);
        if (ConfirmWithin is { } within && (within < TimeSpan.FromSeconds(5) || within > TimeSpan.FromDays(1)))
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidChangeOption,
                $"-ConfirmWithin {Quote.Value(within.ToString())} is not between 5 seconds and one day (a bare number is read as ticks: write 00:01:00).", Offender: within.ToString())), within);
        if (ManualConfirm && ConfirmWithin is null)
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidChangeOption, "-ManualConfirm needs -ConfirmWithin: the deadline at which the host reverts by itself.")), null);
        base.BeginProcessing();
    }

    /// <summary>
    /// Confirms the pending change on <paramref name="connection"/>'s host over a connection opened
    /// for it (the first may ride a path the change broke); null when confirmed, else why not.
    /// <paramref name="beforeConfirm"/> may check the host over the new connection first and
    /// return a reason not to confirm, in which case the change is undone now.
    /// </summary>
    protected static (bool Confirmed, bool Undone, string? Error, string? ErrorId) ConfirmOverNewConnection(SshConnection connection, DateTimeOffset deadline,
        ChangeOptions options, Func<SshConnection, string?>? beforeConfirm, CancellationToken cancellation)
    {
        var name = connection.Target.ComputerName;
        SshConnection fresh;
        try
        {
            fresh = SshConnection.Open(connection.Options, cancellation);
        }
        catch (WgException ex)
        {
            return (false, false, $"{name}: the change was made, but no new connection could be opened to confirm it ({ex.Message}); the host reverts it by itself at {deadline:u}.",
                WgErrorId.ChangeNotConfirmed);
        }
        using (fresh)
        {
            try
            {
                if (beforeConfirm?.Invoke(fresh) is { } reason)
                {
                    var undo = RemoteRunner.Invoke(fresh, ChangeControl.Undo(name, options), cancellation);
                    return (false, undo.RolledBack,
                        $"{name}: {reason}; the change was {(undo.RolledBack ? "undone (verified)" : "undone, but the host does not match its snapshot: " + undo.RestoreDifference)}.",
                        undo.RolledBack ? WgErrorId.ChangeRolledBack : WgErrorId.RollbackIncomplete);
                }
                var confirm = RemoteRunner.Invoke(fresh, ChangeControl.Confirm(name, options), cancellation);
                if (!confirm.Found)
                    return (false, confirm.LastRevert?.Verified ?? false,
                        $"{name}: the change was no longer awaiting confirmation{(confirm.LastRevert is { } revert ? $": the host reverted it ({revert.Mode}, {revert.Time})" : "")}.",
                        WgErrorId.ChangeNotConfirmed);
                return (true, false, null, null);
            }
            catch (WgException ex)
            {
                return (false, false, $"{name}: confirming the change failed ({ex.Message}); the host reverts it by itself at {deadline:u}.", WgErrorId.ChangeNotConfirmed);
            }
        }
    }
}
