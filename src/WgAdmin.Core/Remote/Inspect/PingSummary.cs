namespace WgAdmin.Remote;

/// <summary>What one `ping -q` printed: its summary, or the error it stopped with.</summary>
public sealed record PingSummary(int Sent, int Received, double? RttMinMs, double? RttAvgMs, double? RttMaxMs, string? Error)
{
    public double LossPercent => Sent == 0 ? 100 : Math.Round(100.0 * (Sent - Received) / Sent, 1);
}
