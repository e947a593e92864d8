namespace WgAdmin.Remote;

/// <summary>The outcome of applying a plan to one host.</summary>
public sealed record WgApplyResult
{
    public required string ComputerName { get; init; }
    public required string InterfaceName { get; init; }
    public bool Changed { get; init; }
    public IReadOnlyList<string> Actions { get; init; } = Array.Empty<string>();
    public bool Restarted { get; init; }
    public string? RestartReason { get; init; }
    public TimeSpan Duration { get; init; }
    /// <summary>Null on success; the reason otherwise.</summary>
    public string? Error { get; init; }
    /// <summary>The WgAdmin error ID of <see cref="Error"/> (WgAdmin.ChangeRolledBack when the gateway was put back).</summary>
    public string? ErrorId { get; init; }
    /// <summary>A step failed and the gateway was restored to its state before the change, verified.</summary>
    public bool RolledBack { get; init; }
    /// <summary>With -ConfirmWithin: the change reverts by itself at this time unless confirmed (null once confirmed).</summary>
    public DateTimeOffset? PendingUntil { get; init; }
    /// <summary>With -ConfirmWithin: the change was confirmed over a new connection.</summary>
    public bool Confirmed { get; init; }
    /// <summary>An earlier change that never finished, found and restored before this one: its station and start time.</summary>
    public string? Recovered { get; init; }
    /// <summary>With -Wait or -ConfirmTunnel: the tunnel checks that did not pass (empty: every peer shook hands and answered).</summary>
    public IReadOnlyList<string> TunnelFailures { get; init; } = Array.Empty<string>();
    /// <summary>Remote commands run for this host (the probe counts as one).</summary>
    public int RemoteCommands { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    public override string ToString() =>
        $"{ComputerName}: {(Error is not null ? RolledBack ? "failed, rolled back" : "failed" : Changed ? string.Join("; ", Actions) : "no change")}";
}
