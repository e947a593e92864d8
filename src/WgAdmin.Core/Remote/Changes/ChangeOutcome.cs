namespace WgAdmin.Remote;

/// <summary>What became of a change on its host, as change.sh printed it.</summary>
public sealed record ChangeOutcome
{
    /// <summary>The change was made and its snapshot dropped.</summary>
    public bool Committed { get; init; }

    /// <summary>The change was made and reverts by itself at this time unless confirmed.</summary>
    public DateTimeOffset? PendingUntil { get; init; }

    /// <summary>A step failed and the host was restored to its snapshot, verified.</summary>
    public bool RolledBack { get; init; }

    /// <summary>A restore ran but the host does not match its snapshot (<see cref="RestoreDifference"/> says where).</summary>
    public bool RollbackIncomplete { get; init; }

    /// <summary>The facts that differ after a restore ("&lt;" as it was, "&gt;" as it is).</summary>
    public string? RestoreDifference { get; init; }

    /// <summary>An earlier change found unfinished and restored first: its station and start.</summary>
    public string? RecoveredFrom { get; init; }

    /// <summary>The error of a change that did not finish, from the failure of its step: what became of the host said, and its ID.</summary>
    public WgError Error(WgError failure, string host) =>
        RolledBack ? failure with { ErrorId = WgErrorId.ChangeRolledBack, Message = $"{failure.Message} The {host} was rolled back to its state before the change (verified)." }
        : RollbackIncomplete ? failure with { ErrorId = WgErrorId.RollbackIncomplete, Message = $"{failure.Message} Rolling back did not restore everything: {RestoreDifference ?? "see the host's log"}." }
        : failure;
}
