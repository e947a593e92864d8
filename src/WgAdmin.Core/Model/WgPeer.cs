using WgAdmin.Keys;
using WgAdmin.Net;

namespace WgAdmin.Model;

/// <summary>
/// A [Peer] section. <see cref="Name"/> and <see cref="Description"/> are WgAdmin's own: they are
/// kept in the file as "# Name = ..." comments, which `wg` and wg-quick ignore.
/// </summary>
public sealed class WgPeer
{
    public WgPeer(WgPublicKey publicKey) => PublicKey = publicKey ?? throw new ArgumentNullException(nameof(publicKey));

    public WgPublicKey PublicKey { get; set; }

    public WgPresharedKey? PresharedKey { get; set; }

    public WgEndpoint? Endpoint { get; set; }

    public WgPrefix[] AllowedIPs { get => _allowedIPs; set => _allowedIPs = value ?? Array.Empty<WgPrefix>(); }

    private WgPrefix[] _allowedIPs = Array.Empty<WgPrefix>();

    /// <summary>Seconds between keepalive packets; 0 is "off", null leaves it unset.</summary>
    public int? PersistentKeepalive { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    /// <summary>True when the peer has a preshared key; lets views show that without the key.</summary>
    public bool HasPresharedKey => PresharedKey is not null;

    /// <summary>A deep copy, so cmdlets that change a peer never touch the caller's object by surprise.</summary>
    public WgPeer Clone()
    {
        var copy = (WgPeer)MemberwiseClone();
        copy.AllowedIPs = (WgPrefix[])AllowedIPs.Clone();
        return copy;
    }

    public override string ToString() => Name is { Length: > 0 } ? $"{Name} ({PublicKey})" : PublicKey.ToString();
}
