namespace WgAdmin.Remote;

/// <summary>A peer as the running interface reports it (`wg show dump`), preshared key reduced to whether one is set.</summary>
public sealed record LivePeer(string PublicKey, bool HasPresharedKey, string? Endpoint, IReadOnlyList<string> AllowedIPs, long LatestHandshakeUnix, long ReceivedBytes, long SentBytes, int? PersistentKeepalive);
