namespace WgAdmin.Remote;

/// <summary>What the probe found for one peer: its tunnel addresses (IPv4 and IPv6), the pings to it, the path MTU, its routes.</summary>
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
    /// <summary>The peer's IPv6 tunnel address (a /128 of its AllowedIPs in the interface's IPv6 subnet), its pings and path MTU.</summary>
    public string? TunnelAddress6 { get; set; }
    public PingSummary? Ping6 { get; set; }
    public int? PathMtu6 { get; set; }
}
