using System.Net;
using WgAdmin.Keys;
using WgAdmin.Net;

namespace WgAdmin.Topology;

/// <summary>
/// One site to join: its gateway, how the other sites reach it, and the networks behind it.
/// A topology turns sites into one interface per gateway.
/// </summary>
public sealed class WgSite
{
    private int? _listenPort;
    private WgPrefix[] _lanPrefix = Array.Empty<WgPrefix>();
    private WgPrefix[] _mappedPrefix = Array.Empty<WgPrefix>();

    public WgSite(string name, WgEndpoint endpoint)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("A site needs a name.", nameof(name));
        Name = name;
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
    }

    /// <summary>The site's name; it names the peer on every other gateway.</summary>
    public string Name { get; }

    /// <summary>The gateway (SSH target) the site's interface belongs on.</summary>
    public string? ComputerName { get; set; }

    /// <summary>Where the other sites send their packets: the gateway, or the NAT router forwarding to it.</summary>
    public WgEndpoint Endpoint { get; }

    /// <summary>The networks behind the gateway, routed to this site by the others.</summary>
    public WgPrefix[] LanPrefix { get => _lanPrefix; set => _lanPrefix = value ?? Array.Empty<WgPrefix>(); }

    /// <summary>
    /// The prefixes the other sites see the LAN under, one per <see cref="LanPrefix"/> in the same
    /// order and of the same length (1:1 mapping: the gateway translates both ways); empty when
    /// the LAN is seen as it is.
    /// </summary>
    public WgPrefix[] MappedPrefix { get => _mappedPrefix; set => _mappedPrefix = value ?? Array.Empty<WgPrefix>(); }

    /// <summary>True when the site's LAN is seen under mapped prefixes.</summary>
    public bool IsMapped => _mappedPrefix.Length > 0;

    /// <summary>What the other sites see: the mapped prefixes, or the LAN prefixes when the site is not mapped.</summary>
    public WgPrefix[] VisiblePrefix => IsMapped ? _mappedPrefix : _lanPrefix;

    /// <summary>The LAN prefixes paired with their mapped prefixes (networks), for the gateway's rules; empty when not mapped.</summary>
    public WgPrefixMapping[] Mappings =>
        IsMapped && _mappedPrefix.Length == _lanPrefix.Length
            ? _lanPrefix.Zip(_mappedPrefix, (real, mapped) => new WgPrefixMapping(real.ToNetwork(), mapped.ToNetwork())).ToArray()
            : Array.Empty<WgPrefixMapping>();

    /// <summary>The port the gateway listens on; the endpoint's port unless a NAT router maps another one.</summary>
    public int? ListenPort { get => _listenPort ?? Endpoint.Port; set => _listenPort = value; }

    /// <summary>The gateway's uplink (eth0), for masquerading; carried along, not used by the topology itself.</summary>
    public string? WanInterface { get; set; }

    /// <summary>
    /// The gateway's own address on its LAN: the next hop LAN hosts route the far sites' prefixes
    /// through (Get-WgLanRoute). It must lie in one of <see cref="LanPrefix"/>.
    /// </summary>
    public IPAddress? LanAddress { get; set; }

    /// <summary>
    /// True for a cloud VPC: the LAN's routes belong in the provider's route table, not on hosts.
    /// </summary>
    public bool Cloud { get; set; }

    /// <summary>True when the gateway sits behind NAT: its peers get a keepalive so the NAT mapping stays open.</summary>
    public bool BehindNat { get; set; } = true;

    /// <summary>A fixed tunnel address; without one, the topology derives it from the site's name.</summary>
    public IPAddress? TunnelAddress { get; set; }

    /// <summary>The gateway's public key when its private key was generated there (New-WgKeyPair -ComputerName).</summary>
    public WgPublicKey? PublicKey
    {
        get => PrivateKey?.PublicKey ?? _publicKey;
        set => _publicKey = value;
    }

    private WgPublicKey? _publicKey;

    /// <summary>The private key to use; without it and without a public key, the topology generates one.</summary>
    public WgPrivateKey? PrivateKey { get; set; }

    /// <summary>When the site's private key was made (the topology file's KeyCreated); null when unknown (a key made before ages were recorded).</summary>
    public DateTimeOffset? KeyCreated { get; set; }

    /// <summary>How old the site's key is now; null when unknown. Nothing secret.</summary>
    public TimeSpan? KeyAge => KeyCreated is { } created ? DateTimeOffset.UtcNow - created : null;

    public override string ToString() => Name;
}
