namespace WgAdmin.Remote;

/// <summary>
/// What Export-WgMetrics -Path did for one gateway, for a scheduled job's log: read or not, what it
/// found, where it went. Only strings, numbers and booleans, so ConvertTo-Json gives plain JSON.
/// </summary>
public sealed class WgMetricsResult
{
    public required string ComputerName { get; init; }
    public bool Success { get; init; }
    public int Interfaces { get; init; }
    public int Peers { get; init; }
    /// <summary>With -TestTunnel: whether every row of the tunnel test passed; null without it, or when the gateway could not be read.</summary>
    public bool? TunnelPassed { get; init; }
    public double DurationSeconds { get; init; }
    public string? Path { get; init; }
    public string? Error { get; init; }

    public override string ToString() => $"{ComputerName}: {(Success ? $"{Interfaces} interface(s), {Peers} peer(s)" : Error)}";
}
