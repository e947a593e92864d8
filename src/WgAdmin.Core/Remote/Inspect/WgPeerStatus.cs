namespace WgAdmin.Remote;

/// <summary>A peer of a running interface: where it is, when it last shook hands, what it moved.</summary>
public sealed class WgPeerStatus
{
    public string? Name { get; init; }
    public required string PublicKey { get; init; }
    public string? Endpoint { get; init; }
    public IReadOnlyList<string> AllowedIPs { get; init; } = Array.Empty<string>();
    public DateTimeOffset? LatestHandshake { get; init; }
    /// <summary>How long ago the last handshake was, as seen when the status was read.</summary>
    public TimeSpan? HandshakeAge { get; init; }
    public long ReceivedBytes { get; init; }
    public long SentBytes { get; init; }
    public int? PersistentKeepalive { get; init; }
    public bool HasPresharedKey { get; init; }

    public override string ToString() => Name ?? PublicKey;
}
