namespace WgAdmin.Remote;

/// <summary>
/// What Export-WgMetrics read from one gateway: its interfaces (counters as `wg show` has them),
/// the rows of its tunnel test when one ran, how long the export took, and why it failed when it did.
/// </summary>
public sealed record GatewayMetrics(string ComputerName, IReadOnlyList<WgInterfaceStatus> Interfaces, IReadOnlyList<WgTunnelTestResult> TunnelResults, double DurationSeconds, string? Error = null)
{
    public bool Success => Error is null;
}
