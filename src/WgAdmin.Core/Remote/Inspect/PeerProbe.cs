namespace WgAdmin.Remote;

/// <summary>What the probe found for one peer: its tunnel address, the pings to it, the path MTU, its routes.</summary>
public sealed class PeerProbe
{
    public required string PublicKey { get; init; }
    public string? TunnelAddress { get; set; }
    /// <summary>The peer's prefix in the tunnel subnet when several of its addresses could be the peer's own: not pinged.</summary>
    public string? AmbiguousPrefix { get; set; }
    public PingSummary? Ping { get; set; }
    /// <summary>The largest IP packet that crossed with don't-fragment set; 0 when even the smallest did not.</summary>
    public int? PathMtu { get; set; }
    public List<RouteAnswer> Routes { get; } = new();
}
