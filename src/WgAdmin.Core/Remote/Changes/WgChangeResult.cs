namespace WgAdmin.Remote;

/// <summary>What Confirm-WgChange or Undo-WgChange did on one host.</summary>
public sealed record WgChangeResult
{
    public required string ComputerName { get; init; }
    /// <summary>Confirm or Undo.</summary>
    public required string Action { get; init; }
    /// <summary>A change awaited confirmation on the host.</summary>
    public bool Found { get; init; }
    /// <summary>Who made the change (user@station, process).</summary>
    public string? Station { get; init; }
    public bool Confirmed { get; init; }
    /// <summary>Undo: the host was restored to its snapshot, verified.</summary>
    public bool RolledBack { get; init; }
    /// <summary>Undo: the facts that still differ from the snapshot (null when none).</summary>
    public string? RestoreDifference { get; init; }
    /// <summary>When no change awaited confirmation: the host's last revert, if any.</summary>
    public WgRevertRecord? LastRevert { get; init; }

    public override string ToString() =>
        $"{ComputerName}: {(!Found ? "no change awaiting confirmation" : Confirmed ? "confirmed" : RolledBack ? "undone" : "undo incomplete")}";
}
