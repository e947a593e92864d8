namespace WgAdmin.Remote;

/// <summary>The outcome of applying a plan to one host.</summary>
public sealed class WgApplyResult
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
    /// <summary>Remote commands run for this host (the probe counts as one).</summary>
    public int RemoteCommands { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    public override string ToString() => $"{ComputerName}: {(Error is not null ? "failed" : Changed ? string.Join("; ", Actions) : "no change")}";
}
