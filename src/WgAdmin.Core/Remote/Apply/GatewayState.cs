using WgAdmin.Model;

namespace WgAdmin.Remote;

/// <summary>A peer as the running interface reports it (`wg show dump`), preshared key reduced to whether one is set.</summary>
public sealed record LivePeer(string PublicKey, bool HasPresharedKey, string? Endpoint, IReadOnlyList<string> AllowedIPs, long LatestHandshakeUnix, long ReceivedBytes, long SentBytes, int? PersistentKeepalive);

/// <summary>What a gateway has now, as read by one probe. Nothing secret is in it.</summary>
public sealed class GatewayState
{
    public Dictionary<string, string> OsRelease { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Tools { get; } = new(StringComparer.Ordinal);
    public bool HasSystemd { get; set; }
    public bool IsRoot { get; set; }
    public bool IptablesIsNft { get; set; }
    /// <summary>iptables' FORWARD policy is DROP (Docker sets it): only a rule in iptables' own FORWARD chain lets forwarded packets through.</summary>
    public bool IptablesForwardDrop { get; set; }

    public bool ConfigExists { get; set; }
    /// <summary>SHA-256 of the config file with its "PrivateKey = " line left out.</summary>
    public string? ConfigHash { get; set; }
    public string? ConfigMode { get; set; }
    /// <summary>The public key of the file's private key, derived on the gateway.</summary>
    public string? ConfigPublicKey { get; set; }
    /// <summary>The file with private and preshared keys left out, parsed; null if absent or unreadable.</summary>
    public WgInterface? Config { get; set; }
    public string? ConfigParseError { get; set; }

    /// <summary>The public key of /etc/wireguard/NAME.key, a private key generated on the gateway.</summary>
    public string? KeyFilePublicKey { get; set; }

    public bool LinkExists { get; set; }
    public int? LinkMtu { get; set; }
    public int? LiveListenPort { get; set; }
    public string? LivePublicKey { get; set; }
    public List<LivePeer> LivePeers { get; } = new();
    public List<string> LiveAddresses { get; } = new();

    public string ServiceEnabled { get; set; } = "";
    public string ServiceActive { get; set; } = "";

    public string? Ipv4Forwarding { get; set; }
    public string? Ipv6Forwarding { get; set; }

    /// <summary>Path to SHA-256 of the files WgAdmin manages (absent files are not listed).</summary>
    public Dictionary<string, string> ManagedFileHashes { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the NAT script's "check" passed (null when there is no script).</summary>
    public bool? NatRulesPresent { get; set; }

    public bool Has(string tool) => Tools.Contains(tool);

    public bool HasWireGuard => Has("wg") && Has("wg-quick");

    public PackageManagerKind PackageManager => PackageInstaller.Detect(OsRelease);
}
