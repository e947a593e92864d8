namespace WgAdmin.Remote;

/// <summary>What the probe found for one -Target: the source it pinged from, its route, the pings.</summary>
public sealed class TargetProbe
{
    public required string Address { get; init; }
    public string? Source { get; set; }
    public RouteAnswer? Route { get; set; }
    public PingSummary? Ping { get; set; }
}
