namespace WgAdmin.Remote;

/// <summary>
/// Everything one run of <see cref="TunnelProbe.Script"/> printed, parsed: the shared facts of
/// the interface (its dump as the probe began in <see cref="GatewayFacts.LivePeers"/>), the
/// listening socket, what each peer and target answered, and the dump as it ended. Nothing secret is in it.
/// </summary>
public sealed class TunnelProbeOutput : GatewayFacts
{
    /// <summary>The gateway's clock (Unix seconds) when the probe ended: handshake ages are measured from it.</summary>
    public long Now { get; set; }
    public List<string> ListenSockets { get; } = new();
    public List<LivePeer> After { get; } = new();
    public Dictionary<string, PeerProbe> Peers { get; } = new(StringComparer.Ordinal);
    public List<TargetProbe> Targets { get; } = new();
    public bool Complete { get; set; }
}
